package devenv

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
)

// RequiredProviders is the terraform block of a configuration that runs
// the local build.
const RequiredProviders = "terraform {\n  required_providers {\n    auth0keys = {\n      source = \"auth0keys/auth0keys\"\n    }\n  }\n}\n"

// ProviderBlock is a provider block for the emulator with its default
// client's credentials and the given extra arguments.
func ProviderBlock(srv *emulator.Server, extra ...string) string {
	return ProviderBlockFor(srv, emulator.DefaultClient(), extra...)
}

// ProviderBlockFor is a provider block for the emulator with the given
// client's credentials and extra arguments.
func ProviderBlockFor(srv *emulator.Server, c emulator.Client, extra ...string) string {
	block := fmt.Sprintf("provider \"auth0keys\" {\n  domain        = %q\n  client_id     = %q\n  client_secret = %q\n", srv.Domain(), c.ID, c.Secret)
	for _, e := range extra {
		block += "  " + e + "\n"
	}
	return block + "}\n"
}

// WriteConfiguration writes config, after RequiredProviders, as main.tf of
// a new folder under parent, and returns the folder.
func WriteConfiguration(parent, config string) (string, error) {
	dir, err := os.MkdirTemp(parent, "config-")
	if err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(RequiredProviders+config), 0o600)
}

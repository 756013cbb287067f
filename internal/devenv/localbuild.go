package devenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// ProviderBinaryName is the file name Terraform looks for in a dev override.
const ProviderBinaryName = "terraform-provider-auth0keys"

// MirrorVersion is the version the local mirror offers the build as, for
// terraform init: it meets the examples' constraint "~> 0.1".
const MirrorVersion = "0.1.0"

// ProviderAddresses are the addresses the local build answers: the
// provider's own, and the one Terraform assumes for a module that uses it
// without declaring it.
var ProviderAddresses = []string{"auth0keys/auth0keys", "hashicorp/auth0keys"}

// BuildProvider compiles the provider into dir and returns its path.
func BuildProvider(dir, version string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, ProviderBinaryName)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", out, ".")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, b)
	}
	return out, nil
}

// LocalBuild builds the provider into dir/providers and writes the CLI
// configuration dir/dev.tfrc that runs it; it returns the configuration's
// path, for TF_CLI_CONFIG_FILE.
func LocalBuild(dir, version string) (string, error) {
	providers := filepath.Join(dir, "providers")
	if err := os.MkdirAll(providers, 0o700); err != nil {
		return "", err
	}
	if _, err := BuildProvider(providers, version); err != nil {
		return "", err
	}
	return WriteDevOverride(dir, providers)
}

// WriteDevOverride writes dir/dev.tfrc, a CLI configuration that takes the
// provider from providerDir instead of a registry (dev_overrides), and
// returns its path. terraform init still resolves the provider's address,
// so a local mirror in dir holding the same binary answers it under both
// CLIs' default registry hosts; other providers install as usual.
func WriteDevOverride(dir, providerDir string) (string, error) {
	binary, err := os.ReadFile(filepath.Join(providerDir, ProviderBinaryName)) //nolint:gosec // the build this package made
	if err != nil {
		return "", err
	}
	mirror := filepath.Join(dir, "mirror")
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		for _, addr := range ProviderAddresses {
			platform := filepath.Join(mirror, host, addr, MirrorVersion, runtime.GOOS+"_"+runtime.GOARCH)
			if err := os.MkdirAll(platform, 0o700); err != nil {
				return "", err
			}
			if err := os.WriteFile(filepath.Join(platform, ProviderBinaryName), binary, 0o700); err != nil { //nolint:gosec // a provider must be executable
				return "", err
			}
		}
	}
	overrides, includes := "", ""
	for _, addr := range ProviderAddresses {
		overrides += fmt.Sprintf("    %q = %q\n", addr, providerDir)
		includes += fmt.Sprintf("%q, ", addr)
	}
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n%s  }\n  filesystem_mirror {\n    path    = %q\n    include = [%s]\n  }\n  direct {\n    exclude = [%s]\n  }\n}\n",
		overrides, mirror, includes[:len(includes)-2], includes[:len(includes)-2])
	path := filepath.Join(dir, "dev.tfrc")
	return path, os.WriteFile(path, []byte(cfg), 0o600)
}

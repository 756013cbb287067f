package acctest

import (
	"os"
	"sync"
	"testing"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/devenv"
)

var (
	builtOnce    sync.Once
	builtCLIConf string
	builtErr     error
)

// LocalBuild returns the Terraform CLI and the CLI configuration that run
// the provider binary, built once per test process.
func LocalBuild(t testing.TB) (terraform, cliConfig string) {
	t.Helper()
	builtOnce.Do(func() {
		var dir string
		if dir, builtErr = os.MkdirTemp("", "auth0keys-provider-"); builtErr == nil {
			builtCLIConf, builtErr = devenv.LocalBuild(dir, "0.0.0-test")
		}
	})
	if builtErr != nil {
		t.Fatal(builtErr)
	}
	path, err := devenv.TerraformCLI()
	if err != nil {
		t.Fatal(err)
	}
	return path, builtCLIConf
}

// ProviderCLI returns a CLI for a fresh working directory holding config,
// running the local build as Terraform runs it for users.
func ProviderCLI(t testing.TB, config string) devenv.CLI {
	t.Helper()
	terraform, cliConfig := LocalBuild(t)
	work, err := devenv.WriteConfiguration(t.TempDir(), config)
	if err != nil {
		t.Fatal(err)
	}
	cli, err := devenv.NewCLI(terraform, work, cliConfig)
	if err != nil {
		t.Fatal(err)
	}
	return cli
}

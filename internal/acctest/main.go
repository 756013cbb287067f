package acctest

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/devenv"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/provider"
)

// Main prepares a test binary: it gives the run a temporary folder of its
// own, removed at the end, trusts the emulator CA, clears the AUTH0*
// variables, and with TF_ACC set points terraform-plugin-testing at the CLI
// that TerraformCLI finds. Use it from TestMain.
func Main(m *testing.M) int {
	flag.Parse()
	if testing.Short() && !flagGiven("test.parallel") {
		// Short tests wait on the emulator's clock (rate-limit resets), not
		// on the processor: let more of them wait at once.
		_ = flag.Set("test.parallel", "8")
	}
	dir, err := os.MkdirTemp("", "auth0keys-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	// Everything the run makes below the temporary folder goes with it:
	// the provider build, the working directories, and the lock and walk
	// records of the tenants the tests start, in this process and in the
	// provider processes Terraform starts.
	for _, v := range []string{"TMPDIR", "TMP", "TEMP"} {
		_ = os.Setenv(v, dir)
	}
	if _, err := devenv.TrustEmulatorCA(dir); err != nil {
		fmt.Fprintln(os.Stderr, "trusting the emulator CA:", err)
		return 1
	}
	// The tests configure the provider explicitly; a test that reads a
	// variable sets it itself.
	devenv.ClearAuth0Variables()
	if os.Getenv("TF_ACC") != "" {
		cli, err := devenv.TerraformCLI()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		_ = os.Setenv("TF_ACC_TERRAFORM_PATH", cli)
		if devenv.IsOpenTofu(cli) {
			_ = os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
		}
	}
	return m.Run()
}

func flagGiven(name string) bool {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// ProviderFactories serve the provider in the test process for
// terraform-plugin-testing.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"auth0keys": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// ProviderBlock and ProviderBlockFor write provider blocks for an emulator.
var (
	ProviderBlock    = devenv.ProviderBlock
	ProviderBlockFor = devenv.ProviderBlockFor
)

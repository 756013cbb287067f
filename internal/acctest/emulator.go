package acctest

import (
	"testing"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/devenv"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
)

// StartEmulator starts an emulated tenant for one test, trusted through
// the CA that Main set up, and stops it when the test ends.
func StartEmulator(t testing.TB, opts emulator.Options) *emulator.Server {
	t.Helper()
	srv, err := devenv.StartEmulator(opts)
	if err != nil {
		t.Fatalf("starting the Auth0 emulator: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

package acctest

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
)

var (
	sharedCA   *emulator.CA
	caFile     string
	caInitOnce sync.Once
	caInitErr  error
)

// TrustEmulatorCA creates the CA every emulator of this process chains to,
// writes it to a file and points SSL_CERT_FILE at it, so that this process,
// the Terraform CLI and the provider trust the emulator and nothing else.
// It must run before anything in the process verifies a certificate.
func TrustEmulatorCA(dir string) (string, error) {
	caInitOnce.Do(func() {
		sharedCA, caInitErr = emulator.NewCA()
		if caInitErr != nil {
			return
		}
		caFile = filepath.Join(dir, "emulator-ca.pem")
		if caInitErr = os.WriteFile(caFile, sharedCA.CertPEM, 0o600); caInitErr != nil {
			return
		}
		caInitErr = os.Setenv("SSL_CERT_FILE", caFile)
	})
	return caFile, caInitErr
}

// StartEmulator starts an emulated tenant for one test and stops it when
// the test ends.
func StartEmulator(t testing.TB, opts emulator.Options) *emulator.Server {
	t.Helper()
	srv, err := StartEmulatorProcessWide(opts)
	if err != nil {
		t.Fatalf("starting the Auth0 emulator: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// StartEmulatorProcessWide starts an emulated tenant whose certificate
// chains to the CA of TrustEmulatorCA.
func StartEmulatorProcessWide(opts emulator.Options) (*emulator.Server, error) {
	if sharedCA == nil {
		return nil, fmt.Errorf("TrustEmulatorCA must run first (in TestMain)")
	}
	opts.CA = sharedCA
	return emulator.Start(opts)
}

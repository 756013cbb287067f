package devenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
)

var (
	sharedCA   *emulator.CA
	caFile     string
	caInitOnce sync.Once
	caInitErr  error
)

// TrustEmulatorCA creates the CA every emulator of this process chains to,
// writes it to a file in dir and points SSL_CERT_FILE at it, so that this
// process, the Terraform CLI and the provider trust the emulator and
// nothing else. It must run before anything in the process verifies a
// certificate.
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

// StartEmulator starts an emulated tenant whose certificate chains to the
// CA of TrustEmulatorCA.
func StartEmulator(opts emulator.Options) (*emulator.Server, error) {
	if sharedCA == nil {
		return nil, fmt.Errorf("TrustEmulatorCA must run first")
	}
	opts.CA = sharedCA
	return emulator.Start(opts)
}

// ClearAuth0Variables unsets every AUTH0* variable of this process, and so
// of the Terraform CLIs and providers it starts: a shell's credentials,
// audience or CA file for a real tenant would otherwise mix with the
// emulator's provider blocks (AUTH0_API_TOKEN, for one, wins over client
// credentials in the environment).
func ClearAuth0Variables() {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "AUTH0") {
			_ = os.Unsetenv(name)
		}
	}
}

package acctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
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

// AssertionKey makes an RSA key pair for Private Key JWT and returns the
// private key with its PEM (PKCS #8).
func AssertionKey(t testing.TB) (*rsa.PrivateKey, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return key, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

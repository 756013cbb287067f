package management

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
)

func TestParseRSAPrivateKey(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	xKey, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	encode := func(blockType string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der}))
	}
	pkcs8 := func(key any) string {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		return encode("PRIVATE KEY", der)
	}
	const notRSA = ", and Auth0's algorithms RS256, RS384 and PS256 need an RSA key"
	tests := map[string]struct {
		pem, err string // err "" when the key is read
	}{
		"PKCS #1":          {pem: encode("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey))},
		"PKCS #8":          {pem: pkcs8(rsaKey)},
		"ECDSA":            {pem: pkcs8(ecKey), err: "client_assertion_private_key holds an ECDSA key" + notRSA},
		"Ed25519":          {pem: pkcs8(edKey), err: "client_assertion_private_key holds an Ed25519 key" + notRSA},
		"X25519":           {pem: pkcs8(xKey), err: "client_assertion_private_key holds an X25519 key" + notRSA},
		"not PEM":          {pem: "not a key", err: "client_assertion_private_key is not a PEM private key"},
		"a PEM of no key":  {pem: encode("PRIVATE KEY", []byte("garbage")), err: `client_assertion_private_key is not a readable RSA private key (PEM block "PRIVATE KEY")`},
		"a public key PEM": {pem: encode("PUBLIC KEY", x509.MarshalPKCS1PublicKey(&rsaKey.PublicKey)), err: `client_assertion_private_key is not a readable RSA private key (PEM block "PUBLIC KEY")`},
	}
	for name, tc := range tests {
		key, err := parseRSAPrivateKey(tc.pem)
		switch {
		case tc.err == "" && (err != nil || !key.Equal(rsaKey)):
			t.Errorf("%s: got %v, want the RSA key", name, err)
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("%s: got %v, want %q", name, err, tc.err)
		case err != nil && strings.Contains(err.Error(), "BEGIN"):
			t.Errorf("%s: the error quotes the key: %v", name, err)
		}
	}
}

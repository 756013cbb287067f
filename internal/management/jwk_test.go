package management

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // the x5t thumbprint is SHA-1
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"
)

func selfSigned(t *testing.T, pub, priv any) (string, []byte) {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "t"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), "\n", "\r\n"), der
}

// rsaCertificate generates an RSA key and its self-signed certificate.
func rsaCertificate(t *testing.T) (key *rsa.PrivateKey, certPEM string, der []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, der = selfSigned(t, &key.PublicKey, key)
	return key, certPEM, der
}

func TestJWK(t *testing.T) {
	t.Parallel()
	key, cert, der := rsaCertificate(t)
	jwk, err := SigningKey{KID: "k1", Cert: cert}.JWK()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(der) //nolint:gosec // x5t
	enc := base64.RawURLEncoding
	if jwk.Kid != "k1" || jwk.Kty != "RSA" || jwk.Alg != "RS256" || jwk.Use != "sig" ||
		jwk.N != enc.EncodeToString(key.N.Bytes()) || jwk.E != "AQAB" ||
		jwk.X5t != enc.EncodeToString(sum[:]) || len(jwk.X5c) != 1 || jwk.X5c[0] != base64.StdEncoding.EncodeToString(der) {
		t.Fatalf("JWK: %+v", jwk)
	}

	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecCert, _ := selfSigned(t, &ec.PublicKey, ec)
	for name, tc := range map[string]struct{ cert, want string }{
		"no certificate": {"", "signing key k1 has no certificate"},
		"not PEM":        {"MIID...", "signing key k1: cert is not a PEM certificate"},
		"not RSA":        {ecCert, "signing key k1: the certificate's key is *ecdsa.PublicKey, not RSA"},
	} {
		if _, err := (SigningKey{KID: "k1", Cert: tc.cert}).JWK(); err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %v, want %s", name, err, tc.want)
		}
	}
}

func TestPublishedJWKSLeavesOutRevokedAndUnreadableKeys(t *testing.T) {
	t.Parallel()
	_, cert, _ := rsaCertificate(t)
	set, unusable := PublishedJWKS([]SigningKey{
		{KID: "revoked", Cert: cert, Revoked: true}, {KID: "certless"}, {KID: "cur", Cert: cert, Current: true},
	})
	if len(set.Keys) != 1 || set.Keys[0].Kid != "cur" || len(unusable) != 1 || unusable[0].Error() != "signing key certless has no certificate" {
		t.Fatalf("published %+v, unusable %v", set.Keys, unusable)
	}
}

func TestValidateJWKSURL(t *testing.T) {
	t.Parallel()
	for url, valid := range map[string]bool{
		"https://gateway.example.com/.well-known/jwks.json": true,
		"https://127.0.0.1:8443/jwks.json":                  true,
		"http://gateway.example.com/.well-known/jwks.json":  false,
		"https:///jwks.json":                                false,
		"gateway.example.com/jwks.json":                     false,
		"https://gateway.example.com/%zz":                   false,
	} {
		if err := ValidateJWKSURL(url); (err == nil) != valid {
			t.Errorf("%q: valid %v, got %v", url, valid, err)
		}
	}
}

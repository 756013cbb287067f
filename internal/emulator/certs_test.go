package emulator

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // Auth0's fingerprint and thumbprint are SHA-1.
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// TestKeyMaterialIsOneCertificate checks that each key's fields describe
// one certificate, as the contract has them: the fingerprint and
// thumbprint are the SHA-1 of its DER, the PKCS#7 holds it, and the
// published key is its public key with it in x5c and its SHA-1 in x5t.
func TestKeyMaterialIsOneCertificate(t *testing.T) {
	s := start(t, Options{Keys: TenantWithHistory()})
	var jwks jose.JSONWebKeySet
	if err := json.Unmarshal(s.PublishedJWKS(), &jwks); err != nil {
		t.Fatal(err)
	}
	for _, k := range s.Keys() {
		block, rest := pem.Decode([]byte(strings.ReplaceAll(k.Cert, "\r\n", "\n")))
		if block == nil || block.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) != 0 {
			t.Fatalf("%s: cert is not one PEM certificate", k.KID)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatalf("%s: %v", k.KID, err)
		}
		sum := sha1.Sum(block.Bytes) //nolint:gosec // as Auth0 computes it
		thumb := strings.ToUpper(hex.EncodeToString(sum[:]))
		if k.Thumbprint != thumb {
			t.Errorf("%s: thumbprint %s, want the certificate's SHA-1 %s", k.KID, k.Thumbprint, thumb)
		}
		if strings.ReplaceAll(k.Fingerprint, ":", "") != thumb || strings.Count(k.Fingerprint, ":") != len(sum)-1 {
			t.Errorf("%s: fingerprint %s, want %s in colon-joined pairs", k.KID, k.Fingerprint, thumb)
		}
		if cert.Subject.CommonName != "emulator.auth0keys.test" {
			t.Errorf("%s: the certificate names %q, not the tenant", k.KID, cert.Subject.CommonName)
		}
		p7, _ := pem.Decode([]byte(strings.ReplaceAll(k.PKCS7, "\r\n", "\n")))
		var contentInfo struct {
			ContentType asn1.ObjectIdentifier
			Content     asn1.RawValue `asn1:"explicit,tag:0"`
		}
		if p7 == nil || p7.Type != "PKCS7" {
			t.Fatalf("%s: pkcs7 is not PEM PKCS7", k.KID)
		}
		if _, err := asn1.Unmarshal(p7.Bytes, &contentInfo); err != nil || !contentInfo.ContentType.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}) ||
			!bytes.Contains(contentInfo.Content.FullBytes, block.Bytes) {
			t.Errorf("%s: pkcs7 is not a SignedData holding the certificate (%v, %v)", k.KID, err, contentInfo.ContentType)
		}
		if k.Revoked {
			continue
		}
		var published *jose.JSONWebKey
		for i := range jwks.Keys {
			if jwks.Keys[i].KeyID == k.KID {
				published = &jwks.Keys[i]
			}
		}
		if published == nil {
			t.Errorf("%s is not revoked and not published", k.KID)
			continue
		}
		pub, ok := published.Key.(*rsa.PublicKey)
		if !ok || !pub.Equal(cert.PublicKey) || published.Algorithm != "RS256" || published.Use != "sig" ||
			len(published.Certificates) != 1 || !published.Certificates[0].Equal(cert) || !bytes.Equal(published.CertificateThumbprintSHA1, sum[:]) {
			t.Errorf("%s: the published key is not the certificate's: %+v", k.KID, published)
		}
	}
}

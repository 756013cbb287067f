package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // Auth0 identifies certificates by their SHA-1 fingerprint.
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// CA is a certificate authority the emulator's TLS certificate chains to.
// Clients trust it by adding CertPEM to their roots (SSL_CERT_FILE).
type CA struct {
	CertPEM []byte
	cert    *x509.Certificate
	key     *rsa.PrivateKey

	// The loopback server certificate, issued once: every emulator of a
	// CA serves the same host names.
	serverOnce sync.Once
	server     tls.Certificate
	serverErr  error
}

// NewCA creates a fresh RSA-2048 certificate authority.
func NewCA() (*CA, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "auth0keys emulator CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), cert: cert, key: key}, nil
}

// ServerCertificate is the TLS server certificate for the loopback
// addresses and localhost, issued on first use.
func (ca *CA) ServerCertificate() (tls.Certificate, error) {
	ca.serverOnce.Do(func() { ca.server, ca.serverErr = ca.issueServerCertificate() })
	return ca.server, ca.serverErr
}

func (ca *CA) issueServerCertificate() (tls.Certificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// keyMaterial is what Auth0 publishes about one signing key's certificate.
type keyMaterial struct {
	certPEM     string
	pkcs7PEM    string
	fingerprint string
	thumbprint  string
	jwk         jose.JSONWebKey // without its kid
}

// newKeyMaterial generates an RSA-2048 key and its self-signed certificate,
// named after the tenant as Auth0 does, and formats it as Auth0 does: PEM with
// \r\n line ends, PKCS#7, and the SHA-1 fingerprint and thumbprint.
func newKeyMaterial(tenant string) (keyMaterial, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return keyMaterial{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: tenant},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(10 * 365 * 24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return keyMaterial{}, err
	}
	p7, err := degeneratePKCS7(der)
	if err != nil {
		return keyMaterial{}, err
	}
	sum := sha1.Sum(der) //nolint:gosec // Auth0's fingerprint format.
	thumb := strings.ToUpper(hex.EncodeToString(sum[:]))
	pairs := make([]string, 0, len(sum))
	for i := 0; i < len(thumb); i += 2 {
		pairs = append(pairs, thumb[i:i+2])
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return keyMaterial{}, err
	}
	jwk := jose.JSONWebKey{Key: &key.PublicKey, Use: "sig", Algorithm: "RS256",
		Certificates: []*x509.Certificate{cert}, CertificateThumbprintSHA1: sum[:]}
	if _, err := jwk.MarshalJSON(); err != nil { // so that publishing it cannot fail
		return keyMaterial{}, err
	}
	return keyMaterial{
		certPEM:     crlf(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		pkcs7PEM:    crlf(pem.EncodeToMemory(&pem.Block{Type: "PKCS7", Bytes: p7})),
		fingerprint: strings.Join(pairs, ":"),
		thumbprint:  thumb,
		jwk:         jwk,
	}, nil
}

// degeneratePKCS7 wraps one certificate in a certs-only PKCS#7 SignedData
// (RFC 2315), the form Auth0 returns in the pkcs7 field.
func degeneratePKCS7(certDER []byte) ([]byte, error) {
	emptySet := asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true}
	signedData := struct {
		Version          int
		DigestAlgorithms asn1.RawValue
		ContentInfo      struct{ ContentType asn1.ObjectIdentifier }
		Certificates     asn1.RawValue
		SignerInfos      asn1.RawValue
	}{
		Version:          1,
		DigestAlgorithms: emptySet,
		Certificates:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: certDER},
		SignerInfos:      emptySet,
	}
	signedData.ContentInfo.ContentType = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	inner, err := asn1.Marshal(signedData)
	if err != nil {
		return nil, fmt.Errorf("encoding PKCS#7: %w", err)
	}
	return asn1.Marshal(struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue
	}{
		ContentType: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2},
		Content:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: inner},
	})
}

func crlf(b []byte) string {
	return strings.TrimRight(strings.ReplaceAll(string(b), "\n", "\r\n"), "\r\n")
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err)
	}
	return n
}

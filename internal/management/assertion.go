package management

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ClientAssertionType is the client_assertion_type of Private Key JWT.
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// AssertionSigningAlgs are the algorithms Auth0 accepts for a client
// assertion.
var AssertionSigningAlgs = []string{"RS256", "RS384", "PS256"}

// assertionLifetime is how long an assertion is valid: Auth0 accepts at
// most 5 minutes and recommends 1.
const assertionLifetime = time.Minute

// assertionSigner makes a fresh client assertion for each token request.
type assertionSigner struct {
	key      *rsa.PrivateKey
	method   jwt.SigningMethod
	clientID string
	audience string
}

func newAssertionSigner(cfg Config) (*assertionSigner, error) {
	alg := cfg.ClientAssertionSigningAlg
	if alg == "" {
		alg = "RS256"
	}
	if !slices.Contains(AssertionSigningAlgs, alg) {
		return nil, fmt.Errorf("client_assertion_signing_alg %q is not one of %s", alg, strings.Join(AssertionSigningAlgs, ", "))
	}
	key, err := parseRSAPrivateKey(cfg.ClientAssertionPrivateKey)
	if err != nil {
		return nil, err
	}
	return &assertionSigner{key: key, method: jwt.GetSigningMethod(alg), clientID: cfg.ClientID, audience: "https://" + cfg.Domain + "/"}, nil
}

// parseRSAPrivateKey reads a PEM RSA private key, PKCS #1 or PKCS #8. Its
// errors never quote the key.
func parseRSAPrivateKey(pemText string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, errors.New("client_assertion_private_key is not a PEM private key")
	}
	if key, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return key, nil
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("client_assertion_private_key is not a readable RSA private key (PEM block %q)", block.Type)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("client_assertion_private_key holds %s, and Auth0's algorithms RS256, RS384 and PS256 need an RSA key", keyKind(parsed))
	}
	return key, nil
}

// keyKind names a private key that is not RSA, in a user's words.
func keyKind(key any) string {
	switch key.(type) {
	case *ecdsa.PrivateKey:
		return "an ECDSA key"
	case ed25519.PrivateKey:
		return "an Ed25519 key"
	case *ecdh.PrivateKey:
		return "an X25519 key"
	}
	return "a key that is not RSA"
}

// signedAssertions puts a fresh client assertion into every token request
// it sends, each retry included: Auth0 refuses an assertion whose jti it
// has seen, so an attempt whose answer was lost cannot be made again with
// the same one.
type signedAssertions struct {
	signer *assertionSigner
	next   http.RoundTripper
}

func (s signedAssertions) RoundTrip(r *http.Request) (*http.Response, error) {
	form, err := readForm(r)
	if err != nil {
		return nil, err
	}
	assertion, err := s.signer.sign(time.Now())
	if err != nil {
		return nil, fmt.Errorf("cannot sign the client assertion: %w", err)
	}
	form.Set("client_assertion_type", ClientAssertionType)
	form.Set("client_assertion", assertion)
	body := form.Encode()
	signed := r.Clone(r.Context())
	signed.Body, signed.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
	signed.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	return s.next.RoundTrip(signed)
}

// readForm reads and closes a request's form body.
func readForm(r *http.Request) (url.Values, error) {
	if r.Body == nil {
		return url.Values{}, nil
	}
	defer r.Body.Close()
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	return url.ParseQuery(string(body))
}

// sign makes an assertion as Auth0 documents it: issuer and subject the
// client id, audience the tenant, a unique jti, one minute of validity.
func (s *assertionSigner) sign(now time.Time) (string, error) {
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	claims := jwt.RegisteredClaims{
		Issuer: s.clientID, Subject: s.clientID, Audience: jwt.ClaimStrings{s.audience},
		ID: hex.EncodeToString(jti), IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(assertionLifetime)),
	}
	return jwt.NewWithClaims(s.method, claims).SignedString(s.key)
}

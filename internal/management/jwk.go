package management

import (
	"context"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is defined as the SHA-1 thumbprint (RFC 7517).
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/url"

	"github.com/hashicorp/go-retryablehttp"
)

// JWK is a public signing key in JSON Web Key form, as a tenant publishes
// it at /.well-known/jwks.json.
type JWK struct {
	Kty string   `json:"kty"`
	Use string   `json:"use"`
	Alg string   `json:"alg"`
	Kid string   `json:"kid"`
	N   string   `json:"n"`
	E   string   `json:"e"`
	X5c []string `json:"x5c"`
	X5t string   `json:"x5t"`
}

// JWKS is a JSON Web Key Set.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// JWK derives the key's JSON Web Key from its certificate.
func (k SigningKey) JWK() (JWK, error) {
	if k.Cert == "" {
		return JWK{}, fmt.Errorf("signing key %s has no certificate", k.KID)
	}
	block, _ := pem.Decode([]byte(k.Cert))
	if block == nil || block.Type != "CERTIFICATE" {
		return JWK{}, fmt.Errorf("signing key %s: cert is not a PEM certificate", k.KID)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return JWK{}, fmt.Errorf("signing key %s: %w", k.KID, err)
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return JWK{}, fmt.Errorf("signing key %s: the certificate's key is %T, not RSA", k.KID, cert.PublicKey)
	}
	thumb := sha1.Sum(cert.Raw) //nolint:gosec // x5t
	enc := base64.RawURLEncoding
	return JWK{
		Kty: "RSA", Use: "sig", Alg: "RS256", Kid: k.KID,
		N:   enc.EncodeToString(pub.N.Bytes()),
		E:   enc.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		X5c: []string{base64.StdEncoding.EncodeToString(cert.Raw)},
		X5t: enc.EncodeToString(thumb[:]),
	}, nil
}

// PublishedJWKS is the key set a tenant publishes for these keys: every key
// that is not revoked, in the given order. A key whose certificate is
// missing or cannot be read is left out, and why is returned.
func PublishedJWKS(keys []SigningKey) (JWKS, []error) {
	set := JWKS{Keys: []JWK{}}
	var unusable []error
	for _, k := range keys {
		if k.Revoked {
			continue
		}
		jwk, err := k.JWK()
		if err != nil {
			unusable = append(unusable, err)
			continue
		}
		set.Keys = append(set.Keys, jwk)
	}
	return set, unusable
}

// FetchJWKS reads the JSON Web Key Set at an HTTPS URL, such as a
// gateway's copy of the tenant's keys, with the client's retries and
// trust. It sends no credentials.
func (c *Client) FetchJWKS(ctx context.Context, rawURL string) (JWKS, error) {
	var set JWKS
	if err := ValidateJWKSURL(rawURL); err != nil {
		return set, err
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return set, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.repeatable.Do(req)
	if err != nil {
		return set, fmt.Errorf("cannot read %s: %w", rawURL, stripURLError(err))
	}
	defer resp.Body.Close()
	body, err := readAnswer(resp.Body, req.URL.Host)
	if err != nil {
		return set, fmt.Errorf("cannot read %s: %w", rawURL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return set, fmt.Errorf("%s answered %d", rawURL, resp.StatusCode)
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return set, fmt.Errorf("%s served no JSON Web Key Set: %w", rawURL, err)
	}
	return set, nil
}

// ValidateJWKSURL reports whether rawURL is an https:// URL with a host,
// where a JSON Web Key Set may be read.
func ValidateJWKSURL(rawURL string) error {
	if u, err := url.Parse(rawURL); err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q is not an https:// URL of a JSON Web Key Set", rawURL)
	}
	return nil
}

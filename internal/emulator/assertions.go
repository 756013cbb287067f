package emulator

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// maxAssertionLifetime is the longest validity Auth0 accepts for a client
// assertion.
const maxAssertionLifetime = 5 * time.Minute

// assertionCheck verifies Private Key JWT client assertions as Auth0 does
// and remembers their jti, so that an assertion is used once.
type assertionCheck struct {
	mu   sync.Mutex
	seen map[string]bool
}

// verify checks an assertion against a client's registered public key:
// its algorithm, signature, issuer and subject (the client id), audience
// (the tenant, https://DOMAIN/), an expiry at most 5 minutes ahead, and a
// jti not seen before.
func (a *assertionCheck) verify(c Client, audience, assertion string) error {
	if c.AssertionKey == nil {
		return errors.New("the client has no credential for Private Key JWT")
	}
	alg := c.AssertionAlg
	if alg == "" {
		alg = "RS256"
	}
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(assertion, &claims, func(*jwt.Token) (any, error) { return c.AssertionKey, nil },
		jwt.WithValidMethods([]string{alg}), jwt.WithIssuer(c.ID), jwt.WithSubject(c.ID), jwt.WithAudience(audience),
		jwt.WithExpirationRequired())
	switch {
	case err != nil:
		return err
	case time.Until(claims.ExpiresAt.Time) > maxAssertionLifetime:
		return fmt.Errorf("the assertion expires more than %s ahead", maxAssertionLifetime)
	case claims.ID == "":
		return errors.New("the assertion has no jti")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.seen[claims.ID] {
		return fmt.Errorf("the assertion's jti %s was used already", claims.ID)
	}
	if a.seen == nil {
		a.seen = map[string]bool{}
	}
	a.seen[claims.ID] = true
	return nil
}

// AssertionCredential registers a public key (RS256, RS384 or PS256) for
// Private Key JWT on a client, as adding a credential in the dashboard does.
func AssertionCredential(c Client, key *rsa.PublicKey, alg string) Client {
	c.AssertionKey, c.AssertionAlg = key, alg
	return c
}

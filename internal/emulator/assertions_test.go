package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestPrivateKeyJWT(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	app := AssertionCredential(Client{ID: "pkjwt-client", Scopes: []string{"read:signing_keys"}}, &key.PublicKey, "PS256")
	// A credential registered without an algorithm takes RS256.
	byDefault := AssertionCredential(Client{ID: "pkjwt-default", Scopes: []string{"read:signing_keys"}}, &key.PublicKey, "")
	s := start(t, Options{Clients: []Client{app, byDefault}})
	now := time.Now()
	assertion := func(signer *rsa.PrivateKey, method jwt.SigningMethod, change func(*jwt.RegisteredClaims)) string {
		claims := jwt.RegisteredClaims{Issuer: app.ID, Subject: app.ID, Audience: jwt.ClaimStrings{s.URL() + "/"},
			ID: "jti-" + strings.ReplaceAll(t.Name(), "/", "-") + now.String(), IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute))}
		change(&claims)
		signed, err := jwt.NewWithClaims(method, claims).SignedString(signer)
		if err != nil {
			t.Fatal(err)
		}
		return signed
	}
	postAs := func(clientID, assertion string) (int, string) {
		resp, err := client(t, s).PostForm(s.URL()+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID},
			"client_assertion_type": {clientAssertionType}, "client_assertion": {assertion}, "audience": {s.Audience()}})
		var body map[string]any
		status := decodeAnswer(t, resp, err, &body)
		return status, fmtBody(body)
	}
	post := func(assertion string) (int, string) { return postAs(app.ID, assertion) }
	good := assertion(key, jwt.SigningMethodPS256, func(*jwt.RegisteredClaims) {})
	if status, body := post(good); status != http.StatusOK {
		t.Fatalf("a good assertion was refused: %d %s", status, body)
	}
	refused := map[string]struct{ assertion, want string }{
		"replayed jti": {good, "was used already"},
		"wrong key":    {assertion(other, jwt.SigningMethodPS256, func(c *jwt.RegisteredClaims) { c.ID += "-wrong-key" }), "verification error"},
		"expired": {assertion(key, jwt.SigningMethodPS256, func(c *jwt.RegisteredClaims) {
			c.ID += "-expired"
			c.IssuedAt, c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Hour)), jwt.NewNumericDate(now.Add(-59*time.Minute))
		}), "token is expired"},
		"valid too long": {assertion(key, jwt.SigningMethodPS256, func(c *jwt.RegisteredClaims) {
			c.ID += "-long"
			c.ExpiresAt = jwt.NewNumericDate(now.Add(time.Hour))
		}), "expires more than 5m0s ahead"},
		"another algorithm": {assertion(key, jwt.SigningMethodRS256, func(c *jwt.RegisteredClaims) { c.ID += "-rs256" }), "signing method RS256 is invalid"},
		"wrong audience": {assertion(key, jwt.SigningMethodPS256, func(c *jwt.RegisteredClaims) {
			c.ID += "-aud"
			c.Audience = jwt.ClaimStrings{"https://elsewhere.example.com/"}
		}), "token has invalid audience"},
		"no jti": {assertion(key, jwt.SigningMethodPS256, func(c *jwt.RegisteredClaims) { c.ID = "" }), "the assertion has no jti"},
		"no expiry": {assertion(key, jwt.SigningMethodPS256, func(c *jwt.RegisteredClaims) {
			c.ID += "-no-exp"
			c.ExpiresAt = nil
		}), "token is missing required claim: exp claim is required"},
		"another issuer": {assertion(key, jwt.SigningMethodPS256, func(c *jwt.RegisteredClaims) {
			c.ID += "-iss"
			c.Issuer = byDefault.ID
		}), "token has invalid issuer"},
		"another subject": {assertion(key, jwt.SigningMethodPS256, func(c *jwt.RegisteredClaims) {
			c.ID += "-sub"
			c.Subject = byDefault.ID
		}), "token has invalid subject"},
	}
	for name, tc := range refused {
		status, body := post(tc.assertion)
		if status != http.StatusUnauthorized || !strings.Contains(body, tc.want) {
			t.Errorf("%s: got %d %s, want 401 with %q", name, status, body, tc.want)
		}
	}
	asDefault := func(method jwt.SigningMethod) string {
		return assertion(key, method, func(c *jwt.RegisteredClaims) {
			c.ID += "-default-" + method.Alg()
			c.Issuer, c.Subject = byDefault.ID, byDefault.ID
		})
	}
	if status, body := postAs(byDefault.ID, asDefault(jwt.SigningMethodRS256)); status != http.StatusOK {
		t.Errorf("an RS256 assertion for a credential without an algorithm was refused: %d %s", status, body)
	}
	if status, body := postAs(byDefault.ID, asDefault(jwt.SigningMethodPS256)); status != http.StatusUnauthorized ||
		!strings.Contains(body, "signing method PS256 is invalid") {
		t.Errorf("a PS256 assertion for a credential without an algorithm: got %d %s, want 401", status, body)
	}
}

func fmtBody(body map[string]any) string {
	b, _ := json.Marshal(body)
	return string(b)
}

package emulator

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"sync"
	"time"
)

type grant struct {
	scopes  []string
	expires time.Time
}

// tokenStore issues JWT-shaped bearer tokens and remembers their grants.
type tokenStore struct {
	mu     sync.Mutex
	secret []byte
	grants map[string]grant
	order  []string
}

func newTokenStore() *tokenStore {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		panic(err)
	}
	return &tokenStore{secret: secret, grants: map[string]grant{}}
}

func (s *tokenStore) issue(audience, subject string, scopes []string, ttl time.Duration) string {
	now := time.Now()
	nonce := make([]byte, 12)
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT"})
	payload, _ := json.Marshal(map[string]any{
		"aud": audience, "sub": subject + "@clients", "iat": now.Unix(), "exp": now.Add(ttl).Unix(),
		"scope": joinScopes(scopes), "gty": "client-credentials", "jti": enc.EncodeToString(nonce),
	})
	unsigned := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, s.secret)
	mac.Write([]byte(unsigned))
	token := unsigned + "." + enc.EncodeToString(mac.Sum(nil))

	s.mu.Lock()
	defer s.mu.Unlock()
	s.grants[token] = grant{scopes: append([]string(nil), scopes...), expires: now.Add(ttl)}
	s.order = append(s.order, token)
	return token
}

// lookup returns the grant of a token this tenant issued, and whether it
// has expired.
func (s *tokenStore) lookup(token string) (g grant, known, expired bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, known = s.grants[token]
	return g, known, known && time.Now().After(g.expires)
}

func (s *tokenStore) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.order...)
}

package management

import (
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// TestForgetDropsOnlyTheRefusedToken: a call whose token the tenant
// refused after another call already fetched a new one keeps the new one.
func TestForgetDropsOnlyTheRefusedToken(t *testing.T) {
	t.Parallel()
	c := newClientCredentials(Config{Domain: "tenant.example.com", ClientID: "id", ClientSecret: "secret"}, nil, false)
	c.current = &oauth2.Token{AccessToken: "new", Expiry: time.Now().Add(time.Hour)}
	if !c.forget("old") || c.current == nil || c.current.AccessToken != "new" {
		t.Fatalf("forgetting a refused token dropped the newer one: %+v", c.current)
	}
	if !c.forget("new") || c.current != nil {
		t.Fatalf("the refused token is still cached: %+v", c.current)
	}
}

package management

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

func TestLongestTokenLifetime(t *testing.T) {
	t.Parallel()
	var apis []API
	var apps []Application
	if err := json.Unmarshal([]byte(`[
		{"name": "Auth0 Management API", "identifier": "https://t/api/v2/", "signing_alg": "RS256", "token_lifetime": 86400, "token_lifetime_for_web": 7200},
		{"name": "hs", "identifier": "urn:hs", "signing_alg": "HS256", "token_lifetime": 2592000},
		{"name": "ps", "identifier": "urn:ps", "signing_alg": "PS256", "token_lifetime": 3600, "token_lifetime_for_web": 100000}
	]`), &apis); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`[
		{"client_id": "a", "name": "default alg", "jwt_configuration": {"lifetime_in_seconds": 129600}},
		{"client_id": "b", "name": "hs app", "jwt_configuration": {"lifetime_in_seconds": 2000000, "alg": "HS256"}},
		{"client_id": "c", "name": "saml", "jwt_configuration": {"alg": "HS256"}, "addons": {"samlp": {}}}
	]`), &apps); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		apis     []API
		apps     []Application
		lifetime time.Duration
		source   string
	}{
		{"an application's ID tokens, HS256 ignored", apis, apps, 36 * time.Hour, `the ID tokens of application "default alg" (a)`},
		{"APIs alone, HS256 ignored", apis, nil, 100000 * time.Second, `the access tokens for the web of API "ps" (urn:ps)`},
		{"SAML defaults to an hour", nil, apps[2:], time.Hour, `the SAML assertions of application "saml" (c)`},
		{"an ID token lifetime left unset is 10 hours", nil, []Application{{ClientID: "d", Name: "bare"}}, 10 * time.Hour, `the ID tokens of application "bare" (d)`},
		{"an API's lifetimes and algorithm left unset are Auth0's defaults", []API{{Name: "bare", Identifier: "urn:bare"}}, nil, 24 * time.Hour,
			`the access tokens of API "bare" (urn:bare)`},
		{"RS512 access tokens count", []API{apis[0], {Name: "rs512", Identifier: "urn:rs512", SigningAlg: "RS512", TokenLifetime: 200000}}, nil,
			200000 * time.Second, `the access tokens of API "rs512" (urn:rs512)`},
		{"PS256 and RS512 ID tokens count", nil, append(apps[:1:1], idTokens("e", "PS256", 150000), idTokens("f", "RS512", 140000)),
			150000 * time.Second, `the ID tokens of application "e" (e)`},
	}
	for _, tc := range tests {
		got := LongestTokenLifetime(tc.apis, tc.apps)
		if got.Lifetime != tc.lifetime || got.Source != tc.source {
			t.Errorf("%s: got %s from %s, want %s from %s", tc.name, got.Lifetime, got.Source, tc.lifetime, tc.source)
		}
	}
}

// idTokens is an application whose ID tokens, signed with alg, live seconds.
func idTokens(name, alg string, seconds int) Application {
	app := Application{ClientID: name, Name: name}
	if err := json.Unmarshal([]byte(fmt.Sprintf(`{"jwt_configuration": {"lifetime_in_seconds": %d, "alg": %q}}`, seconds, alg)), &app); err != nil {
		panic(err)
	}
	return app
}

package provider

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

// testNow is the fixed "now" of the tests that decide by time.
var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func TestResolveSettings(t *testing.T) {
	t.Parallel()
	null := types.StringNull()
	value := types.StringValue
	tests := []struct {
		name    string
		config  providerModel
		env     map[string]string
		known   bool
		summary string // the first error's, "" for none
		source  string // where the credentials came from, "" when an error stops first
		check   func(t *testing.T, s management.Config)
	}{
		{name: "the configuration wins over the environment", known: true,
			config: providerModel{Domain: value("a.auth0.com"), ClientID: value("id"), ClientSecret: value("secret"), APIToken: null, Audience: null, MaxRetries: types.Int64Value(5)},
			env:    map[string]string{envDomain: "b.auth0.com", envAPIToken: "env-token"},
			source: "the provider configuration",
			check: func(t *testing.T, s management.Config) {
				if s.Domain != "a.auth0.com" || s.APIToken != "" || s.ClientID != "id" || s.ClientSecret != "secret" || s.MaxRetries != 5 {
					t.Errorf("got %+v", s)
				}
			}},
		{name: "the environment fills what the configuration leaves out", known: true,
			config: providerModel{Domain: null, ClientID: null, ClientSecret: null, APIToken: null, Audience: null, MaxRetries: types.Int64Null()},
			env: map[string]string{envDomain: "b.auth0.com", envClientID: "eid", envClientSecret: "esecret",
				envAudience: "https://b.example.com/api/v2/"},
			source: "the environment: AUTH0_CLIENT_ID with AUTH0_CLIENT_SECRET or AUTH0_CLIENT_ASSERTION_PRIVATE_KEY",
			check: func(t *testing.T, s management.Config) {
				if s.Domain != "b.auth0.com" || s.ClientID != "eid" || s.ClientSecret != "esecret" || s.MaxRetries != defaultMaxRetries ||
					s.Audience != "https://b.example.com/api/v2/" {
					t.Errorf("got %+v", s)
				}
			}},
		{name: "the configuration's audience wins over the environment's", known: true,
			config: providerModel{Domain: value("a.auth0.com"), ClientID: null, ClientSecret: null, APIToken: value("t"),
				Audience: value("https://a.example.com/api/v2/"), MaxRetries: types.Int64Null()},
			env:    map[string]string{envAudience: "https://b.example.com/api/v2/"},
			source: "the provider configuration",
			check: func(t *testing.T, s management.Config) {
				if s.Audience != "https://a.example.com/api/v2/" {
					t.Errorf("got audience %q", s.Audience)
				}
			}},
		{name: "a token in the block is not mixed with client credentials from the environment", known: true,
			config: providerModel{Domain: value("a.auth0.com"), ClientID: null, ClientSecret: null, APIToken: value("t"), Audience: null, MaxRetries: types.Int64Null()},
			env:    map[string]string{envClientID: "eid", envClientSecret: "esecret"},
			source: "the provider configuration",
			check: func(t *testing.T, s management.Config) {
				if s.APIToken != "t" || s.ClientID != "" || s.ClientSecret != "" {
					t.Errorf("got %+v", s)
				}
			}},
		{name: "in the environment a token wins over client credentials", known: true,
			config: providerModel{Domain: value("a.auth0.com"), ClientID: null, ClientSecret: null, APIToken: null, Audience: null, MaxRetries: types.Int64Null()},
			env:    map[string]string{envAPIToken: "env-token", envClientID: "eid", envClientSecret: "esecret", envAssertionKey: "pem"},
			source: "the environment: AUTH0_API_TOKEN, which wins over the client credentials also set there",
			check: func(t *testing.T, s management.Config) {
				if s.APIToken != "env-token" || s.ClientID != "" || s.ClientSecret != "" || s.ClientAssertionPrivateKey != "" {
					t.Errorf("got %+v", s)
				}
			}},
		{name: "a token alone in the environment", known: true,
			config: providerModel{Domain: value("a.auth0.com"), ClientID: null, ClientSecret: null, APIToken: null, Audience: null, MaxRetries: types.Int64Null()},
			env:    map[string]string{envAPIToken: "env-token"},
			source: "the environment: AUTH0_API_TOKEN",
			check: func(t *testing.T, s management.Config) {
				if s.APIToken != "env-token" {
					t.Errorf("got %+v", s)
				}
			}},
		{name: "Private Key JWT from the environment", known: true,
			config: providerModel{Domain: value("a.auth0.com"), ClientID: null, ClientSecret: null, APIToken: null, Audience: null, MaxRetries: types.Int64Null()},
			env:    map[string]string{envClientID: "eid", envAssertionKey: "pem", envAssertionAlg: "PS256"},
			source: "the environment: AUTH0_CLIENT_ID with AUTH0_CLIENT_SECRET or AUTH0_CLIENT_ASSERTION_PRIVATE_KEY",
			check: func(t *testing.T, s management.Config) {
				if s.APIToken != "" || s.ClientID != "eid" || s.ClientSecret != "" || s.ClientAssertionPrivateKey != "pem" ||
					s.ClientAssertionSigningAlg != "PS256" {
					t.Errorf("got %+v", s)
				}
			}},
		{name: "Private Key JWT with an algorithm from the environment Auth0 does not accept", known: true,
			summary: "Invalid client assertion signing algorithm",
			config:  providerModel{Domain: value("a.auth0.com"), ClientID: null, ClientSecret: null, APIToken: null, Audience: null, MaxRetries: types.Int64Null()},
			env:     map[string]string{envClientID: "eid", envAssertionKey: "pem", envAssertionAlg: "ES256"}},
		{name: "a client secret leaves the assertion algorithm unused", known: true,
			config: providerModel{Domain: value("a.auth0.com"), ClientID: null, ClientSecret: null, APIToken: null, Audience: null, MaxRetries: types.Int64Null()},
			env:    map[string]string{envClientID: "eid", envClientSecret: "esecret", envAssertionAlg: "ES256"}},
		{name: "a secret and a private key", known: true, summary: "Conflicting Auth0 credentials",
			config: providerModel{Domain: value("a.auth0.com"), ClientID: value("id"), ClientSecret: value("s"), APIToken: null, Audience: null, MaxRetries: types.Int64Null(),
				AssertionKey: value("pem")}},
		{name: "a private key without its client id", known: true, summary: "Missing Auth0 client ID",
			config: providerModel{Domain: value("a.auth0.com"), ClientID: null, ClientSecret: null, APIToken: null, Audience: null, MaxRetries: types.Int64Null(),
				AssertionKey: value("pem")}},
		{name: "conflicting credentials", known: true, summary: "Conflicting Auth0 credentials",
			config: providerModel{Domain: value("a.auth0.com"), ClientID: value("id"), ClientSecret: value("s"), APIToken: value("t"), Audience: null, MaxRetries: types.Int64Null()}},
		{name: "no credentials", known: true, summary: "Missing Auth0 credentials",
			config: providerModel{Domain: value("a.auth0.com"), ClientID: null, ClientSecret: null, APIToken: null, Audience: null, MaxRetries: types.Int64Null()}},
		{name: "a client id without its secret", known: true, summary: "Missing Auth0 client secret",
			config: providerModel{Domain: value("a.auth0.com"), ClientID: value("id"), ClientSecret: null, APIToken: null, Audience: null, MaxRetries: types.Int64Null()}},
		{name: "a secret without its client id", known: true, summary: "Missing Auth0 client ID",
			config: providerModel{Domain: value("a.auth0.com"), ClientID: null, ClientSecret: value("s"), APIToken: null, Audience: null, MaxRetries: types.Int64Null()}},
		{name: "no domain", known: true, summary: "Missing Auth0 domain",
			config: providerModel{Domain: null, ClientID: null, ClientSecret: null, APIToken: value("t"), Audience: null, MaxRetries: types.Int64Null()}},
		{name: "a URL as the domain", known: true, summary: "Invalid Auth0 domain",
			config: providerModel{Domain: value("https://a.auth0.com"), ClientID: null, ClientSecret: null, APIToken: value("t"), Audience: null, MaxRetries: types.Int64Null()}},
		{name: "a domain known only at apply", known: false,
			config: providerModel{Domain: types.StringUnknown(), ClientID: null, ClientSecret: null, APIToken: value("t"), Audience: null, MaxRetries: types.Int64Null()}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var diags diag.Diagnostics
			s, source, known := resolveSettings(tc.config, func(k string) string { return tc.env[k] }, &diags)
			if known != tc.known {
				t.Fatalf("known = %v, want %v", known, tc.known)
			}
			switch {
			case tc.summary == "" && diags.HasError():
				t.Fatalf("unexpected errors: %v", diags)
			case tc.summary != "" && (!diags.HasError() || diags.Errors()[0].Summary() != tc.summary):
				t.Fatalf("want the error %q, got %v", tc.summary, diags)
			}
			if tc.source != "" && source != tc.source {
				t.Errorf("credentials from %q, want %q", source, tc.source)
			}
			if tc.check != nil {
				tc.check(t, s)
			}
		})
	}
}

func TestCheckAssertionAlg(t *testing.T) {
	t.Parallel()
	tests := []struct {
		alg      string
		inConfig bool
		detail   string // "" for no error
	}{
		{alg: ""}, {alg: "RS256"}, {alg: "RS384", inConfig: true}, {alg: "PS256"},
		{alg: "ES256", detail: `The AUTH0_CLIENT_ASSERTION_SIGNING_ALG environment variable is "ES256": ` +
			"Auth0 accepts client assertions signed with RS256, RS384, PS256. Set one of them, or leave it unset for RS256."},
		{alg: "rs256", inConfig: true, detail: `client_assertion_signing_alg is "rs256": ` +
			"Auth0 accepts client assertions signed with RS256, RS384, PS256. Set one of them, or leave it unset for RS256."},
	}
	for _, tc := range tests {
		var diags diag.Diagnostics
		checkAssertionAlg(tc.alg, tc.inConfig, &diags)
		switch {
		case tc.detail == "" && diags.HasError():
			t.Errorf("%q: unexpected %v", tc.alg, diags)
		case tc.detail != "" && (len(diags) != 1 || diags[0].Detail() != tc.detail ||
			!diags[0].(diag.DiagnosticWithPath).Path().Equal(path.Root("client_assertion_signing_alg"))):
			t.Errorf("%q: got %v, want one error on client_assertion_signing_alg saying %q", tc.alg, diags, tc.detail)
		}
	}
}

func TestShortDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[string]string{"2m0s": "2m", "5m0s": "5m", "1m30s": "1m30s", "45s": "45s", "1h0m0s": "1h", "1h30m0s": "1h30m", "10s": "10s"} {
		parsed, _ := time.ParseDuration(d)
		if got := shortDuration(parsed); got != want {
			t.Errorf("shortDuration(%s) = %s, want %s", d, got, want)
		}
	}
}

func TestMaskedDebugLog(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	log := maskedDebugLog("client-secret-value", "", "api-token-value")
	log(ctx, "sent client-secret-value and api-token-value", map[string]any{"body": "secret=client-secret-value", "domain": "a.auth0.com"})
	entries, err := tflogtest.MultilineJSONDecode(&out)
	if err != nil || len(entries) != 1 {
		t.Fatalf("got %d entries, %v", len(entries), err)
	}
	got := entries[0]
	if got["@message"] != "sent *** and ***" || got["body"] != "secret=***" || got["domain"] != "a.auth0.com" {
		t.Errorf("the log entry is %v, want both secrets masked and the domain as it is", got)
	}
}

package provider_test

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/acctest"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/scopes"
)

const keysDataSource = "data \"auth0keys_signing_keys\" \"keys\" {}\n"

// readsTenant applies config, whose data source
// auth0keys_signing_keys.keys must read srv's tenant.
func readsTenant(t *testing.T, srv *emulator.Server, config string) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.auth0keys_signing_keys.keys", tfjsonpath.New("id"), knownvalue.StringExact(srv.Domain())),
			},
		}},
	})
}

// planFails runs a plan that must fail with the given diagnostic, and
// checks that nothing reached the tenant.
func planFails(t *testing.T, srv *emulator.Server, config string, want *regexp.Regexp) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			PlanOnly:    true,
			ExpectError: want,
		}},
	})
	if len(srv.Requests()) != 0 {
		t.Fatalf("a configuration error sent %d requests: %v", len(srv.Requests()), srv.Requests())
	}
}

// TestProviderConfig_refused plans configurations the provider refuses
// before it sends anything, each with the diagnostic a user sees.
func TestProviderConfig_refused(t *testing.T) {
	skipUnlessAcceptance(t)
	for _, tc := range []struct {
		name      string
		domainEnv string
		provider  func(srv *emulator.Server) string
		want      *regexp.Regexp
	}{{
		name: "missing domain",
		provider: func(*emulator.Server) string {
			return "provider \"auth0keys\" {\n  client_id     = \"id\"\n  client_secret = \"secret\"\n}\n"
		},
		want: acctest.Diagnostic("Missing Auth0 domain", `/hashicorp/auth0keys"],`, "Set domain in the provider block or the AUTH0_DOMAIN environment variable to the tenant's host name, such as example.eu.auth0.com."),
	}, {
		name: "domain is a URL",
		provider: func(*emulator.Server) string {
			return "provider \"auth0keys\" {\n  domain        = \"https://example.eu.auth0.com/\"\n  client_id     = \"id\"\n  client_secret = \"secret\"\n}\n"
		},
		want: acctest.Diagnostic("Invalid Auth0 domain", `domain = "https://example.eu.auth0.com/"`, `give the tenant's host name only, such as example.eu.auth0.com, not the URL "https://example.eu.auth0.com/".`),
	}, {
		name: "domain is IPv6",
		provider: func(*emulator.Server) string {
			return "provider \"auth0keys\" {\n  domain    = \"::1\"\n  api_token = \"token\"\n}\n"
		},
		want: acctest.Diagnostic("Invalid Auth0 domain", `domain = "::1"`, `"::1" looks like an IPv6 address, which is not a tenant domain`),
	}, {
		name:      "domain from the environment is a URL",
		domainEnv: "https://example.eu.auth0.com",
		provider: func(*emulator.Server) string {
			return "provider \"auth0keys\" {\n  api_token = \"token\"\n}\n"
		},
		want: acctest.Diagnostic("Invalid Auth0 domain", `The AUTH0_DOMAIN environment variable: give the tenant's host name only, such as example.eu.auth0.com, not the URL "https://example.eu.auth0.com".`),
	}, {
		name: "no credentials",
		provider: func(srv *emulator.Server) string {
			return fmt.Sprintf("provider \"auth0keys\" {\n  domain = %q\n}\n", srv.Domain())
		},
		want: acctest.Diagnostic("Missing Auth0 credentials", "Set client_id and client_secret (or AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET), client_id and client_assertion_private_key (or AUTH0_CLIENT_ASSERTION_PRIVATE_KEY), or api_token (or AUTH0_API_TOKEN)."),
	}, {
		name:     "token and client credentials",
		provider: func(srv *emulator.Server) string { return acctest.ProviderBlock(srv, `api_token = "token"`) },
		want:     acctest.Diagnostic("Conflicting Auth0 credentials", `api_token = "token"`, "Both api_token and client credentials are set in the provider configuration. Use either api_token, or client_id with client_secret or client_assertion_private_key."),
	}, {
		name: "client id without secret",
		provider: func(srv *emulator.Server) string {
			return fmt.Sprintf("provider \"auth0keys\" {\n  domain    = %q\n  client_id = \"id\"\n}\n", srv.Domain())
		},
		want: acctest.Diagnostic("Missing Auth0 client secret", "client_id is set but client_secret is not: set client_secret (or AUTH0_CLIENT_SECRET) for the client credentials grant, or client_assertion_private_key (or AUTH0_CLIENT_ASSERTION_PRIVATE_KEY) for Private Key JWT."),
	}, {
		name:     "max_retries out of range",
		provider: func(srv *emulator.Server) string { return acctest.ProviderBlock(srv, `max_retries = 11`) },
		want:     acctest.Diagnostic("max_retries = 11", "Attribute max_retries value must be between 0 and 10, got: 11"),
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.domainEnv != "" {
				t.Setenv("AUTH0_DOMAIN", tc.domainEnv)
			}
			srv := startTenant(t, emulator.Options{})
			planFails(t, srv, tc.provider(srv)+keysDataSource, tc.want)
		})
	}
}

// TestProviderConfig_tokenWinsInTheEnvironment sets a workspace's
// variables as a shared variable set would for both providers: the token
// is used, as the official Auth0 provider uses it.
func TestProviderConfig_tokenWinsInTheEnvironment(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	t.Setenv("AUTH0_DOMAIN", srv.Domain())
	t.Setenv("AUTH0_API_TOKEN", srv.IssueToken(scopes.SigningKeys, time.Hour))
	t.Setenv("AUTH0_CLIENT_ID", "a-client-this-tenant-does-not-know")
	t.Setenv("AUTH0_CLIENT_SECRET", "its-secret")
	readsTenant(t, srv, keysDataSource)
	if n := srv.Count(emulator.OpToken); n != 0 {
		t.Fatalf("the client credentials were used: %d token requests", n)
	}
}

func TestProviderConfig_privateKeyJWT(t *testing.T) {
	key, keyPEM := acctest.AssertionKey(t)
	app := emulator.AssertionCredential(emulator.Client{ID: "pkjwt-client", Scopes: scopes.SigningKeys}, &key.PublicKey, "PS256")
	srv := startTenant(t, emulator.Options{Clients: []emulator.Client{app}})
	readsTenant(t, srv, fmt.Sprintf("provider \"auth0keys\" {\n  domain                       = %q\n  client_id                    = \"pkjwt-client\"\n"+
		"  client_assertion_private_key = %q\n  client_assertion_signing_alg = \"PS256\"\n}\n", srv.Domain(), keyPEM)+keysDataSource)
	if n := srv.Count(emulator.OpToken); n == 0 {
		t.Fatal("no token was requested with the assertion")
	}
}

// TestProviderConfig_privateKeyJWTRetriedWithAFreshAssertion loses the
// token endpoint's answer after it took the assertion: the request is sent
// again with a new assertion, since Auth0 refuses a jti it has seen.
func TestProviderConfig_privateKeyJWTRetriedWithAFreshAssertion(t *testing.T) {
	key, keyPEM := acctest.AssertionKey(t)
	app := emulator.AssertionCredential(emulator.Client{ID: "pkjwt-client", Scopes: scopes.SigningKeys}, &key.PublicKey, "RS256")
	srv := startTenant(t, emulator.Options{Clients: []emulator.Client{app}})
	srv.InjectFault(emulator.Fault{Op: emulator.OpToken, Status: http.StatusServiceUnavailable, AfterProcessing: true})
	readsTenant(t, srv, fmt.Sprintf("provider \"auth0keys\" {\n  domain                       = %q\n  client_id                    = \"pkjwt-client\"\n"+
		"  client_assertion_private_key = %q\n}\n", srv.Domain(), keyPEM)+keysDataSource)
	if tokens := srv.Requests(); len(tokens) < 2 || tokens[0].Op != emulator.OpToken || !tokens[0].Fault ||
		tokens[1].Op != emulator.OpToken || tokens[1].Status != http.StatusOK {
		t.Fatalf("want a lost token answer, then a token: %+v", tokens)
	}
}

func TestProviderConfig_privateKeyJWTWithAWrongKey(t *testing.T) {
	key, _ := acctest.AssertionKey(t)
	_, otherPEM := acctest.AssertionKey(t)
	app := emulator.AssertionCredential(emulator.Client{ID: "pkjwt-client", Scopes: scopes.SigningKeys}, &key.PublicKey, "RS256")
	srv := startTenant(t, emulator.Options{Clients: []emulator.Client{app}})
	t.Setenv("AUTH0_DOMAIN", srv.Domain())
	t.Setenv("AUTH0_CLIENT_ID", "pkjwt-client")
	t.Setenv("AUTH0_CLIENT_ASSERTION_PRIVATE_KEY", otherPEM)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: keysDataSource,
			ExpectError: acctest.Diagnostic("Auth0 tenant "+srv.Domain()+" rejected the client assertion (401 access_denied: Invalid client assertion:",
				`check client_id ("pkjwt-client"), that client_assertion_private_key is the private key of a credential registered for that application`),
		}},
	})
}

func TestProviderConfig_fromEnvironment(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	c := emulator.DefaultClient()
	t.Setenv("AUTH0_DOMAIN", srv.Domain())
	t.Setenv("AUTH0_CLIENT_ID", c.ID)
	t.Setenv("AUTH0_CLIENT_SECRET", c.Secret)
	readsTenant(t, srv, keysDataSource)
}

func TestProviderConfig_configurationWinsOverEnvironment(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	t.Setenv("AUTH0_DOMAIN", "wrong.example.com")
	t.Setenv("AUTH0_API_TOKEN", "a-token-the-configuration-overrides")
	readsTenant(t, srv, acctest.ProviderBlock(srv)+keysDataSource)
}

func TestProviderConfig_apiToken(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	token := srv.IssueToken([]string{scopes.ReadSigningKeys}, time.Hour)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "auth0keys" {
  domain    = "` + srv.Domain() + `"
  api_token = "` + token + `"
}
` + keysDataSource,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.auth0keys_signing_keys.keys", tfjsonpath.New("signing_keys"), knownvalue.ListSizeExact(2)),
			},
		}},
	})
	if n := srv.Count(emulator.OpToken); n != 0 {
		t.Fatalf("with api_token the provider asked for %d tokens, want none", n)
	}
}

func TestProviderConfig_unknownUntilApply(t *testing.T) {
	t.Parallel()
	srv := startTenant(t, emulator.Options{})
	c := emulator.DefaultClient()
	readsTenant(t, srv, `
resource "terraform_data" "tenant" {
  input = "`+srv.Domain()+`"
}

provider "auth0keys" {
  domain        = terraform_data.tenant.output
  client_id     = "`+c.ID+`"
  client_secret = "`+c.Secret+`"
}

data "auth0keys_signing_keys" "keys" {
  depends_on = [terraform_data.tenant]
}
`)
}

func TestProviderConfig_rejectedCredentials(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ProviderBlockFor(srv, emulator.Client{ID: "emulator-client", Secret: "not-the-secret"}) + keysDataSource,
			ExpectError: acctest.Diagnostic("Cannot list Auth0 signing keys", `rejected the client credentials (401 access_denied: Unauthorized): check client_id ("emulator-client") and client_secret`),
		}},
	})
}

func TestProviderConfig_missingScope(t *testing.T) {
	noRead := emulator.Client{ID: "no-read", Secret: "no-read-secret", Scopes: []string{scopes.UpdateSigningKeys}}
	srv := startTenant(t, emulator.Options{Clients: []emulator.Client{noRead}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ProviderBlockFor(srv, noRead) + keysDataSource,
			ExpectError: acctest.Diagnostic("Cannot list Auth0 signing keys", "cannot list signing keys: the access token lacks the scope read:signing_keys (403: Insufficient scope, expected any of: read:signing_keys); grant read:signing_keys to the application on the Auth0 Management API"),
		}},
	})
}

package provider_test

import (
	"encoding/json"
	"fmt"
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

func TestSigningKeyDataSource_byKidAndStatus(t *testing.T) {
	now := time.Now().UTC()
	srv := startTenant(t, emulator.Options{Keys: []emulator.KeySpec{
		{KID: "revokedKey", Previous: true, Revoked: true, CurrentUntil: now.Add(-40 * 24 * time.Hour)},
		{KID: "olderPrevious", Previous: true, CurrentUntil: now.Add(-30 * 24 * time.Hour)},
		{KID: "newerPrevious", Previous: true, CurrentUntil: now.Add(-5 * 24 * time.Hour)},
		{KID: "currentKey", Current: true},
		{KID: "nextKey", Next: true},
	}})
	srv.MarkCurrentAsPrevious(true)
	olderPrevious, _ := srv.Key("olderPrevious")
	config := acctest.ProviderBlock(srv) + `
data "auth0keys_signing_key" "current" {
  status = "current"
}
data "auth0keys_signing_key" "next" {
  status = "next"
}
data "auth0keys_signing_key" "previous" {
  status = "previous"
}
data "auth0keys_signing_key" "by_kid" {
  kid = "olderPrevious"
}
`
	kidOf := func(name, want string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.auth0keys_signing_key."+name, tfjsonpath.New("kid"), knownvalue.StringExact(want))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				kidOf("current", "currentKey"),
				kidOf("next", "nextKey"),
				kidOf("previous", "newerPrevious"),
				kidOf("by_kid", "olderPrevious"),
				statecheck.ExpectKnownValue("data.auth0keys_signing_key.previous", tfjsonpath.New("id"), knownvalue.StringExact("newerPrevious")),
				statecheck.ExpectKnownValue("data.auth0keys_signing_key.by_kid", tfjsonpath.New("fingerprint"), knownvalue.StringExact(olderPrevious.Fingerprint)),
				statecheck.ExpectKnownValue("data.auth0keys_signing_key.by_kid", tfjsonpath.New("jwk"), jsonCheck(func(v string) error {
					var jwk struct{ Kid, Kty, Alg, Use string }
					if err := json.Unmarshal([]byte(v), &jwk); err != nil {
						return err
					}
					if jwk.Kid != "olderPrevious" || jwk.Kty != "RSA" || jwk.Alg != "RS256" || jwk.Use != "sig" {
						return fmt.Errorf("jwk %s", v)
					}
					return nil
				})),
			},
		}},
	})
}

func TestSigningKeyDataSource_errors(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	cases := map[string][]string{
		"kid = \"noSuchKey\"":                 {"Signing key not found", "has no signing key with kid \"noSuchKey\""},
		"status = \"previous\"":               {"No signing key in that status", "has no previously used key that is not revoked"},
		"status = \"retired\"":                {`Attribute status value must be one of: ["current" "next" "previous"], got: "retired"`},
		"kid = \"a\"\n  status = \"current\"": {"Invalid Attribute Combination", "Exactly one of these attributes must be configured: [kid,status]"},
		"kid = \"../../etc\"":                 {"Invalid key id"},
	}
	for body, want := range cases {
		expectReadError(t, acctest.ProviderBlock(srv), body, want...)
	}

	// A tenant without a next key, read by credentials without read:signing_keys.
	noNext := startTenant(t, emulator.Options{Keys: []emulator.KeySpec{{Current: true}}})
	expectReadError(t, acctest.ProviderBlock(noNext), `status = "next"`,
		"No signing key in that status", "Auth0 tenant "+noNext.Domain()+" has no next signing key.")
	unscoped := emulator.Client{ID: "unscoped", Secret: "unscoped-secret", Scopes: []string{scopes.ReadClients}}
	unscopedTenant := startTenant(t, emulator.Options{Clients: []emulator.Client{unscoped}})
	expectReadError(t, acctest.ProviderBlockFor(unscopedTenant, unscoped), `kid = "someKey"`,
		"Cannot read the signing key", "cannot list signing keys: the access token lacks the scope read:signing_keys",
		"grant read:signing_keys to the application on the Auth0 Management API")
}

// expectReadError reads a signing_key data source with body and expects
// an error with want in it.
func expectReadError(t *testing.T, provider, body string, want ...string) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      provider + "data \"auth0keys_signing_key\" \"k\" {\n  " + body + "\n}\n",
			ExpectError: acctest.Diagnostic(want...),
		}},
	})
}

// TestSigningKeyDataSource_keyWithoutCertificate reads a key whose
// certificate Auth0 left out: its jwk is null, and a warning says why.
func TestSigningKeyDataSource_keyWithoutCertificate(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenantWithHistory(t)
	prev := keyIn(t, srv, previousKey)
	srv.ChangeKey(prev.KID, func(k *emulator.Key) { k.Cert, k.PKCS7 = "", "" })
	cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+`
data "auth0keys_signing_key" "k" {
  kid = "`+prev.KID+`"
}

output "jwk_is_null" {
  value = data.auth0keys_signing_key.k.jwk == null
}
`)
	want := acctest.Diagnostic("Warning: The signing key's certificate cannot be read",
		"Auth0 tenant "+srv.Domain()+": signing key "+prev.KID+" has no certificate. jwk is null.")
	if out, err := cli.Apply(); err != nil || !want.MatchString(out) {
		t.Fatalf("the apply (err %v) does not warn %s:\n%s", err, want, out)
	}
	if raw, err := cli.Output("jwk_is_null"); err != nil || string(raw) != "true" {
		t.Fatalf("jwk_is_null = %s (%v), want true", raw, err)
	}
}

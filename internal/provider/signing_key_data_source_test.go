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
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      acctest.ProviderBlock(srv) + "data \"auth0keys_signing_key\" \"k\" {\n  " + body + "\n}\n",
				ExpectError: acctest.Diagnostic(want...),
			}},
		})
	}
}

package provider_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/acctest"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
)

const rotationName = "auth0keys_signing_key_rotation.this"

func rotation(extra ...string) string {
	body := ""
	for _, e := range extra {
		body += "  " + e + "\n"
	}
	return "resource \"auth0keys_signing_key_rotation\" \"this\" {\n" + body + "}\n"
}

// wantCalls checks how many calls reached each endpoint.
func wantCalls(srv *emulator.Server, want map[emulator.Operation]int) error {
	for op, n := range want {
		if got := srv.Count(op); got != n {
			return fmt.Errorf("%s calls: %d, want %d", op, got, n)
		}
	}
	return nil
}

func TestRotation_rotates(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	current := keyIn(t, srv, func(k emulator.Key) bool { return k.Current })
	next := keyIn(t, srv, func(k emulator.Key) bool { return k.Next })
	config := acctest.ProviderBlock(srv) + rotation()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		// Destroying the rotation sends nothing.
		CheckDestroy: func(*terraform.State) error {
			return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 2, emulator.OpRevoke: 0})
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(rotationName, tfjsonpath.New("previous_kid"), knownvalue.StringExact(current.KID)),
					plancheck.ExpectKnownValue(rotationName, tfjsonpath.New("current_kid"), knownvalue.StringExact(next.KID)),
					plancheck.ExpectKnownValue(rotationName, tfjsonpath.New("revoked_kid"), knownvalue.Null()),
					plancheck.ExpectUnknownValue(rotationName, tfjsonpath.New("next_kid")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("revoke_previous"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("rotated_at"), knownvalue.NotNull()),
				},
				Check: func(s *terraform.State) error {
					newNext := s.RootModule().Resources[rotationName].Primary.Attributes["next_kid"]
					if k, _ := srv.Key(newNext); !k.Next {
						return fmt.Errorf("next_kid %s is not the tenant's next key", newNext)
					}
					if k, _ := srv.Key(next.KID); !k.Current {
						return fmt.Errorf("%s did not become current", next.KID)
					}
					if k, _ := srv.Key(current.KID); !k.Previous || k.Revoked {
						return fmt.Errorf("%s is not a previous, unrevoked key", current.KID)
					}
					return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1, emulator.OpRevoke: 0})
				},
			},
			{
				// The record stays; reading it sends nothing and plans nothing.
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// New triggers mean a new rotation.
				Config: acctest.ProviderBlock(srv) + rotation(`triggers = { schedule = "2026-12" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationName, plancheck.ResourceActionReplace),
				}},
				Check: func(*terraform.State) error {
					if n := len(srv.Keys()); n != 4 {
						return fmt.Errorf("the tenant has %d keys, want 4 after two rotations", n)
					}
					return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 2})
				},
			},
		},
	})
}

func TestRotation_revokePrevious(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	current := keyIn(t, srv, func(k emulator.Key) bool { return k.Current })
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + rotation("revoke_previous = true"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(rotationName, tfjsonpath.New("previous_kid"), knownvalue.StringExact(current.KID)),
				plancheck.ExpectUnknownValue(rotationName, tfjsonpath.New("revoked_kid")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("revoked_kid"), knownvalue.StringExact(current.KID)),
				statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("previous_kid"), knownvalue.StringExact(current.KID)),
			},
			Check: func(*terraform.State) error {
				if k, _ := srv.Key(current.KID); !k.Revoked {
					return fmt.Errorf("the previous key %s is not revoked", current.KID)
				}
				return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1, emulator.OpRevoke: 1})
			},
		}},
	})
}

func TestRotation_500OnRotateIsNotRetried(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	srv.InjectFault(emulator.Fault{Op: emulator.OpRotate, Status: http.StatusInternalServerError, AfterProcessing: true})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + rotation(),
			ExpectError: acctest.Diagnostic("Cannot rotate the signing key",
				"cannot rotate the signing key: Auth0 tenant "+srv.Domain()+" answered 500 (Injected fault)", "The rotation is not retried"),
		}},
	})
	if err := wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1}); err != nil {
		t.Fatal(err)
	}
}

func TestRotation_failedRevocationIsProposedAlone(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	current := keyIn(t, srv, func(k emulator.Key) bool { return k.Current })
	config := acctest.ProviderBlock(srv, "max_retries = 1") + rotation("revoke_previous = true")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					srv.InjectFault(emulator.Fault{Op: emulator.OpRevoke, Status: http.StatusInternalServerError, Times: 2})
				},
				Config: config,
				// The rotation is recorded; the revocation is still to do.
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("previous_kid"), knownvalue.StringExact(current.KID)),
					statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("revoked_kid"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					if k, _ := srv.Key(current.KID); k.Revoked || k.Current {
						return fmt.Errorf("after the failed revocation %s should be previous and not revoked: %+v", current.KID, k)
					}
					return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1, emulator.OpRevoke: 2})
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationName, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(rotationName, tfjsonpath.New("revoked_kid"), knownvalue.StringExact(current.KID)),
				}},
				Check: func(*terraform.State) error {
					if k, _ := srv.Key(current.KID); !k.Revoked {
						return fmt.Errorf("%s is not revoked after the second apply", current.KID)
					}
					return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1, emulator.OpRevoke: 3})
				},
			},
		},
	})
}

func TestRotation_rateLimitsOnEveryEndpoint(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	for _, op := range []emulator.Operation{emulator.OpToken, emulator.OpList, emulator.OpRotate, emulator.OpRevoke} {
		srv.InjectFault(emulator.Fault{Op: op, Status: http.StatusTooManyRequests, ResetIn: time.Second, RetryAfter: op == emulator.OpRotate})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + rotation("revoke_previous = true"),
			Check: func(*terraform.State) error {
				if n := len(srv.Keys()); n != 3 {
					return fmt.Errorf("the tenant has %d keys, want 3: exactly one rotation", n)
				}
				return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 2, emulator.OpRevoke: 2})
			},
		}},
	})
}

func TestRotation_missingScope(t *testing.T) {
	c := emulator.DefaultClient()
	srv := acctest.StartEmulator(t, emulator.Options{Clients: []emulator.Client{{ID: c.ID, Secret: c.Secret, Scopes: []string{emulator.ScopeRead, emulator.ScopeUpdate}}}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + rotation(),
			ExpectError: acctest.Diagnostic("Cannot rotate the signing key",
				"the access token lacks the scope create:signing_keys and update:signing_keys", "grant create:signing_keys and update:signing_keys to the application"),
		}},
	})
	if n := len(srv.Keys()); n != 2 {
		t.Fatalf("the tenant rotated without the scope")
	}
}

// With the provider configured only at apply, nothing can be read at plan
// time: the rotation and the revocation check the tenant at apply instead.
func TestLifecycle_providerKnownOnlyAtApply(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{Keys: emulator.TenantWithHistory()})
	current := keyIn(t, srv, func(k emulator.Key) bool { return k.Current })
	prev := keyIn(t, srv, previousKey)
	c := emulator.DefaultClient()
	config := fmt.Sprintf(`
resource "terraform_data" "tenant" {
  input = %q
}

provider "auth0keys" {
  domain        = terraform_data.tenant.output
  client_id     = %q
  client_secret = %q
}
`, srv.Domain(), c.ID, c.Secret) + rotation("revoke_previous = true") + revocation(prev.KID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("previous_kid"), knownvalue.StringExact(current.KID)),
				statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("revoked_kid"), knownvalue.StringExact(current.KID)),
				statecheck.ExpectKnownValue(revocationName, tfjsonpath.New("fingerprint"), knownvalue.StringExact(prev.Fingerprint)),
			},
			Check: func(*terraform.State) error {
				for _, kid := range []string{current.KID, prev.KID} {
					if k, _ := srv.Key(kid); !k.Revoked {
						return fmt.Errorf("key %s is not revoked", kid)
					}
				}
				return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1, emulator.OpRevoke: 2})
			},
		}},
	})
}

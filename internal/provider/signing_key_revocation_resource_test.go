package provider_test

import (
	"encoding/json"
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
	"github.com/auth0keys/terraform-provider-auth0keys/internal/scopes"
)

const revocationName = "auth0keys_signing_key_revocation.old"

func revocation(kid string, extra ...string) string {
	body := fmt.Sprintf("  kid = %q\n", kid)
	for _, e := range extra {
		body += "  " + e + "\n"
	}
	return "resource \"auth0keys_signing_key_revocation\" \"old\" {\n" + body + "}\n"
}

// startTenantWithHistory starts a tenant with a current key, a next key,
// previously used keys and a revoked key.
func startTenantWithHistory(t *testing.T) *emulator.Server {
	t.Helper()
	return startTenant(t, emulator.Options{Keys: emulator.TenantWithHistory()})
}

// keyIn returns the stored key the predicate picks, or fails the test.
func keyIn(t *testing.T, srv *emulator.Server, match func(emulator.Key) bool) emulator.Key {
	t.Helper()
	k, ok := srv.KeyWhere(match)
	if !ok {
		t.Fatal("no such key in the emulator")
	}
	return k
}

// currentAndNext are the tenant's current key and next key.
func currentAndNext(t *testing.T, srv *emulator.Server) (current, next emulator.Key) {
	t.Helper()
	return keyIn(t, srv, currentKey), keyIn(t, srv, nextKey)
}

// previousKeyRevocation starts a tenant with history, and returns its
// previous key and a configuration that revokes it.
func previousKeyRevocation(t *testing.T) (srv *emulator.Server, prev emulator.Key, config string) {
	t.Helper()
	srv = startTenantWithHistory(t)
	prev = keyIn(t, srv, previousKey)
	return srv, prev, acctest.ProviderBlock(srv) + revocation(prev.KID)
}

func previousKey(k emulator.Key) bool { return k.Previous && !k.Revoked && !k.Current }

func currentKey(k emulator.Key) bool { return k.Current }

func nextKey(k emulator.Key) bool    { return k.Next }
func revokedKey(k emulator.Key) bool { return k.Revoked }

// stillRevoked checks after destroy that the key stayed revoked and that
// the revoke endpoint was called the given number of times in all.
func stillRevoked(srv *emulator.Server, kid string, revokeCalls int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if k, _ := srv.Key(kid); !k.Revoked {
			return fmt.Errorf("key %s is not revoked after destroy", kid)
		}
		if n := srv.Count(emulator.OpRevoke); n != revokeCalls {
			return fmt.Errorf("the revoke endpoint got %d calls, want %d", n, revokeCalls)
		}
		return nil
	}
}

func TestRevocation_revokesPreviousKey(t *testing.T) {
	srv, prev, config := previousKeyRevocation(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             stillRevoked(srv, prev.KID, 1),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocationName, plancheck.ResourceActionCreate),
					// The reviewed plan names the exact certificate.
					plancheck.ExpectKnownValue(revocationName, tfjsonpath.New("fingerprint"), knownvalue.StringExact(prev.Fingerprint)),
					plancheck.ExpectKnownValue(revocationName, tfjsonpath.New("thumbprint"), knownvalue.StringExact(prev.Thumbprint)),
					plancheck.ExpectKnownValue(revocationName, tfjsonpath.New("cert"), knownvalue.StringExact(prev.Cert)),
					plancheck.ExpectKnownValue(revocationName, tfjsonpath.New("current_until"), knownvalue.StringExact(*prev.CurrentUntil)),
					plancheck.ExpectUnknownValue(revocationName, tfjsonpath.New("revoked_at")),
				}},
				// Auth0's revoked_at is read at the next refresh: the apply
				// makes none up.
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(revocationName, tfjsonpath.New("revoked_at"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					if k, _ := srv.Key(prev.KID); !k.Revoked {
						return fmt.Errorf("key %s is not revoked in the tenant", prev.KID)
					}
					if n := srv.Count(emulator.OpRevoke); n != 1 {
						return fmt.Errorf("revoke calls: %d, want 1", n)
					}
					return nil
				},
			},
			{
				// A refresh records revoked_at, and the plan stays empty.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(revocationName, tfjsonpath.New("revoked_at"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(revocationName, tfjsonpath.New("id"), knownvalue.StringExact(prev.KID)),
				},
			},
			{
				// A refresh the tenant refuses fails the plan, saying why.
				PreConfig: func() {
					srv.InjectFault(emulator.Fault{Op: emulator.OpList, Status: http.StatusForbidden,
						Message: "Insufficient scope, expected any of: read:signing_keys"})
				},
				Config: config,
				ExpectError: acctest.Diagnostic("Cannot read the signing key", "cannot list signing keys: the access token lacks the scope",
					"read:signing_keys"),
			},
		},
	})
}

// Changing grace_period or timeouts of a revocation made already is an
// update in place: the key stays revoked, its record is kept, nothing is
// sent, and the next plan is empty.
func TestRevocation_settingsChangeInPlace(t *testing.T) {
	srv, prev, config := previousKeyRevocation(t)
	changed := acctest.ProviderBlock(srv) + revocation(prev.KID, `grace_period = "0s"`, `timeouts = { read = "30s" }`)
	var revokedAt string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// The refresh records revoked_at.
				Config: config,
				Check: func(s *terraform.State) error {
					revokedAt = s.RootModule().Resources[revocationName].Primary.Attributes["revoked_at"]
					if revokedAt == "" {
						return fmt.Errorf("no revoked_at after a refresh")
					}
					return nil
				},
			},
			{
				Config: changed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocationName, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(revocationName, tfjsonpath.New("fingerprint"), knownvalue.StringExact(prev.Fingerprint)),
					plancheck.ExpectKnownValue(revocationName, tfjsonpath.New("revoked_at"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(revocationName, tfjsonpath.New("grace_period"), knownvalue.StringExact("0s")),
					statecheck.ExpectKnownValue(revocationName, tfjsonpath.New("id"), knownvalue.StringExact(prev.KID)),
				},
				Check: func(s *terraform.State) error {
					if got := s.RootModule().Resources[revocationName].Primary.Attributes["revoked_at"]; got != revokedAt {
						return fmt.Errorf("revoked_at after the update: %q, want %q", got, revokedAt)
					}
					return wantCalls(srv, map[emulator.Operation]int{emulator.OpRevoke: 1, emulator.OpGet: 0})
				},
			},
		},
	})
}

func TestRevocation_refusedAtPlan(t *testing.T) {
	srv := startTenantWithHistory(t)
	current, next := currentAndNext(t, srv)
	cases := []struct {
		kid  string
		want []string
	}{
		{"noSuchKid123", []string{"Signing key not found", `kid = "noSuchKid123"`, "has no signing key with kid \"noSuchKid123\""}},
		{current.KID, []string{"Cannot revoke the current signing key", current.KID + " is the current signing key of tenant " + srv.Domain() + ": it signs every new token. Rotate first (auth0keys_signing_key_rotation)"}},
		{next.KID, []string{"Cannot revoke the next signing key", next.KID + " is the next signing key of tenant " + srv.Domain()}},
		{"bad/kid", []string{"Invalid key id", `invalid key id "bad/kid": a kid has only letters, digits and - _ . + = (found '/')`}},
	}
	for _, tc := range cases {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      acctest.ProviderBlock(srv) + revocation(tc.kid),
				ExpectError: acctest.Diagnostic(tc.want...),
			}},
		})
	}
	if n := srv.Count(emulator.OpRevoke); n != 0 {
		t.Fatalf("refused plans sent %d revoke calls", n)
	}
	for _, k := range srv.Keys() {
		if k.Revoked != (k.KID == srv.Keys()[0].KID) {
			t.Fatalf("key %s changed its revocation", k.KID)
		}
	}
}

func TestRevocation_gracePeriod(t *testing.T) {
	srv := startTenantWithHistory(t)
	prev := keyIn(t, srv, previousKey) // retired ten days ago
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderBlock(srv) + revocation(prev.KID, `grace_period = "720h"`),
				ExpectError: acctest.Diagnostic("The signing key was retired too recently", `grace_period = "720h"`,
					"Signing key "+prev.KID+" stopped being current at", "which is less than grace_period 720h: tokens it signed may still be live."),
			},
			{
				Config:      acctest.ProviderBlock(srv) + revocation(prev.KID, `grace_period = "a week"`),
				ExpectError: acctest.Diagnostic("Invalid duration", `"a week" is not a duration`),
			},
			{
				PreConfig: func() {
					if n := srv.Count(emulator.OpRevoke); n != 0 {
						t.Fatalf("refused plans sent %d revoke calls", n)
					}
				},
				Config: acctest.ProviderBlock(srv) + revocation(prev.KID, `grace_period = "24h"`),
				Check: func(*terraform.State) error {
					if k, _ := srv.Key(prev.KID); !k.Revoked {
						return fmt.Errorf("key %s is not revoked", prev.KID)
					}
					return nil
				},
			},
		},
	})
}

// TestRevocation_autoReadsTheLifetimesOnlyWhenTheyDecide revokes with
// grace_period "auto" through credentials that may not read the tenant's
// APIs and applications: a key retired more than 30 days ago, longer than
// any token lives, is revoked without them; a key Auth0 does not date is
// refused for that, not for the scopes. Neither reads the lifetimes.
func TestRevocation_autoReadsTheLifetimesOnlyWhenTheyDecide(t *testing.T) {
	now := time.Now()
	tests := map[string]struct {
		previous emulator.KeySpec
		want     []string // the plan's error; none when the key is revoked
	}{
		"retired 31 days ago": {previous: emulator.KeySpec{Previous: true, CurrentSince: now.Add(-60 * 24 * time.Hour), CurrentUntil: now.Add(-31 * 24 * time.Hour)}},
		"undated": {previous: emulator.KeySpec{Previous: true}, want: []string{"Cannot check the grace period",
			"Auth0 does not say when signing key", `stopped being current, so grace_period "auto" cannot be checked.`}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := emulator.DefaultClient()
			c.Scopes = scopes.SigningKeys
			srv := startTenant(t, emulator.Options{Clients: []emulator.Client{c}, Keys: []emulator.KeySpec{
				tc.previous, {Current: true, CurrentSince: now.Add(-31 * 24 * time.Hour)}, {Next: true}}})
			prev := keyIn(t, srv, previousKey)
			step := resource.TestStep{Config: acctest.ProviderBlock(srv) + revocation(prev.KID)}
			if tc.want != nil {
				step.ExpectError = acctest.Diagnostic(tc.want...)
			}
			resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: []resource.TestStep{step}})
			if k, _ := srv.Key(prev.KID); k.Revoked != (tc.want == nil) {
				t.Fatalf("%s revoked: %v", prev.KID, k.Revoked)
			}
			if n := srv.Count(emulator.OpAPIs) + srv.Count(emulator.OpApplications); n != 0 {
				t.Fatalf("%d reads of the tenant's APIs and applications", n)
			}
		})
	}
}

func TestRevocation_adoptsRevokedKey(t *testing.T) {
	srv := startTenantWithHistory(t)
	revoked := keyIn(t, srv, revokedKey)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             stillRevoked(srv, revoked.KID, 0),
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + revocation(revoked.KID),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(revocationName, tfjsonpath.New("revoked_at"), knownvalue.StringExact(*revoked.RevokedAt)),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(revocationName, tfjsonpath.New("fingerprint"), knownvalue.StringExact(revoked.Fingerprint)),
			},
		}},
	})
}

// alreadyRevoked is the warning that adopts key k, revoked already, without
// a revoke call.
func alreadyRevoked(k emulator.Key) []string {
	return []string{"Warning: The signing key is already revoked", "Signing key " + k.KID + " (fingerprint " + k.Fingerprint +
		") was revoked already. Terraform only records it in the state; nothing is sent to Auth0."}
}

// TestRevocation_planSaysAnAdoptedKeyIsRevokedAlready plans a revocation
// of a key that is revoked already: the plan's warning says so, names its
// fingerprint, and that nothing is sent.
func TestRevocation_planSaysAnAdoptedKeyIsRevokedAlready(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenantWithHistory(t)
	revoked := keyIn(t, srv, revokedKey)
	wantPlanSays(t, acctest.ProviderBlock(srv)+revocation(revoked.KID), alreadyRevoked(revoked)...)
	if n := srv.Count(emulator.OpRevoke); n != 0 {
		t.Fatalf("the plan sent %d revoke calls", n)
	}
}

// TestRevocation_gracePeriodKnownOnlyAtApply takes grace_period from
// another resource: the plan still names the key's certificate and refuses
// the current key, and the apply's final plan, with grace_period known,
// refuses a key retired too recently before anything is sent.
func TestRevocation_gracePeriodKnownOnlyAtApply(t *testing.T) {
	srv := startTenantWithHistory(t)
	prev, current := keyIn(t, srv, previousKey), keyIn(t, srv, currentKey)
	retired := time.Now().Add(-10 * time.Minute).UTC()
	srv.SetKeyDates(prev.KID, retired.Add(-24*time.Hour), retired)
	config := func(kid, grace string) string {
		return acctest.ProviderBlock(srv) + knownOnlyAtApply("grace", grace) + revocation(kid, "grace_period = terraform_data.grace.output")
	}
	wantPlanSays(t, config(prev.KID, "1h"), "Warning: Tokens signed with this key will stop validating",
		"Applying this plan revokes signing key "+prev.KID+" (fingerprint "+prev.Fingerprint+")",
		"grace_period is known only at apply: the apply checks it before the revoke call, and sends nothing if the key was retired less than grace_period ago.")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(current.KID, "1h"),
				PlanOnly:    true,
				ExpectError: acctest.Diagnostic("Cannot revoke the current signing key", current.KID+" is the current signing key of tenant"),
			},
			{
				Config: config(prev.KID, "1h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(revocationName, tfjsonpath.New("fingerprint"), knownvalue.StringExact(prev.Fingerprint)),
				}},
				ExpectError: acctest.Diagnostic("The signing key was retired too recently",
					"Signing key "+prev.KID+" stopped being current at "+retired.Format(time.RFC3339), "less than grace_period 1h"),
			},
			{
				PreConfig: func() {
					if n := srv.Count(emulator.OpRevoke); n != 0 {
						t.Fatalf("the refused apply sent %d revoke calls", n)
					}
				},
				Config: config(prev.KID, "5m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(revocationName, tfjsonpath.New("fingerprint"), knownvalue.StringExact(prev.Fingerprint)),
				}},
				Check: func(*terraform.State) error {
					return wantCalls(srv, map[emulator.Operation]int{emulator.OpRevoke: 1})
				},
			},
		},
	})
}

// TestRevocation_kidKnownOnlyAtApply revokes a key whose kid the plan
// cannot know: the apply's final plan, which knows it, checks the key
// before any revoke call. A key revoked already is recorded as it is, with
// a warning; the current key is refused. Neither sends a revoke call.
func TestRevocation_kidKnownOnlyAtApply(t *testing.T) {
	parallelAcceptanceTest(t)
	for name, tc := range map[string]struct {
		key  func(emulator.Key) bool
		fail bool
		want func(emulator.Key) []string
	}{
		"revoked already": {revokedKey, false, alreadyRevoked},
		"the current key": {currentKey, true, func(k emulator.Key) []string {
			return []string{"Error: Cannot revoke the current signing key", k.KID + " is the current signing key of tenant"}
		}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startTenantWithHistory(t)
			key := keyIn(t, srv, tc.key)
			cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+`
resource "terraform_data" "kid" {
  input = "`+key.KID+`"
}

resource "auth0keys_signing_key_revocation" "old" {
  kid          = terraform_data.kid.output
  grace_period = "0s"
}
`)
			unknownKey := acctest.Diagnostic("Warning: Tokens signed with this key will stop validating", "The key to revoke is not known until apply, "+
				"so this plan cannot show its certificate. It is checked at apply, before the revoke call")
			if out, err := cli.Plan(); err != nil || !unknownKey.MatchString(out) {
				t.Fatalf("the plan (err %v) must say %s:\n%s", err, unknownKey, out)
			}
			out, err := cli.Apply()
			if (err != nil) != tc.fail || !acctest.Diagnostic(tc.want(key)...).MatchString(out) {
				t.Fatalf("the apply (err %v) must say %q:\n%s", err, tc.want(key), out)
			}
			if n := srv.Count(emulator.OpRevoke); n != 0 || srv.Revocations() != 0 {
				t.Fatalf("%d revoke calls were sent", n)
			}
			if tc.fail {
				return
			}
			raw, err := cli.StateValues(revocationName)
			var state struct {
				RevokedAt string `json:"revoked_at"`
			}
			if err == nil {
				err = json.Unmarshal(raw, &state)
			}
			if err != nil || state.RevokedAt != *key.RevokedAt {
				t.Fatalf("revoked_at %q (%v), want the tenant's %s", state.RevokedAt, err, *key.RevokedAt)
			}
		})
	}
}

func TestRevocation_import(t *testing.T) {
	srv := startTenantWithHistory(t)
	revoked := keyIn(t, srv, revokedKey)
	prev := keyIn(t, srv, previousKey)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// terraform import by kid.
				Config:             acctest.ProviderBlock(srv) + revocation(revoked.KID),
				ResourceName:       revocationName,
				ImportState:        true,
				ImportStateId:      revoked.KID,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["fingerprint"] != revoked.Fingerprint || states[0].Attributes["kid"] != revoked.KID {
						return fmt.Errorf("imported %v", states)
					}
					return nil
				},
			},
			{
				Config:           acctest.ProviderBlock(srv) + revocation(revoked.KID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// A key that is not revoked cannot be imported.
				Config:        acctest.ProviderBlock(srv) + revocation(revoked.KID) + "resource \"auth0keys_signing_key_revocation\" \"other\" {\n  kid = \"" + prev.KID + "\"\n}\n",
				ResourceName:  "auth0keys_signing_key_revocation.other",
				ImportState:   true,
				ImportStateId: prev.KID,
				ExpectError:   acctest.Diagnostic("The signing key is not revoked", "Signing key "+prev.KID+" of tenant "+srv.Domain()+" is not revoked, so there is no revocation to import."),
			},
			{
				// A rate-limited import says what to do.
				PreConfig:     func() { srv.InjectFault(emulator.Fault{Op: emulator.OpList, Status: 429}) },
				Config:        acctest.ProviderBlock(srv, "max_retries = 0") + revocation(revoked.KID) + "resource \"auth0keys_signing_key_revocation\" \"other\" {\n  kid = \"" + revoked.KID + "\"\n}\n",
				ResourceName:  "auth0keys_signing_key_revocation.other",
				ImportState:   true,
				ImportStateId: revoked.KID,
				ExpectError:   acctest.Diagnostic("Cannot import the revocation", "is rate limiting requests", "Raise max_retries in the provider block, or try again after the reset."),
			},
		},
	})
	if n := srv.Count(emulator.OpRevoke); n != 0 {
		t.Fatalf("import sent %d revoke calls", n)
	}
}

func TestRevocation_importBlock(t *testing.T) {
	srv := startTenantWithHistory(t)
	revoked := keyIn(t, srv, revokedKey)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + revocation(revoked.KID) + importBlock(revocationName, revoked.KID),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(revocationName, plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(revocationName, tfjsonpath.New("revoked_at"), knownvalue.StringExact(*revoked.RevokedAt)),
			},
		}},
	})
	if n := srv.Count(emulator.OpRevoke); n != 0 {
		t.Fatalf("an import block sent %d revoke calls", n)
	}
}

// TestRevocation_lostAnswersAreSettledByReading fails every answer to the
// revoke call: the apply reads the key to learn what happened, records a
// revocation that took place with a warning, and reports one that did not,
// or one it could not read; the next apply finishes the job with no second
// revocation.
func TestRevocation_lostAnswersAreSettledByReading(t *testing.T) {
	parallelAcceptanceTest(t)
	unavailable := func(afterProcessing bool) emulator.Fault {
		return emulator.Fault{Op: emulator.OpRevoke, Status: http.StatusServiceUnavailable, AfterProcessing: afterProcessing}
	}
	recorded := func(kid string) []string {
		return []string{"Auth0's answer to the revocation was lost; the key is revoked", "The revoke call got no usable answer",
			"Reading the tenant shows signing key " + kid + " is revoked: the revocation is recorded."}
	}
	tests := map[string]struct {
		faults []emulator.Fault
		failed bool
		want   func(kid string) []string
		calls  int // revoke calls in both applies
	}{
		"carried out": {faults: []emulator.Fault{unavailable(true), unavailable(true)}, want: recorded, calls: 2},
		"not carried out": {faults: []emulator.Fault{unavailable(false), unavailable(false)}, failed: true, want: func(string) []string {
			return []string{"Cannot revoke the signing key", "answered 503 (Injected fault)",
				"Reading the tenant afterwards shows it is not revoked, so applying again is safe"}
		}, calls: 3},
		"carried out, the read failing too": {
			faults: []emulator.Fault{unavailable(true), unavailable(true), {Op: emulator.OpGet, Status: http.StatusServiceUnavailable, Times: 2}},
			failed: true, calls: 2,
			want: func(kid string) []string {
				return []string{"The revocation's outcome is unknown", "answered 503 (Injected fault)", "reading the tenant afterwards failed too",
					"Whether signing key " + kid + " is revoked is unknown. The next plan reads it: a revoked key is adopted, and one that is not is proposed again."}
			},
		},
		// The attempt sent again is refused: that says nothing of the first.
		"carried out, then refused": {faults: []emulator.Fault{unavailable(true),
			{Op: emulator.OpRevoke, Status: http.StatusBadRequest, Message: "The key is already revoked."}}, want: recorded, calls: 2},
		"carried out, then rate limited": {faults: []emulator.Fault{unavailable(true),
			{Op: emulator.OpRevoke, Status: http.StatusTooManyRequests, ResetIn: time.Hour}}, want: recorded, calls: 2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, prev, _ := previousKeyRevocation(t)
			for _, f := range tc.faults {
				srv.InjectFault(f)
			}
			cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv, "max_retries = 1")+revocation(prev.KID))
			out, err := cli.Apply()
			if (err != nil) != tc.failed || !acctest.Diagnostic(tc.want(prev.KID)...).MatchString(out) {
				t.Fatalf("the apply (err %v) must say %q:\n%s", err, tc.want(prev.KID), out)
			}
			// A revocation recorded leaves the next plan nothing to do;
			// otherwise the next apply revokes, or adopts, with no more
			// than one call.
			if !tc.failed {
				wantEmptyPlan(t, cli, "the plan after a recorded revocation")
			}
			applyUntilSuccess(t, cli, 1)
			if k, _ := srv.Key(prev.KID); !k.Revoked || srv.Revocations() != 1 || srv.Count(emulator.OpRevoke) != tc.calls {
				t.Fatalf("%d revocations after %d revoke calls, want 1 after %d", srv.Revocations(), srv.Count(emulator.OpRevoke), tc.calls)
			}
		})
	}
}

// TestRevocation_interruptedDuringASlowAnswer sends SIGINT to terraform
// while the tenant, having revoked the key, holds its answer back: the
// apply reads the key, records the revocation, and the next plan is empty.
func TestRevocation_interruptedDuringASlowAnswer(t *testing.T) {
	parallelAcceptanceTest(t)
	srv, prev, config := previousKeyRevocation(t)
	srv.InjectFault(emulator.Fault{Op: emulator.OpRevoke, AfterProcessing: true, Delay: 20 * time.Second})
	cli := acctest.ProviderCLI(t, config)
	out := applyInterruptedOnce(t, cli, func() bool { return srv.Revocations() > 0 })
	if !acctest.Diagnostic("Auth0's answer to the revocation was lost; the key is revoked",
		"Reading the tenant shows signing key "+prev.KID+" is revoked: the revocation is recorded.").MatchString(out) {
		t.Fatalf("the interrupted apply did not record the revocation:\n%s", out)
	}
	wantEmptyPlan(t, cli, "the plan after the interrupted apply")
	if err := wantCalls(srv, map[emulator.Operation]int{emulator.OpRevoke: 1}); err != nil || srv.Revocations() != 1 {
		t.Fatalf("%v; %d revocations, want 1", err, srv.Revocations())
	}
}

// A revoke call refused with a 400 is checked by reading the key: one that
// another process revoked since the plan's check is recorded, with a
// warning, and a refusal of a key that is not revoked fails the apply as
// Auth0 said it.
func TestRevocation_refusalIsCheckedByReading(t *testing.T) {
	parallelAcceptanceTest(t)
	tests := map[string]struct {
		revokedMeanwhile bool
		want             []string
	}{
		"revoked meanwhile": {true, []string{"Auth0 refused the revoke call; the key is revoked", "answered 400 (The key cannot be revoked.)",
			"another process revoked it since this apply checked it. The revocation is recorded."}},
		"not revoked": {false, []string{"Cannot revoke the signing key", "answered 400 (The key cannot be revoked.)"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, prev, config := previousKeyRevocation(t)
			srv.InjectFault(emulator.Fault{Op: emulator.OpRevoke, Status: http.StatusBadRequest, Message: "The key cannot be revoked.",
				AfterProcessing: tc.revokedMeanwhile})
			cli := acctest.ProviderCLI(t, config)
			out, err := cli.Apply()
			if (err == nil) != tc.revokedMeanwhile || !acctest.Diagnostic(tc.want...).MatchString(out) {
				t.Fatalf("the apply (err %v) must say %q:\n%s", err, tc.want, out)
			}
			// A refusal stands: applying again would be refused again.
			if acctest.Diagnostic("applying again is safe").MatchString(out) {
				t.Fatalf("the apply calls applying again after a refusal safe:\n%s", out)
			}
			if k, _ := srv.Key(prev.KID); k.Revoked != tc.revokedMeanwhile {
				t.Errorf("key %s revoked: %v, want %v", prev.KID, k.Revoked, tc.revokedMeanwhile)
			}
			if err := wantCalls(srv, map[emulator.Operation]int{emulator.OpRevoke: 1, emulator.OpGet: 1}); err != nil {
				t.Fatal(err)
			}
			if tc.revokedMeanwhile {
				wantEmptyPlan(t, cli, "the plan after a recorded revocation")
			}
		})
	}
}

func TestRevocation_driftWhenKeyIsNotRevoked(t *testing.T) {
	srv, prev, config := previousKeyRevocation(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					srv.ChangeKey(prev.KID, func(k *emulator.Key) { k.Revoked, k.RevokedAt = false, nil })
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				Check: func(*terraform.State) error {
					if n := srv.Count(emulator.OpRevoke); n != 2 {
						return fmt.Errorf("revoke calls: %d, want 2 (the revocation proposed again)", n)
					}
					return nil
				},
			},
		},
	})
}

func TestRevocation_keyMissingFromListOrUnknownToTenant(t *testing.T) {
	now := time.Now().UTC()
	srv := startTenant(t, emulator.Options{Keys: []emulator.KeySpec{
		{KID: "oldestRevoked", Previous: true, Revoked: true, CurrentUntil: now.Add(-100 * 24 * time.Hour), RevokedAt: now.Add(-90 * 24 * time.Hour)},
		{KID: "newerRevoked", Previous: true, Revoked: true, CurrentUntil: now.Add(-50 * 24 * time.Hour), RevokedAt: now.Add(-40 * 24 * time.Hour)},
		{Current: true}, {Next: true},
	}})
	config := acctest.ProviderBlock(srv) + revocation("oldestRevoked")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// The list keeps only the newest revoked key: found by kid.
				PreConfig: func() {
					srv.ListRevokedLimit(1)
					srv.InjectFault(emulator.Fault{Op: emulator.OpGet, Status: http.StatusTooManyRequests, ResetIn: time.Second})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error {
					for _, r := range srv.Requests() {
						if r.Op == emulator.OpGet && r.Fault {
							return nil
						}
					}
					return fmt.Errorf("the read by kid never met the injected 429")
				},
			},
			{
				// The tenant forgot the kid: the revocation stays.
				PreConfig: func() {
					srv.ForgetKey("oldestRevoked")
					srv.ResetRequests()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(revocationName, tfjsonpath.New("kid"), knownvalue.StringExact("oldestRevoked")),
				},
				Check: func(*terraform.State) error {
					if srv.Count(emulator.OpGet) == 0 {
						return fmt.Errorf("the key missing from the list was not looked up by kid")
					}
					return nil
				},
			},
		},
	})
}

func TestRevocation_rateLimitsOnEveryEndpoint(t *testing.T) {
	srv, prev, config := previousKeyRevocation(t)
	for _, op := range []emulator.Operation{emulator.OpToken, emulator.OpList, emulator.OpRevoke} {
		srv.InjectFault(emulator.Fault{Op: op, Status: http.StatusTooManyRequests, ResetIn: time.Second, Times: 2})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				if k, _ := srv.Key(prev.KID); !k.Revoked {
					return fmt.Errorf("key %s is not revoked", prev.KID)
				}
				return served429(srv, emulator.OpToken, emulator.OpList, emulator.OpRevoke)
			},
		}},
	})
}

// served429 checks that each operation was answered 429 at least once, so
// that a test of rate limits tested them.
func served429(srv *emulator.Server, ops ...emulator.Operation) error {
	served := map[emulator.Operation]bool{}
	for _, r := range srv.Requests() {
		if r.Status == http.StatusTooManyRequests {
			served[r.Op] = true
		}
	}
	for _, op := range ops {
		if !served[op] {
			return fmt.Errorf("no 429 was served on %s: %v", op, srv.Requests())
		}
	}
	return nil
}

func TestRevocation_missingScopeIsRefusedAtPlan(t *testing.T) {
	srv := startTenant(t, emulator.Options{
		Keys:    emulator.TenantWithHistory(),
		Clients: []emulator.Client{{ID: emulator.DefaultClient().ID, Secret: emulator.DefaultClient().Secret, Scopes: []string{scopes.ReadSigningKeys}}},
	})
	prev := keyIn(t, srv, previousKey)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   acctest.ProviderBlock(srv) + revocation(prev.KID),
			PlanOnly: true,
			ExpectError: acctest.Diagnostic("The credentials lack Management API scopes this apply needs",
				"auth0keys_signing_key_revocation needs the scopes read:signing_keys, update:signing_keys; the token for Auth0 tenant "+srv.Domain()+
					" lacks update:signing_keys. Grant update:signing_keys to the application"),
		}},
	})
	if n := srv.Count(emulator.OpRevoke); n != 0 || srv.Revocations() != 0 {
		t.Fatalf("the plan sent %d revocations", n)
	}
}

func TestRevocation_listNamingTheCurrentKeyTwiceIsRefused(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	current := keyIn(t, srv, currentKey)
	// The copy flagged previous comes first: read alone, it looks revocable.
	srv.ListTwice(current.KID, func(k *emulator.Key) { k.Current, k.Previous = false, true })
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + revocation(current.KID),
			ExpectError: acctest.Diagnostic("Cannot revoke: the tenant's key list is inconsistent",
				"Auth0 tenant "+srv.Domain()+": the tenant's list of signing keys is inconsistent: kid "+current.KID+" is listed 2 times (previous; current).",
				"nothing is sent."),
		}},
	})
	if n := srv.Count(emulator.OpRevoke); n != 0 || srv.Revocations() != 0 {
		t.Fatalf("%d revoke calls were sent", n)
	}
}

func TestRevocation_dotKidIsRefusedWithNoRequest(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	planFails(t, srv, acctest.ProviderBlock(srv)+revocation("."),
		acctest.Diagnostic("Invalid key id", `kid = "."`, `invalid key id ".": a kid must not be "." or contain "..".`))
}

func TestRevocation_zeroGracePeriodNeedsNoDates(t *testing.T) {
	srv := startTenant(t, emulator.Options{Keys: []emulator.KeySpec{
		{KID: "undatedPrevious", Previous: true}, {Current: true}, {Next: true},
	}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + revocation("undatedPrevious", `grace_period = "0s"`),
			Check: func(*terraform.State) error {
				if k, _ := srv.Key("undatedPrevious"); !k.Revoked {
					return fmt.Errorf("the key is not revoked")
				}
				return nil
			},
		}},
	})
}

func TestRevocation_refusesAJustRetiredKeyByDefault(t *testing.T) {
	now := time.Now().UTC()
	srv := startTenant(t, emulator.Options{Keys: []emulator.KeySpec{
		{KID: "justRetired", Previous: true, CurrentSince: now.Add(-48 * time.Hour), CurrentUntil: now.Add(-2 * time.Hour)},
		{Current: true, CurrentSince: now.Add(-2 * time.Hour)}, {Next: true},
	}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + revocation("justRetired"),
			ExpectError: acctest.Diagnostic("The signing key was retired too recently",
				"Signing key justRetired stopped being current at", "which is less than grace_period \"auto\", the tenant's longest token lifetime, 24h0m0s",
				`(the access tokens of API "Auth0 Management API"`, "tokens it signed may still be live. Revoke it after"),
		}},
	})
	if n := srv.Count(emulator.OpRevoke); n != 0 || srv.Revocations() != 0 {
		t.Fatalf("%d revoke calls were sent", n)
	}
}

package provider_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/acctest"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/devenv"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/scopes"
)

const policyName = "auth0keys_signing_key_rotation_policy.this"

func policy(extra ...string) string {
	return "resource \"auth0keys_signing_key_rotation_policy\" \"this\" {\n  " + strings.Join(extra, "\n  ") + "\n}\n"
}

// policyRevokingAfterAVariable configures, on srv's tenant, a policy that
// rotates after 90 days and revokes after var.revoke_after: never, until a
// plan sets the variable.
func policyRevokingAfterAVariable(srv *emulator.Server) string {
	return acctest.ProviderBlock(srv) + "variable \"revoke_after\" {\n  default = null\n}\n" +
		policy(`rotate_after = "2160h"`, `revoke_after = var.revoke_after`)
}

// keyAt is the check of one key of the policy's keys list.
func keyAt(kid, fingerprint, status, act string) knownvalue.Check {
	var actCheck knownvalue.Check = knownvalue.Null()
	if act != "" {
		actCheck = knownvalue.StringExact(act)
	}
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"kid": knownvalue.StringExact(kid), "fingerprint": knownvalue.StringExact(fingerprint),
		"status": knownvalue.StringExact(status), "act": actCheck,
	})
}

func TestRotationPolicy_adoptsAFreshTenantSendingNothing(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	config := acctest.ProviderBlock(srv) + policy(`rotate_after = "2160h"`, `revoke_after = "720h"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
	if n := srv.Count(emulator.OpRotate) + srv.Count(emulator.OpRevoke); n != 0 || srv.Rotations() != 0 {
		t.Fatalf("adopting a fresh tenant sent %d writes", n)
	}
}

// TestRotationPolicy_rotateAfterMovesTheDueDate lengthens rotate_after:
// rotation_due_at moves with it, and nothing is sent.
func TestRotationPolicy_rotateAfterMovesTheDueDate(t *testing.T) {
	srv := startTenantWithHistory(t)
	current := keyIn(t, srv, currentKey)
	since, err := time.Parse(time.RFC3339Nano, *current.CurrentSince)
	if err != nil {
		t.Fatal(err)
	}
	dueAfter := func(rotateAfter time.Duration) knownvalue.Check {
		return knownvalue.StringExact(since.Add(rotateAfter).UTC().Format(time.RFC3339))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderBlock(srv) + policy(`rotate_after = "2160h"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(policyName, tfjsonpath.New("rotation_due_at"), dueAfter(2160*time.Hour)),
				},
			},
			{
				Config: acctest.ProviderBlock(srv) + policy(`rotate_after = "4320h"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyName, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(policyName, tfjsonpath.New("rotation_due_at"), dueAfter(4320*time.Hour)),
				}},
			},
		},
	})
	if n := srv.Count(emulator.OpRotate) + srv.Count(emulator.OpRevoke); n != 0 {
		t.Fatalf("%d writes were sent", n)
	}
}

// TestRotationPolicy_dueRotationWithoutANextKeyWarns lets a rotation fall
// due on a tenant that lists no next key: the policy is created, nothing
// is sent, and every plan warns that the rotation cannot happen, and why.
// Once a next key is listed, the plan rotates to it, without the warning.
func TestRotationPolicy_dueRotationWithoutANextKeyWarns(t *testing.T) {
	parallelAcceptanceTest(t)
	since := time.Now().Add(-10 * 24 * time.Hour).UTC().Truncate(time.Second)
	srv := startTenant(t, emulator.Options{Keys: []emulator.KeySpec{{Current: true, CurrentSince: since}}})
	cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+policy(`rotate_after = "168h"`))
	want := acctest.Diagnostic("Warning: A rotation is due, and the tenant has no next key",
		"The current signing key of Auth0 tenant "+srv.Domain()+" has been current since "+since.Format(time.RFC3339)+
			", longer than rotate_after 168h, but the tenant lists no next key to rotate to, so this plan does not rotate.")
	out, err := cli.Apply()
	if err != nil || !want.MatchString(out) {
		t.Fatalf("the apply (err %v) does not warn %s:\n%s", err, want, out)
	}
	out, err = cli.Plan()
	if err != nil || !strings.Contains(out, "No changes.") || !want.MatchString(out) {
		t.Fatalf("the next plan (err %v) is not empty with the warning:\n%s", err, out)
	}
	if n := srv.Count(emulator.OpRotate) + srv.Count(emulator.OpRevoke); n != 0 || srv.Rotations() != 0 {
		t.Fatalf("%d writes were sent", n)
	}
	// Once the tenant lists a next key, the plan rotates, without the warning.
	next, err := srv.AddKey(emulator.KeySpec{Next: true})
	if err != nil {
		t.Fatal(err)
	}
	out, err = cli.Plan()
	if err != nil || !acctest.Diagnostic("Auth0 tenant "+srv.Domain()+" rotates: "+next.KID+" becomes current.").MatchString(out) || strings.Contains(out, "the tenant has no next key") {
		t.Fatalf("the plan (err %v) after a next key is listed must rotate to %s, and not warn:\n%s", err, next.KID, out)
	}
}

func TestRotationPolicy_dueRotationAndRevocationInOnePlan(t *testing.T) {
	srv := startTenantWithHistory(t)
	prev := keyIn(t, srv, previousKey)
	current, next := currentAndNext(t, srv)
	config := acctest.ProviderBlock(srv) + policy(`rotate_after = "168h"`, `revoke_after = "168h"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(policyName, tfjsonpath.New("current_kid"), knownvalue.StringExact(next.KID)),
					plancheck.ExpectKnownValue(policyName, tfjsonpath.New("keys"), knownvalue.SetPartial([]knownvalue.Check{
						keyAt(next.KID, next.Fingerprint, "current", "becomes current"),
						keyAt(current.KID, current.Fingerprint, "previous", "retired"),
						keyAt(prev.KID, prev.Fingerprint, "revoked", "revoked"),
					})),
					plancheck.ExpectUnknownValue(policyName, tfjsonpath.New("next_kid")),
				}},
				Check: func(*terraform.State) error {
					if srv.Rotations() != 1 || srv.Revocations() != 1 {
						return fmt.Errorf("%d rotations and %d revocations, want one each", srv.Rotations(), srv.Revocations())
					}
					if k, _ := srv.Key(prev.KID); !k.Revoked {
						return fmt.Errorf("%s is not revoked", prev.KID)
					}
					return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1, emulator.OpRevoke: 1})
				},
			},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// TestRotationPolicy_createdOnATenantWithoutKeyDates creates a policy on a
// tenant whose keys have no dates, as on older tenants, from a saved plan
// applied seconds later: the plan leaves when it first saw the keys to the
// apply, whose final plan would see them later, and the apply records it.
// The undated previous key counts as retired from then: under 720h it is
// kept, under "0s" the plan revokes it and the apply does. The next plan
// is empty.
func TestRotationPolicy_createdOnATenantWithoutKeyDates(t *testing.T) {
	parallelAcceptanceTest(t)
	for _, revokeAfter := range []string{"720h", "0s"} {
		t.Run(revokeAfter, func(t *testing.T) {
			t.Parallel()
			srv := startTenant(t, emulator.Options{Keys: []emulator.KeySpec{{Previous: true}, {Current: true}, {Next: true}}})
			current, prev := keyIn(t, srv, currentKey), keyIn(t, srv, previousKey)
			cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+policy(`rotate_after = "24h"`, `revoke_after = "`+revokeAfter+`"`))
			out, err := cli.Plan(tfexec.Out("reviewed.tfplan"))
			if err != nil || !regexp.MustCompile(`first_seen_current\s+= \(known after apply\)`).MatchString(out) ||
				!regexp.MustCompile(`first_seen_previous\s+= \(known after apply\)`).MatchString(out) {
				t.Fatalf("the plan (err %v) must leave first_seen_current and first_seen_previous to the apply:\n%s", err, out)
			}
			revokes := revokeAfter == "0s"
			if named := planRevokes(srv, prev).MatchString(out); named != revokes {
				t.Fatalf("the plan names the revocation of %s: %v, want %v:\n%s", prev.KID, named, revokes, out)
			}
			time.Sleep(1100 * time.Millisecond) // the final plan is made in a later second
			before := time.Now().UTC().Truncate(time.Second)
			if out, err := cli.Apply(tfexec.DirOrPlan("reviewed.tfplan")); err != nil {
				t.Fatalf("apply: %v\n%s", err, out)
			}
			state := policyState(t, cli)
			seen, err := time.Parse(time.RFC3339, state.FirstSeenCurrent[current.KID])
			if err != nil || seen.Before(before) || state.CurrentSince != state.FirstSeenCurrent[current.KID] ||
				state.RotationDueAt != seen.Add(24*time.Hour).Format(time.RFC3339) {
				t.Fatalf("want %s first seen at the apply, current since then, due 24 hours later: %+v", current.KID, state)
			}
			if seenPrev, err := time.Parse(time.RFC3339, state.FirstSeenPrevious[prev.KID]); err != nil || seenPrev.Before(before) {
				t.Fatalf("want %s first seen previous at the apply: %+v", prev.KID, state)
			}
			wantEmptyPlan(t, cli, "the plan after the apply")
			wantRevocations := 0
			if revokes {
				wantRevocations = 1
			}
			if k, _ := srv.KeyWhere(func(k emulator.Key) bool { return k.KID == prev.KID }); k.Revoked != revokes ||
				srv.Count(emulator.OpRevoke) != wantRevocations || srv.Count(emulator.OpRotate) != 0 {
				t.Fatalf("%s revoked: %v, want %v; %d revoke calls, %d rotate calls", prev.KID, k.Revoked, revokes,
					srv.Count(emulator.OpRevoke), srv.Count(emulator.OpRotate))
			}
		})
	}
}

// recordedPolicy is what the state records of the policy "this".
type recordedPolicy struct {
	CurrentKID        string            `json:"current_kid"`
	NextKID           string            `json:"next_kid"`
	CurrentSince      string            `json:"current_since"`
	RotationDueAt     string            `json:"rotation_due_at"`
	FirstSeenCurrent  map[string]string `json:"first_seen_current"`
	FirstSeenPrevious map[string]string `json:"first_seen_previous"`
	Keys              []struct {
		KID    string `json:"kid"`
		Status string `json:"status"`
		Act    string `json:"act"` // empty when null
	} `json:"keys"`
}

// policyState reads the policy "this" from the state of cli's working
// directory.
func policyState(t *testing.T, cli devenv.CLI) recordedPolicy {
	t.Helper()
	raw, err := cli.StateValues("auth0keys_signing_key_rotation_policy.this")
	if err != nil {
		t.Fatal(err)
	}
	var state recordedPolicy
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	return state
}

// TestRotationPolicy_revokesAnUndatedKeyAfterItsFirstSight revokes a
// previous key that Auth0 gives no current_until once revoke_after has
// passed since the policy first saw it, and not before; the apply checks
// that time again before the revoke call.
func TestRotationPolicy_revokesAnUndatedKeyAfterItsFirstSight(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenant(t, emulator.Options{Keys: []emulator.KeySpec{{Previous: true},
		{Current: true, CurrentSince: time.Now().Add(-time.Hour)}, {Next: true}}})
	prev := keyIn(t, srv, previousKey)
	cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+policy(`rotate_after = "2160h"`, `revoke_after = "30s"`))
	if out, err := cli.Apply(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	state := policyState(t, cli)
	seen, err := time.Parse(time.RFC3339, state.FirstSeenPrevious[prev.KID])
	if err != nil {
		t.Fatalf("first_seen_previous %v does not date %s: %v", state.FirstSeenPrevious, prev.KID, err)
	}
	wantEmptyPlan(t, cli, "the plan before revoke_after has passed since the first sight")
	if n := srv.Count(emulator.OpRevoke); n != 0 {
		t.Fatalf("%d revoke calls before revoke_after had passed", n)
	}
	time.Sleep(time.Until(seen.Add(31 * time.Second)))
	out, err := cli.Plan(tfexec.Out("due.tfplan"))
	if err != nil || !acctest.Diagnostic("This plan changes the tenant's signing keys", "Signing key "+prev.KID, "is revoked: tokens it signed stop validating, for good.",
		"Auth0 does not say when it stopped being current; the policy first saw it retired at "+seen.Format(time.RFC3339)+".").MatchString(out) {
		t.Fatalf("the plan (err %v) must revoke %s:\n%s", err, prev.KID, out)
	}
	if out, err := cli.Apply(tfexec.DirOrPlan("due.tfplan")); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if k, _ := srv.KeyWhere(func(k emulator.Key) bool { return k.KID == prev.KID }); !k.Revoked || srv.Count(emulator.OpRevoke) != 1 {
		t.Fatalf("%s revoked: %v after %d revoke calls; want revoked by one", prev.KID, k.Revoked, srv.Count(emulator.OpRevoke))
	}
	wantEmptyPlan(t, cli, "the plan after the revocation")
}

// TestRotationPolicy_andARotationInOnePlanAreRefused plans a due policy
// and a rotation resource of the same tenant: both would make the next key
// current, so the plan fails and nothing is sent.
func TestRotationPolicy_andARotationInOnePlanAreRefused(t *testing.T) {
	srv := startTenantWithHistory(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + policy(`rotate_after = "168h"`) + rotation(`min_rotation_interval = "0s"`),
			ExpectError: acctest.Diagnostic("More than one rotation of the tenant in one plan",
				"This plan already rotates Auth0 tenant "+srv.Domain(), "Keep one rotation resource or policy per tenant"),
		}},
	})
	if n := srv.Count(emulator.OpRotate); n != 0 || srv.Rotations() != 0 {
		t.Fatalf("%d rotate calls, %d rotations; want none", n, srv.Rotations())
	}
}

// TestRotationPolicy_settingsKnownOnlyAtApplyAreRefusedAtPlan plans, on a
// tenant where a rotation and a revocation are due, a policy whose
// rotate_after, revoke_after or provider configuration is known only at
// apply: the plan could not name the keys the apply would change, so it
// fails, pointing at what to set, and nothing is sent.
func TestRotationPolicy_settingsKnownOnlyAtApplyAreRefusedAtPlan(t *testing.T) {
	for name, tc := range map[string]struct {
		config func(srv *emulator.Server) string
		want   []string
	}{
		"rotate_after": {
			config: func(srv *emulator.Server) string {
				return acctest.ProviderBlock(srv) + knownOnlyAtApply("after", "168h") +
					policy(`rotate_after = terraform_data.after.output`, `revoke_after = "168h"`)
			},
			want: []string{"Error: rotate_after is known only at apply", "rotate_after = terraform_data.after.output", "Which keys the rotation policy rotates and revokes " +
				"depends on rotate_after,", "so this plan could not name them. Set rotate_after from a literal"},
		},
		"revoke_after": {
			config: func(srv *emulator.Server) string {
				return acctest.ProviderBlock(srv) + knownOnlyAtApply("after", "168h") +
					policy(`rotate_after = "168h"`, `revoke_after = terraform_data.after.output`)
			},
			want: []string{"Error: revoke_after is known only at apply", "revoke_after = terraform_data.after.output", "depends on revoke_after,", "Set revoke_after from a literal"},
		},
		"the provider's configuration": {
			config: func(srv *emulator.Server) string {
				return providerKnownOnlyAtApply(srv) + policy(`rotate_after = "168h"`, `revoke_after = "168h"`)
			},
			want: []string{"Error: The rotation policy needs its tenant at plan", "The provider's configuration has values known " +
				"only at apply, so this plan cannot read the tenant's keys", "Give domain and the credentials as known values"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := startTenantWithHistory(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config(srv), ExpectError: acctest.Diagnostic(tc.want...)}},
			})
			if n := len(srv.Requests()); n != 0 || srv.Rotations() != 0 || srv.Revocations() != 0 {
				t.Fatalf("the refused plan sent %d requests: %v", n, srv.Requests())
			}
		})
	}
}

// lifetimeTenant is a tenant whose longest token lifetime, 36 hours, is
// set by an application on the third page of its applications, with a
// longer HS256 lifetime that does not count.
func lifetimeTenant(t *testing.T, retiredFor time.Duration, clientScopes []string) (*emulator.Server, emulator.Key) {
	t.Helper()
	var apps []emulator.Application
	for i := range 250 {
		apps = append(apps, emulator.Application{ClientID: fmt.Sprintf("app%03d", i), Name: fmt.Sprintf("app %d", i)})
	}
	apps[230].JWTConfiguration = &emulator.JWTConfiguration{LifetimeInSeconds: 36 * 3600}
	apps[231].JWTConfiguration = &emulator.JWTConfiguration{LifetimeInSeconds: 400 * 3600, Alg: "HS256"}
	now := time.Now().UTC()
	c := emulator.DefaultClient()
	c.Scopes = clientScopes
	srv := startTenant(t, emulator.Options{Applications: apps, Clients: []emulator.Client{c}, Keys: []emulator.KeySpec{
		{Previous: true, CurrentSince: now.Add(-40 * 24 * time.Hour), CurrentUntil: now.Add(-retiredFor)},
		{Current: true, CurrentSince: now.Add(-retiredFor)}, {Next: true},
	}})
	return srv, keyIn(t, srv, previousKey)
}

var allScopes = append([]string{scopes.ReadClients, scopes.ReadResourceServers}, scopes.SigningKeys...)

// TestRotationPolicy_autoRevokesAfterTheLongestTokenLifetime creates a
// policy with revoke_after = "auto" on a tenant whose key was retired 35
// hours ago and whose longest-lived tokens, app230's ID tokens, live 36
// hours: nothing is revoked. Then the key is 37 hours retired: it is
// revoked, unless app230's tokens now live 48 hours, since while a key
// retired less than 30 days ago waits on "auto" each plan reads the
// lifetimes again.
func TestRotationPolicy_autoRevokesAfterTheLongestTokenLifetime(t *testing.T) {
	tests := map[string]struct {
		idTokenHours int    // app230's ID token lifetime after the policy is created
		effective    string // the plan's effective_revoke_after
		revoked      bool
	}{
		"the lifetime stays 36 hours":  {idTokenHours: 36, effective: "36h0m0s", revoked: true},
		"the lifetime is now 48 hours": {idTokenHours: 48, effective: "48h0m0s", revoked: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv, prev := lifetimeTenant(t, 35*time.Hour, allScopes)
			config := acctest.ProviderBlock(srv) + policy(`rotate_after = "2160h"`, `revoke_after = "auto"`)
			status, act := "previous", ""
			if tc.revoked {
				status, act = "revoked", "revoked"
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: config,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(policyName, tfjsonpath.New("effective_revoke_after"), knownvalue.StringExact("36h0m0s")),
							statecheck.ExpectKnownValue(policyName, tfjsonpath.New("revoke_after_source"), knownvalue.StringExact(`the ID tokens of application "app 230" (app230)`)),
						},
						Check: func(*terraform.State) error {
							if srv.Revocations() != 0 {
								return fmt.Errorf("a key retired 35 hours ago was revoked under a 36-hour lifetime")
							}
							return nil
						},
					},
					{
						PreConfig: func() {
							srv.ChangeApplication("app230", func(a *emulator.Application) {
								a.JWTConfiguration = &emulator.JWTConfiguration{LifetimeInSeconds: tc.idTokenHours * 3600}
							})
							srv.SetKeyDates(prev.KID, time.Now().Add(-40*24*time.Hour), time.Now().Add(-37*time.Hour))
						},
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(policyName, plancheck.ResourceActionUpdate),
							plancheck.ExpectKnownValue(policyName, tfjsonpath.New("effective_revoke_after"), knownvalue.StringExact(tc.effective)),
							plancheck.ExpectKnownValue(policyName, tfjsonpath.New("keys"), knownvalue.SetPartial([]knownvalue.Check{
								keyAt(prev.KID, prev.Fingerprint, status, act),
							})),
						}},
						Check: func(*terraform.State) error {
							if k, _ := srv.Key(prev.KID); k.Revoked != tc.revoked || srv.Rotations() != 0 {
								return fmt.Errorf("at 37 hours with %d-hour ID tokens: revoked %v, want %v; %d rotations",
									tc.idTokenHours, k.Revoked, tc.revoked, srv.Rotations())
							}
							return nil
						},
					},
				},
			})
		})
	}
}

// TestRotationPolicy_switchingToAutoReadsTheLifetimes changes revoke_after
// from a duration to "auto" on a tenant whose previous key was retired 31
// days ago: the plan reads the tenant's lifetimes rather than keep the
// duration the state recorded, and revokes the key.
func TestRotationPolicy_switchingToAutoReadsTheLifetimes(t *testing.T) {
	srv, prev := lifetimeTenant(t, 31*24*time.Hour, allScopes)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: acctest.ProviderBlock(srv) + policy(`rotate_after = "2160h"`, `revoke_after = "2000h"`)},
			{
				Config: acctest.ProviderBlock(srv) + policy(`rotate_after = "2160h"`, `revoke_after = "auto"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(policyName, tfjsonpath.New("keys"), knownvalue.SetPartial([]knownvalue.Check{
						keyAt(prev.KID, prev.Fingerprint, "revoked", "revoked"),
					})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(policyName, tfjsonpath.New("effective_revoke_after"), knownvalue.StringExact("36h0m0s")),
					statecheck.ExpectKnownValue(policyName, tfjsonpath.New("revoke_after_source"), knownvalue.StringExact(`the ID tokens of application "app 230" (app230)`)),
				},
				Check: func(*terraform.State) error {
					if k, _ := srv.Key(prev.KID); !k.Revoked {
						return fmt.Errorf("a key retired 31 days ago is not revoked under \"auto\"")
					}
					return nil
				},
			},
		},
	})
}

func TestRotationPolicy_autoWithoutTheScopesIsRefusedAtPlan(t *testing.T) {
	srv, _ := lifetimeTenant(t, 35*time.Hour, scopes.SigningKeys)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + policy(`rotate_after = "2160h"`, `revoke_after = "auto"`),
			ExpectError: acctest.Diagnostic(`"auto" needs more Management API scopes`, `revoke_after = "auto"`,
				"needs read:resource_servers and read:clients; the token for Auth0 tenant "+srv.Domain()+" lacks read:resource_servers and read:clients.",
				`give a duration, such as "720h".`),
		}},
	})
	if n := srv.Count(emulator.OpRotate) + srv.Count(emulator.OpRevoke) + srv.Count(emulator.OpApplications); n != 0 {
		t.Fatalf("the refused plan sent %d requests it should not have", n)
	}
}

// TestRotationPolicy_missingScopesAreRefusedAtPlan gives the policy's
// credentials fewer scopes than its acts need: a plan that rotates needs
// create:signing_keys and update:signing_keys, one that revokes
// update:signing_keys, and one with nothing due reads alone.
func TestRotationPolicy_missingScopesAreRefusedAtPlan(t *testing.T) {
	tests := map[string]struct {
		granted []string
		policy  string
		want    []string // the diagnostic's words; none when the plan passes
	}{
		"nothing due": {granted: []string{scopes.ReadSigningKeys}, policy: policy(`rotate_after = "2160h"`, `revoke_after = "720h"`)},
		"a revocation due": {granted: []string{scopes.ReadSigningKeys}, policy: policy(`rotate_after = "2160h"`, `revoke_after = "168h"`),
			want: []string{"needs the scopes read:signing_keys, update:signing_keys;", "lacks update:signing_keys. Grant update:signing_keys"}},
		"a rotation due": {granted: []string{scopes.ReadSigningKeys, scopes.UpdateSigningKeys}, policy: policy(`rotate_after = "168h"`),
			want: []string{"needs the scopes read:signing_keys, create:signing_keys, update:signing_keys;", "lacks create:signing_keys. Grant create:signing_keys"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := emulator.DefaultClient()
			c.Scopes = tc.granted
			srv := startTenant(t, emulator.Options{Keys: emulator.TenantWithHistory(), Clients: []emulator.Client{c}})
			step := resource.TestStep{Config: acctest.ProviderBlock(srv) + tc.policy}
			if tc.want != nil {
				step.ExpectError = acctest.Diagnostic(append(append([]string{"The credentials lack Management API scopes this apply needs",
					"auth0keys_signing_key_rotation_policy"}, tc.want...), "Nothing was sent.")...)
			}
			resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: []resource.TestStep{step}})
			if n := srv.Count(emulator.OpRotate) + srv.Count(emulator.OpRevoke); n != 0 || srv.Rotations()+srv.Revocations() != 0 {
				t.Fatalf("%d writes were sent", n)
			}
		})
	}
}

// TestRotationPolicy_unreadableLifetimesFailAtPlan fails every read of the
// tenant's applications: a policy that revokes after the longest token
// lifetime cannot decide, and its plan fails on revoke_after with Auth0's
// answer, sending no write.
func TestRotationPolicy_unreadableLifetimesFailAtPlan(t *testing.T) {
	srv, _ := lifetimeTenant(t, 35*time.Hour, allScopes)
	srv.InjectFault(emulator.Fault{Op: emulator.OpApplications, Status: http.StatusInternalServerError, Times: 100})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv, "max_retries = 1") + policy(`rotate_after = "2160h"`, `revoke_after = "auto"`),
			ExpectError: acctest.Diagnostic("Cannot read the tenant's token lifetimes", `revoke_after = "auto"`,
				"answered 500 (Injected fault)"),
		}},
	})
	if n := srv.Count(emulator.OpRotate) + srv.Count(emulator.OpRevoke); n != 0 || srv.Count(emulator.OpApplications) != 2 {
		t.Fatalf("%d writes and %d reads of the applications; want none, and one read retried once", n, srv.Count(emulator.OpApplications))
	}
}

// tenantBehindAStaleGateway starts a tenant with history whose gateway, at
// the URL it returns, serves the current key only: a rotation must wait
// until it serves the next key.
func tenantBehindAStaleGateway(t *testing.T) (srv *emulator.Server, current, next emulator.Key, gateway string) {
	t.Helper()
	srv = startTenantWithHistory(t)
	current, next = currentAndNext(t, srv)
	srv.SetGatewayJWKS([]byte(`{"keys": [{"kty": "RSA", "kid": "` + current.KID + `", "n": "x", "e": "AQAB"}]}`))
	return srv, current, next, srv.URL() + emulator.GatewayJWKSPath
}

func TestRotationPolicy_jwksURLsHoldTheRotationBack(t *testing.T) {
	srv, current, next, gateway := tenantBehindAStaleGateway(t)
	config := acctest.ProviderBlock(srv) + policy(`rotate_after = "24h"`, fmt.Sprintf("jwks_urls = [%q]", gateway))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: acctest.Diagnostic("A JWKS URL does not serve the next key",
					gateway+" serves the keys "+current.KID+", not "+next.KID+", which this plan makes current."),
			},
			{
				// The next key's kid, with another key's modulus.
				PreConfig: func() {
					srv.SetGatewayJWKS([]byte(`{"keys": [{"kty": "RSA", "kid": "` + next.KID + `", "n": "x", "e": "AQAB"}]}`))
				},
				Config: config,
				ExpectError: acctest.Diagnostic("A JWKS URL does not serve the next key",
					gateway+" serves a key with kid "+next.KID+", which this plan makes current, but not the tenant's key of that kid: its modulus differs."),
			},
			{
				PreConfig: func() { srv.SetGatewayJWKS(srv.PublishedJWKS()) },
				Config:    config,
				Check: func(*terraform.State) error {
					if k, _ := srv.Key(next.KID); !k.Current || srv.Rotations() != 1 {
						return fmt.Errorf("the rotation did not go ahead once the gateway served the next key")
					}
					return nil
				},
			},
		},
	})
}

// TestRotationPolicy_jwksCheckAtApplyNamesItsTimeout rate limits, past
// the apply's time, the read with which the apply checks jwks_urls again
// right before rotating: the error names the create timeout that bounds
// it, and nothing rotates.
func TestRotationPolicy_jwksCheckAtApplyNamesItsTimeout(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenantWithHistory(t)
	srv.SetGatewayJWKS(srv.PublishedJWKS())
	cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+policy(`rotate_after = "24h"`, fmt.Sprintf("jwks_urls = [%q]", srv.URL()+emulator.GatewayJWKSPath)))
	if _, err := cli.Plan(tfexec.Out("reviewed.tfplan")); err != nil {
		t.Fatal(err)
	}
	// The apply lists the keys for its final plan, for that plan's check
	// of jwks_urls, for the check right before rotating, then to record
	// the tenant's keys after the rotation failed (a real tenant would
	// refuse that read too, until its reset).
	srv.ResetRequests()
	srv.InjectFault(emulator.Fault{Op: emulator.OpList, Skip: 2, Status: http.StatusTooManyRequests, ResetIn: time.Hour})
	out, err := cli.Apply(tfexec.DirOrPlan("reviewed.tfplan"))
	want := acctest.Diagnostic("Cannot check jwks_urls", "is rate limiting requests", "after this operation's time runs out",
		"Raise create in the timeouts block, or try again after the reset.")
	if err == nil || !want.MatchString(out) {
		t.Fatalf("want %s in:\n%s", want, out)
	}
	var lists []int
	for _, r := range srv.Requests() {
		if r.Op == emulator.OpList {
			lists = append(lists, r.Status)
		}
	}
	if fmt.Sprint(lists) != "[200 200 429 200]" || srv.Count(emulator.OpRotate) != 0 || srv.Rotations() != 0 {
		t.Fatalf("the apply's lists answered %v, and %d rotate calls; want [200 200 429 200] and none", lists, srv.Count(emulator.OpRotate))
	}
}

// TestRotationPolicy_jwksURLsKnownOnlyAtApply takes jwks_urls from a value
// known only at apply. The plan still names the rotation, and warns that
// the URLs are checked at apply: a gateway that does not serve the next
// key holds the rotation back there, with no rotate call; once it serves
// the key, the apply rotates once.
func TestRotationPolicy_jwksURLsKnownOnlyAtApply(t *testing.T) {
	srv, current, next, gateway := tenantBehindAStaleGateway(t)
	// A resource of another name each step, so that each plan creates it:
	// a URL of the list known only at apply, then the whole list.
	config := func(step string) string {
		return acctest.ProviderBlock(srv) + knownOnlyAtApply("gateway_"+step, gateway) +
			policy(`rotate_after = "24h"`, "jwks_urls = [terraform_data.gateway_"+step+".output]")
	}
	wholeListConfig := acctest.ProviderBlock(srv) + fmt.Sprintf("resource \"terraform_data\" \"gateways\" {\n  input = [%q]\n}\n\n", gateway) +
		policy(`rotate_after = "24h"`, "jwks_urls = terraform_data.gateways.output")
	wantPlanSays(t, config("0"), "Warning: jwks_urls is known only at apply", "This plan makes "+next.KID+" the current signing key of "+
		"Auth0 tenant "+srv.Domain()+". jwks_urls is known only at apply: the apply checks then, before the rotate call, that every "+
		"URL serves that key, and rotates nothing if one does not.")
	namesTheRotation := func(urls tfjsonpath.Path) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectUnknownValue(policyName, urls),
			plancheck.ExpectKnownValue(policyName, tfjsonpath.New("current_kid"), knownvalue.StringExact(next.KID)),
			plancheck.ExpectKnownValue(policyName, tfjsonpath.New("keys"), knownvalue.SetPartial([]knownvalue.Check{
				keyAt(next.KID, next.Fingerprint, "current", "becomes current"),
				keyAt(current.KID, current.Fingerprint, "previous", "retired"),
			})),
		}}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:           config("1"),
				ConfigPlanChecks: namesTheRotation(tfjsonpath.New("jwks_urls").AtSliceIndex(0)),
				ExpectError: acctest.Diagnostic("A JWKS URL does not serve the next key",
					gateway+" serves the keys "+current.KID+", not "+next.KID+", which this plan makes current."),
			},
			{
				PreConfig: func() {
					if n := srv.Count(emulator.OpRotate); n != 0 || srv.Rotations() != 0 {
						t.Fatalf("the refused apply sent %d rotate calls", n)
					}
					srv.SetGatewayJWKS(srv.PublishedJWKS())
				},
				Config:           wholeListConfig,
				ConfigPlanChecks: namesTheRotation(tfjsonpath.New("jwks_urls")),
				Check: func(*terraform.State) error {
					if k, _ := srv.Key(next.KID); !k.Current || srv.Rotations() != 1 {
						return fmt.Errorf("%d rotations; want %s current, after one", srv.Rotations(), next.KID)
					}
					return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1})
				},
			},
		},
	})
}

// TestRotationPolicy_jwksURLFailingRightBeforeTheRotateCall shortens the
// rotate_after and revoke_after of a policy with nothing due, so that a
// rotation and a revocation are due. The gateway serves the next key at
// plan and for the apply's final plan, then answers 404 to the check right
// before the rotate call: nothing rotates and nothing is revoked, the
// apply names the URL and the revocation not sent, the state records the
// tenant's keys as they are, and the next plan proposes both again, also
// when it is made without a refresh.
func TestRotationPolicy_jwksURLFailingRightBeforeTheRotateCall(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenantWithHistory(t)
	prev := keyIn(t, srv, previousKey)
	current, next := currentAndNext(t, srv)
	srv.SetGatewayJWKS(srv.PublishedJWKS())
	gateway := srv.URL() + emulator.GatewayJWKSPath
	cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+
		"variable \"rotate_after\" {\n  default = \"720h\"\n}\nvariable \"revoke_after\" {\n  default = null\n}\n"+
		policy(`rotate_after = var.rotate_after`, `revoke_after = var.revoke_after`, fmt.Sprintf("jwks_urls = [%q]", gateway)))
	if out, err := cli.Apply(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	srv.InjectFault(emulator.Fault{Op: emulator.OpGateway, Skip: 2, Status: http.StatusNotFound})
	due := []tfexec.PlanOption{tfexec.Var("rotate_after=168h"), tfexec.Var("revoke_after=168h")}
	out, err := cli.Apply(tfexec.Var("rotate_after=168h"), tfexec.Var("revoke_after=168h"))
	for _, want := range []*regexp.Regexp{
		acctest.Diagnostic("Error: A JWKS URL does not serve the next key", gateway+" answered 404. The rotation waits until it does."),
		acctest.Diagnostic("Warning: The revocations this plan named were not sent",
			"The rotation this plan named did not go as planned, so the revocations it named were not sent either: signing key "+prev.KID+
				" of Auth0 tenant "+srv.Domain()+" is not revoked. The next plan proposes what is still due then."),
	} {
		if err == nil || !want.MatchString(out) {
			t.Fatalf("the apply (err %v) must say %s:\n%s", err, want, out)
		}
	}
	if n := srv.Count(emulator.OpGateway); n != 3 || srv.Count(emulator.OpRotate) != 0 || srv.Rotations() != 0 || srv.Count(emulator.OpRevoke) != 0 {
		t.Fatalf("the gateway was read %d times (want 3), and %d rotate and %d revoke calls were sent (want none)",
			n, srv.Count(emulator.OpRotate), srv.Count(emulator.OpRevoke))
	}
	// The state records the tenant as the apply left it: not rotated.
	state := policyState(t, cli)
	got := map[string]string{}
	for _, k := range state.Keys {
		got[k.KID] = k.Status + " " + k.Act
	}
	want := map[string]string{current.KID: "current ", next.KID: "next ", prev.KID: "previous "}
	if !reflect.DeepEqual(got, want) || state.CurrentKID != current.KID || state.NextKID != next.KID {
		t.Errorf("the state records current %s, next %s and keys %v; want current %s, next %s and keys %v",
			state.CurrentKID, state.NextKID, got, current.KID, next.KID, want)
	}
	// Terraform folds the warnings after the first; the diff shows the
	// revocation.
	proposed := regexp.MustCompile(`(?s)\+ act\s+= "revoked"\s+~ status\s+= "previous" -> "revoked".*Auth0 tenant ` +
		regexp.QuoteMeta(srv.Domain()+" rotates: "+next.KID+" becomes current."))
	for _, refresh := range []bool{true, false} {
		if out, err := cli.Plan(append(due, tfexec.Refresh(refresh))...); err != nil || !proposed.MatchString(out) {
			t.Fatalf("the next plan (refresh %v, err %v) must propose the rotation and the revocation again:\n%s", refresh, err, out)
		}
	}
}

// TestRotationPolicy_quietPlanMakesTwoRequests plans an adopted policy
// with nothing due, as a scheduled run would: on a fresh tenant, and under
// revoke_after = "auto" on a tenant whose previous key was retired longer
// ago than any token lifetime Auth0 allows, which no lifetime decides
// anything for.
func TestRotationPolicy_quietPlanMakesTwoRequests(t *testing.T) {
	parallelAcceptanceTest(t)
	tests := map[string]struct {
		keys        []emulator.KeySpec
		revokeAfter string
	}{
		"fresh tenant": {revokeAfter: "720h"},
		"key retired 31 days ago, auto": {revokeAfter: "auto", keys: []emulator.KeySpec{
			{Previous: true, CurrentSince: time.Now().Add(-60 * 24 * time.Hour), CurrentUntil: time.Now().Add(-31 * 24 * time.Hour)},
			{Current: true, CurrentSince: time.Now().Add(-31 * 24 * time.Hour)}, {Next: true}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startTenant(t, emulator.Options{Keys: tc.keys})
			cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+policy(`rotate_after = "2160h"`, `revoke_after = "`+tc.revokeAfter+`"`))
			if out, err := cli.Apply(); err != nil {
				t.Fatalf("apply: %v\n%s", err, out)
			}
			srv.ResetRequests()
			wantEmptyPlan(t, cli, "the quiet plan")
			if n := len(srv.Requests()); n != 2 || srv.Count(emulator.OpToken) != 1 || srv.Count(emulator.OpList) != 1 {
				t.Fatalf("a quiet plan made %d requests, want 2 (token, list): %v", n, srv.Requests())
			}
		})
	}
}

// TestRotationPolicy_refusalAtCreateNamesTheCreateTimeout creates a policy
// that finds an act due while the tenant rate limits it past the apply's
// time: the error says which timeout to raise, create's.
func TestRotationPolicy_refusalAtCreateNamesTheCreateTimeout(t *testing.T) {
	parallelAcceptanceTest(t)
	tests := map[string]struct {
		op     emulator.Operation
		policy string
		want   string
	}{
		"rotation":   {emulator.OpRotate, policy(`rotate_after = "168h"`), "Cannot rotate the signing key"},
		"revocation": {emulator.OpRevoke, policy(`rotate_after = "2160h"`, `revoke_after = "168h"`), "Cannot revoke a signing key the policy found due"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startTenantWithHistory(t)
			srv.InjectFault(emulator.Fault{Op: tc.op, Status: http.StatusTooManyRequests, ResetIn: time.Hour})
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: acctest.ProviderBlock(srv) + tc.policy,
					ExpectError: acctest.Diagnostic(tc.want, "is rate limiting requests", "after this operation's time runs out",
						"Raise create in the timeouts block, or try again after the reset."),
				}},
			})
			if srv.Count(tc.op) != 1 || srv.Rotations()+srv.Revocations() != 0 {
				t.Fatalf("%d %s calls, %d rotations and %d revocations; want the one refused call", srv.Count(tc.op), tc.op, srv.Rotations(), srv.Revocations())
			}
		})
	}
}

func TestRotationPolicy_aFailedRevocationIsProposedAgainAlone(t *testing.T) {
	srv := startTenantWithHistory(t)
	prev := keyIn(t, srv, previousKey)
	config := acctest.ProviderBlock(srv, "max_retries = 1") + policy(`rotate_after = "2160h"`, `revoke_after = "168h"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					srv.InjectFault(emulator.Fault{Op: emulator.OpRevoke, Status: 500, Times: 2})
				},
				Config: config,
				ExpectError: acctest.Diagnostic("Cannot revoke a signing key the policy found due",
					"Signing key "+prev.KID+" of Auth0 tenant "+srv.Domain()+" was not revoked", "The next plan proposes it again while it is due."),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(policyName, tfjsonpath.New("keys"), knownvalue.SetPartial([]knownvalue.Check{
						keyAt(prev.KID, prev.Fingerprint, "revoked", "revoked"),
					})),
				}},
				Check: func(*terraform.State) error {
					if k, _ := srv.Key(prev.KID); !k.Revoked || srv.Rotations() != 0 {
						return fmt.Errorf("the second apply did not revoke %s alone (%d rotations)", prev.KID, srv.Rotations())
					}
					return wantCalls(srv, map[emulator.Operation]int{emulator.OpRevoke: 3, emulator.OpRotate: 0})
				},
			},
		},
	})
}

// TestRotationPolicy_aFailedRevocationIsRecordedAsNotDone refuses the
// revoke call of a due key: the state the failed apply keeps records the
// key as the previous key it still is, with no act.
func TestRotationPolicy_aFailedRevocationIsRecordedAsNotDone(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenantWithHistory(t)
	prev := keyIn(t, srv, previousKey)
	srv.InjectFault(emulator.Fault{Op: emulator.OpRevoke, Status: 500, Times: 2})
	cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv, "max_retries = 1")+policy(`rotate_after = "2160h"`, `revoke_after = "168h"`))
	if out, err := cli.Apply(); err == nil || !strings.Contains(out, "Cannot revoke a signing key the policy found due") {
		t.Fatalf("the apply (err %v) must fail on the refused revocation:\n%s", err, out)
	}
	for _, k := range policyState(t, cli).Keys {
		if k.KID == prev.KID {
			if k.Status != "previous" || k.Act != "" {
				t.Fatalf("the state records %s as %q with act %q after Auth0 refused its revocation; want previous, no act", k.KID, k.Status, k.Act)
			}
			return
		}
	}
	t.Fatalf("the state does not record %s", prev.KID)
}

// TestRotationPolicy_lostRotateAnswers loses the answer to the rotate call
// of a saved plan: the apply reads the tenant and records what happened (a
// failed apply too: its state names the tenant's current key as it is),
// an outcome it cannot read is explained in the policy's own terms, and no
// later apply rotates a second time.
func TestRotationPolicy_lostRotateAnswers(t *testing.T) {
	parallelAcceptanceTest(t)
	lostAfter := emulator.Fault{Op: emulator.OpRotate, Drop: true, AfterProcessing: true}
	tests := map[string]struct {
		faults      []emulator.Fault
		failed      bool
		want        func(next string) []string
		rotateCalls int
		rotations   int // by the tenant, 1 when unset
	}{
		"after processing": {
			faults: []emulator.Fault{lostAfter},
			want: func(next string) []string {
				return []string{"Auth0's answer to the rotation was lost; the tenant rotated", next + " is current"}
			},
			rotateCalls: 1,
		},
		"before processing": {
			faults: []emulator.Fault{{Op: emulator.OpRotate, Drop: true}},
			failed: true,
			want: func(next string) []string {
				return []string{"Cannot rotate the signing key", "Reading the tenant shows it did not rotate", "No rotation happened, and applying again is safe."}
			},
			rotateCalls: 2,
		},
		// Applying the saved plan lists the keys twice before the rotate
		// call: the final plan, and the check right before the call.
		"after processing, the read failing too": {
			faults: []emulator.Fault{lostAfter, {Op: emulator.OpList, Skip: 2, Status: http.StatusServiceUnavailable, Times: 2}},
			failed: true,
			want: func(next string) []string {
				return []string{"The rotation's outcome is unknown", "reading the tenant afterwards failed too", "Auth0 may have rotated: " + next + " may be current now.",
					"The next plan reads the tenant again: if it rotated, " + next + " is current and no rotation is due before rotate_after has passed; " +
						"if it did not, the plan proposes the rotation again."}
			},
			rotateCalls: 1,
		},
		"after another rotation": {
			faults: []emulator.Fault{{Op: emulator.OpRotate, RotateFirst: true, Drop: true, AfterProcessing: true}},
			failed: true,
			want: func(next string) []string {
				return []string{"The tenant's signing keys moved otherwise than planned", "The plan made " + next + " current",
					"No rotation is recorded: the next plan reads the tenant as it is now and proposes only what is due then."}
			},
			rotateCalls: 1, rotations: 2,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startTenantWithHistory(t)
			_, next := currentAndNext(t, srv)
			cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv, "max_retries = 1")+policy(`rotate_after = "168h"`))
			if out, err := cli.Plan(tfexec.Out("reviewed.tfplan")); err != nil {
				t.Fatalf("plan: %v\n%s", err, out)
			}
			for _, f := range tc.faults {
				srv.InjectFault(f)
			}
			out, err := cli.Apply(tfexec.DirOrPlan("reviewed.tfplan"))
			if (err != nil) != tc.failed || !acctest.Diagnostic(tc.want(next.KID)...).MatchString(out) {
				t.Fatalf("the apply (err %v) must say %q:\n%s", err, tc.want(next.KID), out)
			}
			if recorded, current := policyState(t, cli).CurrentKID, keyIn(t, srv, currentKey).KID; recorded != current {
				t.Fatalf("the state records %s as current; the tenant's current key is %s", recorded, current)
			}
			applyUntilSuccess(t, cli, 1)
			wantEmptyPlan(t, cli, "the plan after the rotation")
			if tc.rotations == 0 {
				if k, _ := srv.Key(next.KID); !k.Current || srv.Rotations() != 1 {
					t.Fatalf("%d rotations, %s current: %v; want one rotation that made it current", srv.Rotations(), next.KID, k.Current)
				}
			} else if srv.Rotations() != tc.rotations {
				t.Fatalf("%d rotations, want %d", srv.Rotations(), tc.rotations)
			}
			if err := wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: tc.rotateCalls}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestRotationPolicy_unsettledRevocation loses the answers to a due
// revocation, and the read of the key after them fails too: the apply says
// the outcome is unknown, and the next plan, reading the tenant, finds the
// key revoked and proposes no second revoke call.
func TestRotationPolicy_unsettledRevocation(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenantWithHistory(t)
	prev := keyIn(t, srv, previousKey)
	for _, f := range []emulator.Fault{
		{Op: emulator.OpRevoke, Status: http.StatusServiceUnavailable, AfterProcessing: true, Times: 2},
		{Op: emulator.OpGet, Status: http.StatusServiceUnavailable, Times: 2},
	} {
		srv.InjectFault(f)
	}
	cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv, "max_retries = 1")+policy(`rotate_after = "2160h"`, `revoke_after = "168h"`))
	out, err := cli.Apply()
	if err == nil || !acctest.Diagnostic("The revocation's outcome is unknown",
		"Whether signing key "+prev.KID+" of Auth0 tenant "+srv.Domain()+" is revoked is unknown", "reading the tenant afterwards failed too",
		"The next plan reads the tenant: a revoked key is recorded, and one that is not is proposed again.").MatchString(out) {
		t.Fatalf("the apply (err %v) must say the revocation's outcome is unknown:\n%s", err, out)
	}
	if strings.Contains(out, "Cannot revoke a signing key the policy found due") {
		t.Fatalf("the apply also says the revocation failed, which is not known:\n%s", out)
	}
	out, err = cli.Plan()
	if err != nil || planRevokes(srv, prev).MatchString(out) {
		t.Fatalf("the next plan (err %v) proposes revoking %s again:\n%s", err, prev.KID, out)
	}
	applyUntilSuccess(t, cli, 1)
	if k, _ := srv.Key(prev.KID); !k.Revoked || srv.Revocations() != 1 || srv.Count(emulator.OpRevoke) != 2 {
		t.Fatalf("%d revocations after %d revoke calls, want 1 after 2", srv.Revocations(), srv.Count(emulator.OpRevoke))
	}
}

// twoRevocationsDue starts a tenant with two previous keys retired more
// than a week ago, prev and current (current until a rotation made now),
// and a CLI for a policy that revokes keys retired a week ago.
func twoRevocationsDue(t *testing.T) (srv *emulator.Server, prev, current emulator.Key, cli devenv.CLI) {
	t.Helper()
	srv = startTenantWithHistory(t)
	prev, current = keyIn(t, srv, previousKey), keyIn(t, srv, currentKey)
	if _, err := srv.Rotate(); err != nil {
		t.Fatal(err)
	}
	if !srv.SetKeyDates(current.KID, time.Now().Add(-20*24*time.Hour), time.Now().Add(-9*24*time.Hour)) {
		t.Fatal("no retired key to date")
	}
	return srv, prev, current, acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+policy(`rotate_after = "2160h"`, `revoke_after = "168h"`))
}

// TestRotationPolicy_eachRevocationChecksAFreshList applies a saved plan
// that revokes two keys: each revoke call follows a list read after the
// revocation before it.
func TestRotationPolicy_eachRevocationChecksAFreshList(t *testing.T) {
	parallelAcceptanceTest(t)
	srv, prev, current, cli := twoRevocationsDue(t)
	if out, err := cli.Plan(tfexec.Out("reviewed.tfplan")); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	srv.ResetRequests()
	if out, err := cli.Apply(tfexec.DirOrPlan("reviewed.tfplan")); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	var sequence []emulator.Operation
	for _, r := range srv.Requests() {
		if r.Op == emulator.OpList || r.Op == emulator.OpRevoke {
			sequence = append(sequence, r.Op)
		}
	}
	// The first list is the final plan's: creating the policy reads the tenant.
	want := []emulator.Operation{emulator.OpList, emulator.OpList, emulator.OpRevoke, emulator.OpList, emulator.OpRevoke}
	if fmt.Sprint(sequence) != fmt.Sprint(want) {
		t.Fatalf("the apply's reads and revocations: %v, want %v", sequence, want)
	}
	for _, k := range []emulator.Key{prev, current} {
		if got, _ := srv.Key(k.KID); !got.Revoked {
			t.Errorf("%s is not revoked", k.KID)
		}
	}
}

// TestRotationPolicy_revocationCheckedAgainstTheTenantAtApply saves a plan
// that revokes a key, changes the key in the tenant, then applies the
// plan: the apply reads the tenant right before the revoke call, sends
// none for a key that is no longer as planned, and says why.
func TestRotationPolicy_revocationCheckedAgainstTheTenantAtApply(t *testing.T) {
	parallelAcceptanceTest(t)
	tests := map[string]struct {
		change func(srv *emulator.Server, prev, current emulator.Key)
		want   string // the reason the apply gives; empty: the apply succeeds
	}{
		"revoked meanwhile": {change: func(srv *emulator.Server, prev, _ emulator.Key) {
			srv.ChangeKey(prev.KID, func(k *emulator.Key) { k.Revoked = true })
		}},
		"gone from the list": {change: func(srv *emulator.Server, prev, _ emulator.Key) { srv.ForgetKey(prev.KID) },
			want: "the tenant does not list it"},
		"made current": {change: func(srv *emulator.Server, prev, current emulator.Key) {
			srv.ChangeKey(current.KID, func(k *emulator.Key) { k.Current, k.Previous = false, true })
			srv.ChangeKey(prev.KID, func(k *emulator.Key) { k.Current, k.Previous = true, false })
		}, want: "it is the tenant's current or next key now"},
		"retired later than planned": {change: func(srv *emulator.Server, prev, _ emulator.Key) {
			srv.SetKeyDates(prev.KID, time.Now().Add(-20*24*time.Hour), time.Now().Add(-time.Hour))
		}, want: "it was not retired 168h0m0s ago"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startTenantWithHistory(t)
			prev, current := keyIn(t, srv, previousKey), keyIn(t, srv, currentKey)
			// A policy that never revokes is in place; the reviewed plan
			// makes it revoke keys retired a week ago.
			cli := acctest.ProviderCLI(t, policyRevokingAfterAVariable(srv))
			if out, err := cli.Apply(); err != nil {
				t.Fatalf("apply: %v\n%s", err, out)
			}
			if out, err := cli.Plan(tfexec.Out("reviewed.tfplan"), tfexec.Var("revoke_after=168h")); err != nil || !planRevokes(srv, prev).MatchString(out) {
				t.Fatalf("the plan (err %v) must revoke %s:\n%s", err, prev.KID, out)
			}
			tc.change(srv, prev, current)
			out, err := cli.Apply(tfexec.DirOrPlan("reviewed.tfplan"))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("apply: %v\n%s", err, out)
			case tc.want != "" && (err == nil || !acctest.Diagnostic("Cannot revoke a signing key the policy found due",
				"Signing key "+prev.KID+" of Auth0 tenant "+srv.Domain()+" was not revoked: "+tc.want, "The next plan proposes it again while it is due.").MatchString(out)):
				t.Fatalf("the apply (err %v) must refuse the revocation, saying %q:\n%s", err, tc.want, out)
			}
			if n := srv.Count(emulator.OpRevoke); n != 0 || srv.Revocations() != 0 {
				t.Fatalf("%d revoke calls and %d revocations; want none", n, srv.Revocations())
			}
			// None of these keys is due any more: the next plan, reading
			// the tenant, does not propose it again.
			out, err = cli.Plan(tfexec.Var("revoke_after=168h"))
			if err != nil || planRevokes(srv, prev).MatchString(out) {
				t.Fatalf("the next plan (err %v) proposes revoking %s again:\n%s", err, prev.KID, out)
			}
		})
	}
}

// planRevokes matches the warning by which a policy's plan names key k of
// srv's tenant as one it revokes.
func planRevokes(srv *emulator.Server, k emulator.Key) *regexp.Regexp {
	return acctest.Diagnostic("Signing key " + k.KID + " (fingerprint " + k.Fingerprint + ") of Auth0 tenant " + srv.Domain() + " is revoked")
}

// TestRotationPolicy_oneRefusedRevocationLeavesTheOthers applies a policy
// that revokes two keys, the first revoke call refused: the other key is
// still revoked, the error names the refused key and why, and the next
// plan proposes the refused key alone.
func TestRotationPolicy_oneRefusedRevocationLeavesTheOthers(t *testing.T) {
	parallelAcceptanceTest(t)
	srv, prev, current, cli := twoRevocationsDue(t)
	srv.InjectFault(emulator.Fault{Op: emulator.OpRevoke, Status: http.StatusBadRequest, Message: "The key cannot be revoked."})
	out, err := cli.Apply()
	if err == nil {
		t.Fatalf("the apply with a refused revoke call succeeded:\n%s", out)
	}
	refused, revoked := prev, current
	if k, _ := srv.Key(prev.KID); k.Revoked {
		refused, revoked = current, prev
	}
	if k, _ := srv.Key(revoked.KID); !k.Revoked || srv.Count(emulator.OpRevoke) != 2 || srv.Revocations() != 1 {
		t.Fatalf("%d revoke calls, %d revocations, %s revoked: %v; want both keys tried and one revoked:\n%s",
			srv.Count(emulator.OpRevoke), srv.Revocations(), revoked.KID, k.Revoked, out)
	}
	if !acctest.Diagnostic("Cannot revoke a signing key the policy found due", "Signing key "+refused.KID+" of Auth0 tenant "+srv.Domain()+
		" was not revoked: cannot revoke signing key "+refused.KID+": ", "The key cannot be revoked.").MatchString(out) ||
		strings.Contains(out, "Signing key "+revoked.KID+" of Auth0 tenant "+srv.Domain()+" was not revoked") {
		t.Fatalf("the apply must report %s alone as not revoked, with its own cause:\n%s", refused.KID, out)
	}
	out, err = cli.Plan()
	if err != nil || !planRevokes(srv, refused).MatchString(out) || planRevokes(srv, revoked).MatchString(out) {
		t.Fatalf("the next plan (err %v) must propose revoking %s alone:\n%s", err, refused.KID, out)
	}
}

// TestRotationPolicy_inconsistentListFailsAtPlan makes the tenant list a
// key twice once the policy exists: a plan with nothing due still passes,
// and a plan that would act on such a list fails, naming it, with nothing
// sent.
func TestRotationPolicy_inconsistentListFailsAtPlan(t *testing.T) {
	srv := startTenantWithHistory(t)
	prev := keyIn(t, srv, previousKey)
	neverRevokes := acctest.ProviderBlock(srv) + policy(`rotate_after = "2160h"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: neverRevokes},
			{
				PreConfig: func() {
					srv.ListTwice(prev.KID, func(k *emulator.Key) { k.Previous, k.Next = false, true })
				},
				Config:           neverRevokes,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: acctest.ProviderBlock(srv) + policy(`rotate_after = "2160h"`, `revoke_after = "168h"`),
				ExpectError: acctest.Diagnostic("The tenant's key list is inconsistent", "Auth0 tenant "+srv.Domain()+
					": the tenant's list of signing keys is inconsistent:", "The policy cannot decide what is due."),
			},
		},
	})
	if n := srv.Count(emulator.OpRevoke) + srv.Count(emulator.OpRotate); n != 0 || srv.Revocations() != 0 {
		t.Fatalf("%d writes were sent", n)
	}
}

// TestRotationPolicy_createdOnAnInconsistentListFailsAtPlan creates a
// policy on a tenant that lists a key twice: the plan fails, naming the
// key, even with nothing due, since every later plan would start from
// what this one records.
func TestRotationPolicy_createdOnAnInconsistentListFailsAtPlan(t *testing.T) {
	srv := startTenantWithHistory(t)
	prev := keyIn(t, srv, previousKey)
	srv.ListTwice(prev.KID, func(k *emulator.Key) { k.Previous, k.Next = false, true })
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + policy(`rotate_after = "2160h"`),
			ExpectError: acctest.Diagnostic("The tenant's key list is inconsistent", "Auth0 tenant "+srv.Domain()+
				": the tenant's list of signing keys is inconsistent: kid "+prev.KID+" is listed 2 times (next; previous); 2 keys are flagged next",
				"The policy cannot decide what is due."),
		}},
	})
	if n := srv.Count(emulator.OpRevoke) + srv.Count(emulator.OpRotate); n != 0 {
		t.Fatalf("%d writes were sent", n)
	}
}

// TestRotationPolicy_savedPlanDoesWhatItNamed applies a reviewed plan
// after a second key's revocation became due: the apply revokes the key
// the plan named and no other, and the next plan proposes the second.
func TestRotationPolicy_savedPlanDoesWhatItNamed(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenantWithHistory(t)
	named := keyIn(t, srv, previousKey) // retired ten days ago
	current := keyIn(t, srv, currentKey)
	cli := acctest.ProviderCLI(t, policyRevokingAfterAVariable(srv))
	if _, err := cli.Apply(); err != nil { // a policy that never revokes
		t.Fatal(err)
	}
	// The current key is retired too: it becomes a previous key whose
	// revocation is due with revoke_after = "1h" 12 seconds from now,
	// time enough for the plan's refresh on a loaded machine.
	retiredAt := time.Now().Add(-time.Hour + 12*time.Second).Truncate(time.Second)
	if _, err := srv.Rotate(); err != nil {
		t.Fatal(err)
	}
	if !srv.SetKeyDates(current.KID, time.Now().Add(-10*24*time.Hour), retiredAt) {
		t.Fatal("no current key to date")
	}
	out, err := cli.Plan(tfexec.Out("reviewed.tfplan"), tfexec.Var("revoke_after=1h"))
	if err != nil || !planRevokes(srv, named).MatchString(out) || planRevokes(srv, current).MatchString(out) {
		t.Fatalf("the plan (err %v) must revoke %s alone, not %s, which is not due yet:\n%s", err, named.KID, current.KID, out)
	}
	time.Sleep(time.Until(retiredAt.Add(time.Hour + time.Second)))
	srv.ResetRequests()
	if out, err := cli.Apply(tfexec.DirOrPlan("reviewed.tfplan")); err != nil {
		t.Fatalf("the reviewed plan did not apply once a second key was due:\n%s", out)
	}
	if k, _ := srv.Key(named.KID); !k.Revoked || srv.Count(emulator.OpRevoke) != 1 || srv.Revocations() != 1 {
		t.Fatalf("the apply sent %d revoke calls (%d revocations); want %s alone revoked", srv.Count(emulator.OpRevoke), srv.Revocations(), named.KID)
	}
	out, err = cli.Plan(tfexec.Var("revoke_after=1h"))
	if err != nil || !planRevokes(srv, current).MatchString(out) {
		t.Fatalf("the next plan (err %v) must propose revoking %s:\n%s", err, current.KID, out)
	}
}

// TestRotationPolicy_planWithoutRefreshDecidesAsOfTheLastApply dates the
// current key of an adopted policy's tenant back past rotate_after: a plan
// made with -refresh=false reads nothing and proposes nothing, as of the
// state the apply left; a plan that refreshes proposes the rotation.
func TestRotationPolicy_planWithoutRefreshDecidesAsOfTheLastApply(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenantWithHistory(t)
	current, next := currentAndNext(t, srv)
	cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+policy(`rotate_after = "2160h"`))
	if out, err := cli.Apply(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if !srv.SetKeyDates(current.KID, time.Now().Add(-100*24*time.Hour), time.Time{}) {
		t.Fatal("no current key to date")
	}
	srv.ResetRequests()
	out, err := cli.Plan(tfexec.Refresh(false))
	if err != nil || !strings.Contains(out, "No changes.") || len(srv.Requests()) != 0 {
		t.Fatalf("the plan without refresh (err %v) made %d requests, and must be empty:\n%s", err, len(srv.Requests()), out)
	}
	out, err = cli.Plan()
	if err != nil || !acctest.Diagnostic("Auth0 tenant "+srv.Domain()+" rotates: "+next.KID+" becomes current.").MatchString(out) {
		t.Fatalf("the refreshed plan (err %v) must rotate to %s:\n%s", err, next.KID, out)
	}
	if srv.Rotations() != 0 {
		t.Fatalf("planning rotated the tenant %d times", srv.Rotations())
	}
}

// TestRotationPolicy_freeTenantWithManyApplications applies a due policy
// with revoke_after = "auto" on a free tenant (a burst of 10, 2 requests a
// second) with 1,000 applications and 50 APIs: the plan and the apply
// read them page by page, run the tenant's rate limit down, wait for it,
// and rotate once and revoke once.
func TestRotationPolicy_freeTenantWithManyApplications(t *testing.T) {
	parallelAcceptanceTest(t)
	opts := devenv.LargeTenant()
	opts.RateLimit = emulator.FreeTenantRateLimit()
	srv := startTenant(t, opts)
	prev := keyIn(t, srv, previousKey)
	cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+policy(`rotate_after = "24h"`, `revoke_after = "auto"`))
	if out, err := cli.Apply(); err != nil {
		t.Fatalf("the apply failed on a free tenant:\n%s", out)
	}
	if err := wantBucketEmptied(srv); err != nil {
		t.Fatal(err)
	}
	if k, _ := srv.Key(prev.KID); srv.Rotations() != 1 || srv.Revocations() != 1 || !k.Revoked {
		t.Fatalf("%d rotations and %d revocations (%s revoked: %v); want one each", srv.Rotations(), srv.Revocations(), prev.KID, k.Revoked)
	}
}

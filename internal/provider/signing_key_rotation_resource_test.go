package provider_test

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
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

const rotationName = "auth0keys_signing_key_rotation.this"

func rotation(extra ...string) string {
	body := ""
	for _, e := range extra {
		body += "  " + e + "\n"
	}
	return "resource \"auth0keys_signing_key_rotation\" \"this\" {\n" + body + "}\n"
}

// importBlock is an import block that imports id into the resource at
// address to.
func importBlock(to, id string) string {
	return fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", to, id)
}

// keysChangedSincePlan is the error of an apply whose check right before
// the rotate call found that the tenant, planned to rotate from current
// to next, has rotated to next since; notSent says what was not sent.
func keysChangedSincePlan(srv *emulator.Server, current, next emulator.Key, notSent string) *regexp.Regexp {
	return acctest.Diagnostic("The tenant's signing keys changed since the plan",
		"The plan rotates Auth0 tenant "+srv.Domain()+" from current key "+current.KID+" and next key "+next.KID+", but the tenant now has current key "+next.KID,
		notSent)
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
	srv := startTenant(t, emulator.Options{})
	current, next := currentAndNext(t, srv)
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
					plancheck.ExpectUnknownValue(rotationName, tfjsonpath.New("next_kid")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("min_rotation_interval"), knownvalue.StringExact("1h")),
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
				// New triggers mean a new rotation; the tenant rotated
				// moments ago, which min_rotation_interval = "0s" allows.
				Config: acctest.ProviderBlock(srv) + rotation(`triggers = { schedule = "2026-12" }`, `min_rotation_interval = "0s"`),
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

// rotateThenRevoke rotates and revokes the key the rotation retires, in
// one apply, and outputs what the state records.
func rotateThenRevoke(srv *emulator.Server, extra ...string) string {
	return acctest.ProviderBlock(srv, extra...) + rotation() + `
resource "auth0keys_signing_key_revocation" "old" {
  kid          = auth0keys_signing_key_rotation.this.previous_kid
  grace_period = "0s"
}

output "current_kid" {
  value = auth0keys_signing_key_rotation.this.current_kid
}
`
}

// wantRotatedOnceAndRevoked checks the tenant after a rotate-then-revoke:
// exactly one rotation, the key that was current revoked, and the state's
// current_kid naming the tenant's current key.
func wantRotatedOnceAndRevoked(srv *emulator.Server, wasCurrent string, stateCurrent string) error {
	if n := srv.Rotations(); n != 1 {
		return fmt.Errorf("the tenant rotated %d times, want exactly once", n)
	}
	if k, _ := srv.Key(wasCurrent); !k.Revoked {
		return fmt.Errorf("the key that was current, %s, is not revoked", wasCurrent)
	}
	if current, _ := srv.KeyWhere(func(k emulator.Key) bool { return k.Current }); current.KID != stateCurrent {
		return fmt.Errorf("the state's current_kid is %s, the tenant's current key is %s", stateCurrent, current.KID)
	}
	return nil
}

// TestRotation_planWarningsNameTheKeys plans a rotation, the revocation of
// the key it retires and the revocation of an older key: each act's
// warning names its keys, with fingerprints where the key is known, and
// the plan sends no write.
func TestRotation_planWarningsNameTheKeys(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenantWithHistory(t)
	current, next := currentAndNext(t, srv)
	prev := keyIn(t, srv, previousKey)
	config := rotateThenRevoke(srv) + strings.Replace(revocation(prev.KID, `grace_period = "0s"`), `"old"`, `"older"`, 1)
	out, err := acctest.ProviderCLI(t, config).Plan()
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	domain := srv.Domain()
	for _, want := range [][]string{
		{"This plan rotates the tenant's signing key", "Applying this plan rotates Auth0 tenant " + domain + ": the next key " + next.KID +
			" becomes current and the current key " + current.KID + " is retired."},
		{"Tokens signed with the current key will stop validating", "Applying this plan revokes signing key " + current.KID +
			" (fingerprint " + current.Fingerprint + ") of Auth0 tenant " + domain + " right after the rotation in this plan retires it."},
		{"Tokens signed with this key will stop validating", "Applying this plan revokes signing key " + prev.KID +
			" (fingerprint " + prev.Fingerprint + ") in Auth0 tenant " + domain + "."},
	} {
		if !acctest.Diagnostic(want...).MatchString(out) {
			t.Errorf("the plan does not warn %q:\n%s", want, out)
		}
	}
	if n := srv.Count(emulator.OpRotate) + srv.Count(emulator.OpRevoke); n != 0 || srv.Rotations()+srv.Revocations() != 0 {
		t.Fatalf("the plan sent %d writes", n)
	}
}

// TestRotation_refusedAtPlanWithNothingSent plans a rotation of a tenant
// with no next key, and imports with a kid no tenant can have: each fails
// at plan, naming the problem, and no key is listed, rotated or revoked.
func TestRotation_refusedAtPlanWithNothingSent(t *testing.T) {
	parallelAcceptanceTest(t)
	tests := map[string]struct {
		keys   []emulator.KeySpec
		config string
		want   []string
		lists  int
	}{
		"no next key": {
			keys: []emulator.KeySpec{{Current: true}}, config: rotation(),
			want: []string{"The tenant has no next signing key", "lists no next key, so there is nothing to rotate to."}, lists: 1,
		},
		"a rotation imported by a path": {
			config: rotation() + importBlock("auth0keys_signing_key_rotation.this", "../x"),
			want:   []string{"Invalid import ID", "Import a rotation by the kid it made current:"},
		},
		"a revocation imported by a path": {
			config: revocation("abc") + importBlock(revocationName, "a/b"),
			want:   []string{"Invalid import ID", "Import a revocation by the key's kid:"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startTenant(t, emulator.Options{Keys: tc.keys})
			out, err := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+tc.config).Plan()
			if err == nil || !acctest.Diagnostic(tc.want...).MatchString(out) {
				t.Fatalf("the plan (err %v) must say %q:\n%s", err, tc.want, out)
			}
			if err := wantCalls(srv, map[emulator.Operation]int{emulator.OpList: tc.lists, emulator.OpGet: 0, emulator.OpRotate: 0, emulator.OpRevoke: 0}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestRotation_thenRevokeItsPreviousKeyInOneApply(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	current, next := currentAndNext(t, srv)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotateThenRevoke(srv),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocationName, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(revocationName, tfjsonpath.New("kid"), knownvalue.StringExact(current.KID)),
					plancheck.ExpectKnownValue(revocationName, tfjsonpath.New("fingerprint"), knownvalue.StringExact(current.Fingerprint)),
					plancheck.ExpectUnknownValue(revocationName, tfjsonpath.New("current_until")),
					plancheck.ExpectKnownValue(rotationName, tfjsonpath.New("current_kid"), knownvalue.StringExact(next.KID)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(revocationName, tfjsonpath.New("current_until"), knownvalue.NotNull()),
				},
				Check: func(*terraform.State) error {
					if err := wantRotatedOnceAndRevoked(srv, current.KID, next.KID); err != nil {
						return err
					}
					return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1, emulator.OpRevoke: 1})
				},
			},
			{
				Config:           rotateThenRevoke(srv),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestRotation_thenRevokeOnATenantAtItsRateLimit rotates and revokes on a
// tenant whose rate limit holds two Management API requests and refills
// two a second, as a free tenant's does once its burst is spent: the
// provider waits for the bucket (its reads by the tenant's headers, a
// write the tenant refused with a 429 after checking again), and the
// tenant rotates once and revokes once.
func TestRotation_thenRevokeOnATenantAtItsRateLimit(t *testing.T) {
	srv := startTenant(t, emulator.Options{RateLimit: emulator.RateLimit{Burst: 2, PerSecond: 2}})
	current, next := currentAndNext(t, srv)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: rotateThenRevoke(srv),
			Check: func(*terraform.State) error {
				if err := wantBucketEmptied(srv); err != nil {
					return err
				}
				return wantRotatedOnceAndRevoked(srv, current.KID, next.KID)
			},
		}},
	})
}

// TestRotation_thenRevokeWithGracePeriodKnownOnlyAtApply takes the
// revocation's grace_period from another resource: the plan names the
// key the rotation retires and its certificate, and the apply rotates once
// and revokes it.
func TestRotation_thenRevokeWithGracePeriodKnownOnlyAtApply(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	current, next := currentAndNext(t, srv)
	config := strings.Replace(rotateThenRevoke(srv), `grace_period = "0s"`, "grace_period = terraform_data.grace.output", 1) +
		knownOnlyAtApply("grace", "0s")
	wantPlanSays(t, config, "Warning: Tokens signed with the current key will stop validating",
		"Applying this plan revokes signing key "+current.KID+" (fingerprint "+current.Fingerprint+")",
		"grace_period is known only at apply: the apply checks it before the revoke call")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(revocationName, tfjsonpath.New("kid"), knownvalue.StringExact(current.KID)),
				plancheck.ExpectKnownValue(revocationName, tfjsonpath.New("fingerprint"), knownvalue.StringExact(current.Fingerprint)),
			}},
			Check: func(*terraform.State) error {
				if err := wantRotatedOnceAndRevoked(srv, current.KID, next.KID); err != nil {
					return err
				}
				return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1, emulator.OpRevoke: 1})
			},
		}},
	})
}

// wantBucketEmptied checks that a test ran the tenant's rate limit down:
// some request was served with the last request the bucket held.
func wantBucketEmptied(srv *emulator.Server) error {
	for _, r := range srv.Requests() {
		if r.EmptiedBucket {
			return nil
		}
	}
	return fmt.Errorf("the tenant's rate limit never ran out in %d requests: %v", len(srv.Requests()), srv.Requests())
}

// TestRotation_revocationWithGracePeriodOfAKeyTheSamePlanRetires revokes
// the key a rotation in the same plan retires, with a grace period that
// key cannot have served: a duration, "auto", and "auto" by default. The
// plan fails, pointing at grace_period, and nothing is sent.
func TestRotation_revocationWithGracePeriodOfAKeyTheSamePlanRetires(t *testing.T) {
	parallelAcceptanceTest(t)
	tests := map[string]struct{ setting, shown string }{
		"a duration":  {`grace_period = "24h"`, "24h"},
		"auto":        {`grace_period = "auto"`, "auto"},
		"the default": {"", "auto"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := startTenant(t, emulator.Options{})
			current := keyIn(t, srv, currentKey)
			want := []string{"The signing key is retired by this plan", tc.setting, "Signing key " + current.KID + " is the current key until the " +
				"rotation in this plan retires it, so it cannot have been retired for grace_period " + tc.shown + " when this plan revokes it."}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      strings.Replace(rotateThenRevoke(srv), `grace_period = "0s"`, tc.setting, 1),
					ExpectError: acctest.Diagnostic(want...),
				}},
			})
			if err := wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 0, emulator.OpRevoke: 0}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestRotation_lostAnswers loses the rotate call's answer in each way a
// network can after the tenant rotated; applying again until the apply
// succeeds must leave exactly one rotation and the retired key revoked.
func TestRotation_lostAnswers(t *testing.T) {
	parallelAcceptanceTest(t)
	faults := map[string]emulator.Fault{
		"dropped after processing": {Drop: true},
		"504 after processing":     {Status: http.StatusGatewayTimeout},
		"unreadable 201":           {Unreadable: true},
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startTenant(t, emulator.Options{})
			current := keyIn(t, srv, currentKey)
			fault.Op, fault.AfterProcessing = emulator.OpRotate, true
			srv.InjectFault(fault)
			cli := acctest.ProviderCLI(t, rotateThenRevoke(srv))
			out := applyUntilSuccess(t, cli, 3)
			if !strings.Contains(out, "Auth0's answer to the rotation was lost; the tenant rotated") {
				t.Errorf("the apply did not warn that the answer was lost:\n%s", out)
			}
			if err := wantRotatedOnceAndRevoked(srv, current.KID, outputOf(t, cli, "current_kid")); err != nil {
				t.Fatal(err)
			}
			if err := wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1, emulator.OpRevoke: 1}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestRotation_interruptedDuringASlowAnswer sends SIGINT to terraform while
// the tenant, having rotated, holds its answer back.
func TestRotation_interruptedDuringASlowAnswer(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenant(t, emulator.Options{})
	current := keyIn(t, srv, currentKey)
	srv.InjectFault(emulator.Fault{Op: emulator.OpRotate, AfterProcessing: true, Delay: 20 * time.Second})
	cli := acctest.ProviderCLI(t, rotateThenRevoke(srv))
	out := applyInterruptedOnce(t, cli, func() bool { return srv.Rotations() > 0 })
	if !strings.Contains(out, "Auth0's answer to the rotation was lost; the tenant rotated") {
		t.Errorf("the interrupted apply did not record the rotation:\n%s", out)
	}
	applyUntilSuccess(t, cli, 2)
	if err := wantRotatedOnceAndRevoked(srv, current.KID, outputOf(t, cli, "current_kid")); err != nil {
		t.Fatal(err)
	}
	if err := wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1, emulator.OpRevoke: 1}); err != nil {
		t.Fatal(err)
	}
}

// applyInterruptedOnce starts terraform apply, sends it SIGINT once done
// reports true, and returns what it printed; it fails the test when the
// apply exits 0.
func applyInterruptedOnce(t *testing.T, cli devenv.CLI, done func() bool) string {
	t.Helper()
	cmd := cli.Command("apply", "-input=false", "-auto-approve", "-no-color")
	var output strings.Builder
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for !done() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		t.Fatalf("the interrupted apply exited 0:\n%s", output.String())
	}
	return output.String()
}

// TestRotation_lostAnswerAndFailedReadNeverRotateTwice loses the rotate
// call's answer after the tenant rotated, and the read that would settle
// it fails too: the apply fails saying the outcome is unknown, and the next
// plan refuses to rotate again and says to import the rotation.
func TestRotation_lostAnswerAndFailedReadNeverRotateTwice(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenant(t, emulator.Options{})
	_, next := currentAndNext(t, srv)
	cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv, "max_retries = 1")+rotation())
	if out, err := cli.Plan(tfexec.Out("reviewed.tfplan")); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	// Applying the saved plan lists the keys twice before the rotate call:
	// the final plan, and the check right before the call. Every read
	// after the call fails.
	srv.InjectFault(emulator.Fault{Op: emulator.OpRotate, Drop: true, AfterProcessing: true})
	srv.InjectFault(emulator.Fault{Op: emulator.OpList, Skip: 2, Status: http.StatusServiceUnavailable, Times: 2})
	out, err := cli.Apply(tfexec.DirOrPlan("reviewed.tfplan"))
	if err == nil || !acctest.Diagnostic("The rotation's outcome is unknown", "reading the tenant afterwards failed too",
		"Auth0 may have rotated: "+next.KID+" may be current now. Do not rotate again").MatchString(out) {
		t.Fatalf("the apply (err %v) must say the rotation's outcome is unknown:\n%s", err, out)
	}
	out, err = cli.Plan()
	if err == nil || !acctest.Diagnostic("The tenant rotated too recently", "The current signing key "+next.KID,
		"import it by kid (an import block with id = \""+next.KID+"\"").MatchString(out) {
		t.Fatalf("the next plan (err %v) must refuse a second rotation:\n%s", err, out)
	}
	if err := wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1}); err != nil || srv.Rotations() != 1 {
		t.Fatalf("%v; %d rotations, want 1", err, srv.Rotations())
	}
}

// TestRotation_lostAnswerAndAnInconsistentList loses the rotate call's
// answer after the tenant rotated, and the tenant's list, read to settle
// it, names a key twice: the apply says the outcome is unknown and what to
// do, and sends nothing again.
func TestRotation_lostAnswerAndAnInconsistentList(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenant(t, emulator.Options{})
	current, next := currentAndNext(t, srv)
	srv.InjectFault(emulator.Fault{Op: emulator.OpRotate, AfterProcessing: true, Delay: 2 * time.Second, Drop: true})
	// While the answer is held back, the list starts naming the key the
	// rotation retired twice.
	listed := make(chan bool)
	go func() {
		deadline := time.Now().Add(time.Minute)
		for srv.Rotations() == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		listed <- srv.ListTwice(current.KID, func(k *emulator.Key) { k.Current = true })
	}()
	out, err := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+rotation()).Apply()
	if !<-listed {
		t.Fatal("the key to list twice is gone")
	}
	if err == nil || !acctest.Diagnostic("The rotation's outcome is unknown", "the tenant's list of keys afterwards cannot be trusted",
		"Auth0 may have rotated: "+next.KID+" may be current now. Do not rotate again before checking the tenant's keys",
		"import this rotation by kid "+next.KID+".").MatchString(out) {
		t.Fatalf("the apply (err %v) must say the rotation's outcome is unknown:\n%s", err, out)
	}
	if err := wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1}); err != nil || srv.Rotations() != 1 {
		t.Fatalf("%v; %d rotations, want 1", err, srv.Rotations())
	}
}

// applyUntilSuccess applies up to tries times and returns the output of
// every apply; it fails the test when none exits 0.
func applyUntilSuccess(t *testing.T, cli devenv.CLI, tries int) string {
	t.Helper()
	var all strings.Builder
	for range tries {
		out, err := cli.Apply()
		all.WriteString(out)
		if err == nil {
			return all.String()
		}
	}
	t.Fatalf("no apply of %d succeeded:\n%s", tries, all.String())
	return ""
}

// wantEmptyPlan plans, with opts, and fails the test unless the plan is
// empty; what names the plan in the failure.
func wantEmptyPlan(t *testing.T, cli devenv.CLI, what string, opts ...tfexec.PlanOption) {
	t.Helper()
	if out, err := cli.Plan(opts...); err != nil || !strings.Contains(out, "No changes.") {
		t.Fatalf("%s (err %v) is not empty:\n%s", what, err, out)
	}
}

// wantPlanSays plans config and fails the test unless the plan succeeds
// and says texts, in order.
func wantPlanSays(t *testing.T, config string, texts ...string) {
	t.Helper()
	out, err := acctest.ProviderCLI(t, config).Plan()
	if want := acctest.Diagnostic(texts...); err != nil || !want.MatchString(out) {
		t.Fatalf("the plan (err %v) must say %s:\n%s", err, want, out)
	}
}

// knownOnlyAtApply is a terraform_data resource whose output, value, is
// unknown until apply: a setting taken from it is known only then.
func knownOnlyAtApply(name, value string) string {
	return fmt.Sprintf("resource \"terraform_data\" %q {\n  input = %q\n}\n\n", name, value)
}

// providerKnownOnlyAtApply configures the provider for srv's tenant with
// a domain known only at apply.
func providerKnownOnlyAtApply(srv *emulator.Server) string {
	c := emulator.DefaultClient()
	return knownOnlyAtApply("tenant", srv.Domain()) + fmt.Sprintf("provider \"auth0keys\" {\n  domain        = terraform_data.tenant.output\n"+
		"  client_id     = %q\n  client_secret = %q\n}\n", c.ID, c.Secret)
}

// outputOf reads an output of the configuration's state.
func outputOf(t *testing.T, cli devenv.CLI, name string) string {
	t.Helper()
	value, err := cli.StringOutput(name)
	if err != nil {
		t.Fatal(err)
	}
	return value
}

func TestRotation_notRotatedWhenAnAnswerIsLostBeforeProcessing(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	current, next := currentAndNext(t, srv)
	srv.InjectFault(emulator.Fault{Op: emulator.OpRotate, Status: http.StatusBadGateway})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderBlock(srv) + rotation(),
				ExpectError: acctest.Diagnostic("Cannot rotate the signing key",
					"The rotate call got no usable answer (cannot rotate the signing key: Auth0 tenant "+srv.Domain()+" answered 502 (Injected fault)).",
					"Reading the tenant shows it did not rotate: "+current.KID+" is still current and "+next.KID+" still next.",
					"No rotation happened, and applying again is safe."),
			},
			{
				Config: acctest.ProviderBlock(srv) + rotation(),
				Check: func(*terraform.State) error {
					if n := srv.Rotations(); n != 1 {
						return fmt.Errorf("the tenant rotated %d times, want once", n)
					}
					return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 2})
				},
			},
		},
	})
}

// TestRotation_refusedByTheTenantsDailyLimit rotates a tenant whose plan
// allows one rotation a day, already made in the dashboard: Auth0 answers
// 429 with a reset hours away, so the apply sends the call once, does not
// wait, and says that nothing rotated and when to try again.
func TestRotation_refusedByTheTenantsDailyLimit(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	srv.LimitRotationsPerDay(1)
	if _, err := srv.Rotate(); err != nil {
		t.Fatal(err)
	}
	current, next := currentAndNext(t, srv)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + rotation(`min_rotation_interval = "0s"`),
			ExpectError: acctest.Diagnostic("Cannot rotate the signing key",
				"cannot rotate the signing key: Auth0 tenant "+srv.Domain()+" is rate limiting requests (429: Rate limit of signing key rotations has been reached",
				"after this operation's time runs out, so it was not waited for; Auth0 carried out none of the tries.",
				"Raise create in the timeouts block, or try again after the reset.",
				"No rotation was carried out: Auth0 refused the call, so the tenant's keys are as they were and applying again is safe."),
		}},
	})
	if err := wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1}); err != nil {
		t.Fatal(err)
	}
	if c, n := currentAndNext(t, srv); srv.Rotations() != 1 || c.KID != current.KID || n.KID != next.KID {
		t.Fatalf("the tenant rotated %d times, to current key %s and next %s (want 1, %s and %s)", srv.Rotations(), c.KID, n.KID, current.KID, next.KID)
	}
}

func TestRotation_failedRevocationExitsNonZeroAndIsProposedAlone(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	current, next := currentAndNext(t, srv)
	config := rotateThenRevoke(srv, "max_retries = 1")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					srv.InjectFault(emulator.Fault{Op: emulator.OpRevoke, Status: http.StatusInternalServerError, Times: 2})
				},
				Config:      config,
				ExpectError: acctest.Diagnostic("Cannot revoke the signing key", "cannot revoke signing key "+current.KID),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationName, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(revocationName, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(revocationName, tfjsonpath.New("kid"), knownvalue.StringExact(current.KID)),
				}},
				Check: func(*terraform.State) error {
					if err := wantRotatedOnceAndRevoked(srv, current.KID, next.KID); err != nil {
						return err
					}
					return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1, emulator.OpRevoke: 3})
				},
			},
		},
	})
}

func TestRotation_rateLimitsOnEveryEndpoint(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	current, next := currentAndNext(t, srv)
	limited := []emulator.Operation{emulator.OpToken, emulator.OpList, emulator.OpRotate, emulator.OpRevoke}
	for _, op := range limited {
		srv.InjectFault(emulator.Fault{Op: op, Status: http.StatusTooManyRequests, ResetIn: time.Second, RetryAfter: op == emulator.OpRotate})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: rotateThenRevoke(srv),
			Check: func(*terraform.State) error {
				if err := served429(srv, limited...); err != nil {
					return err
				}
				if err := wantRotatedOnceAndRevoked(srv, current.KID, next.KID); err != nil {
					return err
				}
				return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 2, emulator.OpRevoke: 2})
			},
		}},
	})
}

func TestRotation_missingScopesAreRefusedAtPlan(t *testing.T) {
	c := emulator.DefaultClient()
	srv := startTenant(t, emulator.Options{Clients: []emulator.Client{{ID: c.ID, Secret: c.Secret, Scopes: []string{scopes.ReadSigningKeys}}}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + rotation(),
			ExpectError: acctest.Diagnostic("The credentials lack Management API scopes this apply needs",
				"auth0keys_signing_key_rotation needs the scopes read:signing_keys, create:signing_keys, update:signing_keys; the token for Auth0 tenant "+
					srv.Domain()+" lacks create:signing_keys, update:signing_keys. Grant create:signing_keys, update:signing_keys to the application",
				"Nothing was sent."),
		}},
	})
	if n := srv.Rotations(); n != 0 || srv.Count(emulator.OpRotate) != 0 {
		t.Fatalf("the tenant rotated without the scope")
	}
}

func TestRotation_twoInOnePlanAreRefused(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	next := keyIn(t, srv, nextKey)
	config := acctest.ProviderBlock(srv) + rotation() + "resource \"auth0keys_signing_key_rotation\" \"emergency\" {}\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ExpectError: acctest.Diagnostic("More than one rotation of the tenant in one plan",
				"This plan already rotates Auth0 tenant "+srv.Domain()+" ("+next.KID+" becomes current); a second auth0keys_signing_key_rotation would rotate it again",
				"Keep one rotation resource or policy per tenant"),
		}},
	})
	if n := srv.Rotations(); n != 0 || srv.Count(emulator.OpRotate) != 0 {
		t.Fatalf("the tenant rotated %d times", n)
	}
}

func TestRotation_minRotationInterval(t *testing.T) {
	keys := emulator.FreshTenant()
	since := time.Now().Add(-10 * time.Minute).UTC()
	keys[0].CurrentSince = since
	srv := startTenant(t, emulator.Options{Keys: keys})
	current := keyIn(t, srv, currentKey)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderBlock(srv) + rotation(),
				ExpectError: acctest.Diagnostic("The tenant rotated too recently",
					"The current signing key "+current.KID+" of Auth0 tenant "+srv.Domain()+" became current at "+since.Format(time.RFC3339),
					"less than min_rotation_interval 1h.",
					"import it by kid (an import block with id = \""+current.KID+"\", or terraform import ADDRESS "+current.KID+").",
					`To rotate once more anyway, set min_rotation_interval = "0s".`),
			},
			{
				PreConfig: func() {
					if n := srv.Count(emulator.OpRotate); n != 0 {
						t.Fatalf("the refused plan sent %d rotations", n)
					}
				},
				Config: acctest.ProviderBlock(srv) + rotation(`min_rotation_interval = "0s"`),
				Check: func(*terraform.State) error {
					return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1})
				},
			},
		},
	})
}

// TestRotation_minRotationIntervalKnownOnlyAtApply takes
// min_rotation_interval from another resource: the plan still names the
// keys the rotation moves, and the apply's final plan, with the interval
// known, refuses a tenant that rotated too recently before anything is
// sent.
func TestRotation_minRotationIntervalKnownOnlyAtApply(t *testing.T) {
	keys := emulator.FreshTenant()
	since := time.Now().Add(-10 * time.Minute).UTC()
	keys[0].CurrentSince = since
	srv := startTenant(t, emulator.Options{Keys: keys})
	current, next := currentAndNext(t, srv)
	config := func(interval string) string {
		return acctest.ProviderBlock(srv) + knownOnlyAtApply("interval", interval) + rotation("min_rotation_interval = terraform_data.interval.output")
	}
	namesTheKeys := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectKnownValue(rotationName, tfjsonpath.New("current_kid"), knownvalue.StringExact(next.KID)),
		plancheck.ExpectKnownValue(rotationName, tfjsonpath.New("previous_kid"), knownvalue.StringExact(current.KID)),
	}}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:           config("1h"),
				ConfigPlanChecks: namesTheKeys,
				ExpectError: acctest.Diagnostic("The tenant rotated too recently",
					"The current signing key "+current.KID+" of Auth0 tenant "+srv.Domain()+" became current at "+since.Format(time.RFC3339),
					"less than min_rotation_interval 1h."),
			},
			{
				PreConfig: func() {
					if n := srv.Count(emulator.OpRotate); n != 0 {
						t.Fatalf("the refused apply sent %d rotations", n)
					}
				},
				Config:           config("5m"),
				ConfigPlanChecks: namesTheKeys,
				Check: func(*terraform.State) error {
					return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1})
				},
			},
		},
	})
}

func TestRotation_import(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	current, next := currentAndNext(t, srv)
	// Rotated in the dashboard, or by an apply that was killed.
	queued, err := srv.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	config := acctest.ProviderBlock(srv) + rotation(`triggers = { reason = "incident" }`) +
		importBlock(rotationName, next.KID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationName, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("current_kid"), knownvalue.StringExact(next.KID)),
					statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("previous_kid"), knownvalue.StringExact(current.KID)),
					statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("next_kid"), knownvalue.StringExact(queued.KID)),
					statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("triggers"), knownvalue.MapExact(map[string]knownvalue.Check{
						"reason": knownvalue.StringExact("incident"),
					})),
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					if n := srv.Rotations(); n != 1 || srv.Count(emulator.OpRotate) != 0 {
						return fmt.Errorf("importing rotated the tenant: %d rotations", n)
					}
					return nil
				},
			},
		},
	})
}

// TestRotation_triggersAfterAnImportRotate imports a rotation without
// triggers and applies it once (a new min_rotation_interval): triggers
// added afterwards are new, and rotate the tenant, as on any rotation.
func TestRotation_triggersAfterAnImportRotate(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	_, next := currentAndNext(t, srv)
	queued, err := srv.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	noWait := `min_rotation_interval = "0s"`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderBlock(srv) + rotation(noWait) +
					importBlock(rotationName, next.KID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationName, plancheck.ResourceActionUpdate),
				}},
			},
			{
				Config: acctest.ProviderBlock(srv) + rotation(noWait, `triggers = { reason = "incident" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationName, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("id"), knownvalue.StringExact(queued.KID)),
					statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("current_kid"), knownvalue.StringExact(queued.KID)),
					statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("previous_kid"), knownvalue.StringExact(next.KID)),
				},
			},
		},
	})
	if n := srv.Count(emulator.OpRotate); n != 1 || srv.Rotations() != 2 {
		t.Fatalf("%d rotate calls, and %d rotations in all; want the one the triggers asked for, after the one imported", n, srv.Rotations())
	}
}

func TestRotation_importRefused(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	current, next := currentAndNext(t, srv)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:        acctest.ProviderBlock(srv) + rotation(),
				ResourceName:  rotationName,
				ImportState:   true,
				ImportStateId: next.KID,
				ExpectError: acctest.Diagnostic("Cannot import the rotation",
					"signing key "+next.KID+" has never been current, so no rotation made it current."),
			},
			{
				// A rate-limited import says what to do.
				PreConfig:     func() { srv.InjectFault(emulator.Fault{Op: emulator.OpList, Status: 429}) },
				Config:        acctest.ProviderBlock(srv, "max_retries = 0") + rotation(),
				ResourceName:  rotationName,
				ImportState:   true,
				ImportStateId: current.KID,
				ExpectError: acctest.Diagnostic("Cannot import the rotation", "is rate limiting requests",
					"Raise max_retries in the provider block, or try again after the reset."),
			},
		},
	})
	if n := srv.Rotations(); n != 0 {
		t.Fatalf("importing rotated the tenant %d times", n)
	}
}

// TestRotation_staleSavedPlanSendsNothing rotates the tenant in the
// dashboard between a reviewed plan and its apply. Within
// min_rotation_interval the apply's final plan refuses the rotation; with
// the check off, Terraform's own final plan check stops it.
func TestRotation_staleSavedPlanSendsNothing(t *testing.T) {
	parallelAcceptanceTest(t)
	tests := map[string]struct {
		interval string
		want     []string
	}{
		"within min_rotation_interval": {"1h", []string{"The tenant rotated too recently", "less than min_rotation_interval 1h"}},
		"min_rotation_interval 0s": {"0s", []string{"sends nothing if its keys changed since this plan; when applying a saved plan, Terraform then reports \"Provider produced inconsistent final plan\": plan again.",
			"Provider produced inconsistent final plan", "produced an invalid new value for .current_kid"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startTenant(t, emulator.Options{})
			cli := acctest.ProviderCLI(t, strings.Replace(rotateThenRevoke(srv), rotation(), rotation(`min_rotation_interval = "`+tc.interval+`"`), 1))
			if _, err := cli.Plan(tfexec.Out("reviewed.tfplan")); err != nil {
				t.Fatal(err)
			}
			if _, err := srv.Rotate(); err != nil {
				t.Fatal(err)
			}
			out, err := cli.Apply(tfexec.DirOrPlan("reviewed.tfplan"))
			if err == nil {
				t.Fatalf("the stale plan applied:\n%s", out)
			}
			for _, text := range tc.want { // Terraform orders the diagnostics as they arrive
				if want := acctest.Diagnostic(text); !want.MatchString(out) {
					t.Errorf("want %s in:\n%s", want, out)
				}
			}
			if n := srv.Count(emulator.OpRotate) + srv.Count(emulator.OpRevoke); n != 0 || srv.Rotations() != 1 {
				t.Fatalf("the stale plan sent %d writes", n)
			}
		})
	}
}

// TestRotation_comparesRightBeforeRotating rotates the tenant out of band
// between the apply's final plan and the rotate call.
func TestRotation_comparesRightBeforeRotating(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenant(t, emulator.Options{})
	current, next := currentAndNext(t, srv)
	cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+rotation())
	if _, err := cli.Plan(tfexec.Out("reviewed.tfplan")); err != nil {
		t.Fatal(err)
	}
	// The apply lists the keys twice: for its final plan, then right
	// before rotating. The dashboard rotates just before the second.
	srv.InjectFault(emulator.Fault{Op: emulator.OpList, Skip: 1, RotateFirst: true})
	out, err := cli.Apply(tfexec.DirOrPlan("reviewed.tfplan"))
	if err == nil {
		t.Fatal("the apply rotated a tenant whose keys changed")
	}
	want := keysChangedSincePlan(srv, current, next, "Nothing was sent: plan again")
	if !want.MatchString(out) {
		t.Fatalf("want %s in:\n%s", want, out)
	}
	if n := srv.Count(emulator.OpRotate); n != 0 || srv.Rotations() != 1 {
		t.Fatalf("%d rotate calls reached the tenant", n)
	}
}

// TestRotation_twoAppliesAtOnceRotateOnce applies, at the same moment, two
// saved plans that rotate one tenant from two working directories, as two
// pipelines might. Each rotate call is held three seconds before the
// tenant carries it out, long enough for the other apply to read the
// tenant meanwhile: only the per-tenant lock, which makes the read and the
// rotate call one step, keeps the second apply from rotating the tenant
// again. The tenant rotates once, and the other apply fails, sending
// nothing: in its last check, or in its final plan when it came later.
func TestRotation_twoAppliesAtOnceRotateOnce(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenant(t, emulator.Options{})
	current, next := currentAndNext(t, srv)
	config := acctest.ProviderBlock(srv) + rotation()
	clis := []devenv.CLI{acctest.ProviderCLI(t, config), acctest.ProviderCLI(t, config)}
	for _, cli := range clis {
		if out, err := cli.Plan(tfexec.Out("reviewed.tfplan")); err != nil {
			t.Fatalf("plan: %v\n%s", err, out)
		}
	}
	srv.InjectFault(emulator.Fault{Op: emulator.OpRotate, Times: 2, Delay: 3 * time.Second})
	outs, errs := make([]string, len(clis)), make([]error, len(clis))
	var applies sync.WaitGroup
	for i, cli := range clis {
		applies.Go(func() { outs[i], errs[i] = cli.Apply(tfexec.DirOrPlan("reviewed.tfplan")) })
	}
	applies.Wait()
	if n := srv.Count(emulator.OpRotate); n != 1 || srv.Rotations() != 1 {
		t.Fatalf("two applies at once sent %d rotate calls, and the tenant rotated %d times:\n%s\n%s", n, srv.Rotations(), outs[0], outs[1])
	}
	changed := keysChangedSincePlan(srv, current, next, "Nothing was sent: plan again")
	inconsistent := regexp.MustCompile(`Provider produced inconsistent final plan`)
	failed := 0
	for i, err := range errs {
		if err == nil {
			continue
		}
		failed++
		if !changed.MatchString(outs[i]) && !inconsistent.MatchString(outs[i]) {
			t.Errorf("the apply that did not rotate must say the keys changed since its plan:\n%s", outs[i])
		}
	}
	if failed != 1 {
		t.Fatalf("%d of the two applies failed, want 1:\n%s\n%s", failed, outs[0], outs[1])
	}
}

// TestRotation_comparesAgainBeforeResendingARateLimitedRotate rotates the
// tenant in the dashboard just as the apply's rotate call is rate limited:
// the 429 was not carried out, and the call is not sent again without a
// fresh look, which finds the keys changed.
func TestRotation_comparesAgainBeforeResendingARateLimitedRotate(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	current, next := currentAndNext(t, srv)
	srv.InjectFault(emulator.Fault{Op: emulator.OpRotate, Status: http.StatusTooManyRequests, ResetIn: time.Second, RotateFirst: true})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + rotation(),
			ExpectError: keysChangedSincePlan(srv, current, next,
				"Auth0 refused the rotate call without carrying it out (a rate limit or an expired token), and it was not sent again: plan again"),
		}},
	})
	if err := wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1}); err != nil || srv.Rotations() != 1 {
		t.Fatalf("the tenant rotated %d times, the dashboard's included (%v)", srv.Rotations(), err)
	}
}

// TestRotation_lostAnswerAfterAnOutOfBandRotation rotates the tenant in
// the dashboard just before the apply's rotate call, which the tenant then
// carries out too and whose answer is lost: reading the tenant shows keys
// moved otherwise than planned, so nothing is recorded and nothing is sent
// again.
func TestRotation_lostAnswerAfterAnOutOfBandRotation(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	_, next := currentAndNext(t, srv)
	srv.InjectFault(emulator.Fault{Op: emulator.OpRotate, RotateFirst: true, Drop: true, AfterProcessing: true})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + rotation(),
			ExpectError: acctest.Diagnostic("The tenant's signing keys moved otherwise than planned",
				"The plan made "+next.KID+" current; the tenant now has current key",
				"so something else rotated it too. No rotation is recorded: check the tenant's keys before applying again, "+
					"and import the rotation by kid if it stands for this one."),
		}},
	})
	if err := wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1}); err != nil || srv.Rotations() != 2 {
		t.Fatalf("%v; the tenant rotated %d times, want the dashboard's and the apply's", err, srv.Rotations())
	}
}

// TestRotation_outOfBandRotationDuringTheApply rotates the tenant from a
// local-exec between a revocation and the rotation of one apply.
func TestRotation_outOfBandRotationDuringTheApply(t *testing.T) {
	srv := startTenantWithHistory(t)
	prev := keyIn(t, srv, previousKey)
	config := acctest.ProviderBlock(srv) + revocation(prev.KID) + fmt.Sprintf(`
resource "terraform_data" "dashboard" {
  depends_on = [auth0keys_signing_key_revocation.old]
  provisioner "local-exec" {
    command = "curl -sSf --cacert \"$SSL_CERT_FILE\" -X POST %s/_emulator/rotate"
  }
}
`, srv.URL()) + rotation("depends_on = [terraform_data.dashboard]", `min_rotation_interval = "0s"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`Provider produced inconsistent final plan`),
		}},
	})
	if k, _ := srv.Key(prev.KID); !k.Revoked {
		t.Fatal("the revocation before the out-of-band rotation did not happen")
	}
	if n := srv.Count(emulator.OpRotate); n != 0 || srv.Rotations() != 1 {
		t.Fatalf("the provider sent %d rotations after the tenant rotated out of band", n)
	}
}

// TestRotation_dataSourceOnAnotherAliasAfterTheRotation reads the tenant on
// alias b before and after a rotation on alias a, in one apply.
func TestRotation_dataSourceOnAnotherAliasAfterTheRotation(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenant(t, emulator.Options{})
	current, next := currentAndNext(t, srv)
	cli := acctest.ProviderCLI(t, twoAliases(srv)+`
resource "terraform_data" "start" {
  input = "start"
}

data "auth0keys_signing_keys" "before" {
  provider   = auth0keys.b
  depends_on = [terraform_data.start]
}

resource "auth0keys_signing_key_rotation" "this" {
  provider   = auth0keys.a
  depends_on = [data.auth0keys_signing_keys.before]
}

data "auth0keys_signing_keys" "after" {
  provider   = auth0keys.b
  depends_on = [auth0keys_signing_key_rotation.this]
}

output "before" {
  value = data.auth0keys_signing_keys.before.current_kid
}

output "after" {
  value = data.auth0keys_signing_keys.after.current_kid
}
`)
	applyUntilSuccess(t, cli, 1)
	if got := outputOf(t, cli, "before"); got != current.KID {
		t.Errorf("alias b read current key %s before the rotation, want %s", got, current.KID)
	}
	if got := outputOf(t, cli, "after"); got != next.KID {
		t.Fatalf("alias b reads current key %s after the rotation on alias a, want %s", got, next.KID)
	}
}

// With the provider configured only at apply, nothing can be read at plan
// time: the rotation and the revocation check the tenant at apply instead.
func TestLifecycle_providerKnownOnlyAtApply(t *testing.T) {
	srv := startTenantWithHistory(t)
	current := keyIn(t, srv, currentKey)
	prev := keyIn(t, srv, previousKey)
	config := providerKnownOnlyAtApply(srv) + rotation() + revocation(prev.KID)
	wantPlanSays(t, config, "Warning: The rotation's keys are known only at apply", "so this plan cannot read the tenant or name the key "+
		"that becomes current. The apply reads the tenant right before the rotate call")
	wantPlanSays(t, config, "Warning: Tokens signed with this key will stop validating", "Signing key "+prev.KID+" is revoked in a tenant "+
		"known only at apply (the provider's configuration has values known only then), so this plan cannot show its certificate.")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(rotationName, tfjsonpath.New("previous_kid"), knownvalue.StringExact(current.KID)),
				statecheck.ExpectKnownValue(revocationName, tfjsonpath.New("fingerprint"), knownvalue.StringExact(prev.Fingerprint)),
			},
			Check: func(*terraform.State) error {
				if k, _ := srv.Key(prev.KID); !k.Revoked {
					return fmt.Errorf("key %s is not revoked", prev.KID)
				}
				return wantCalls(srv, map[emulator.Operation]int{emulator.OpRotate: 1, emulator.OpRevoke: 1})
			},
		}},
	})
}

func TestRotation_twoCurrentKeysAreRefused(t *testing.T) {
	srv := startTenantWithHistory(t)
	current := keyIn(t, srv, currentKey)
	prev := keyIn(t, srv, previousKey)
	srv.ChangeKey(prev.KID, func(k *emulator.Key) { k.Current = true })
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + rotation(),
			ExpectError: acctest.Diagnostic("Cannot rotate: the tenant's key list is inconsistent",
				"Auth0 tenant "+srv.Domain()+": the tenant's list of signing keys is inconsistent: 2 keys are flagged current: "+prev.KID+", "+current.KID+".",
				"so nothing is sent."),
		}},
	})
	if n := srv.Count(emulator.OpRotate); n != 0 || srv.Rotations() != 0 {
		t.Fatalf("%d rotate calls were sent", n)
	}
}

// TestRotation_twoAliasesOfOneTenantRefusedAtPlan plans a rotation on each
// of two provider configurations of one tenant. Terraform serves them in
// two processes; the plan sees both, fails, and nothing is sent.
func TestRotation_twoAliasesOfOneTenantRefusedAtPlan(t *testing.T) {
	parallelAcceptanceTest(t)
	srv, cli := rotationOnAliasA(t, `
resource "auth0keys_signing_key_rotation" "b" {
  provider = auth0keys.b
}
`)
	for _, run := range []func() (string, error){
		func() (string, error) { return cli.Plan() },
		func() (string, error) { return cli.Apply() },
	} {
		out, err := run()
		if err == nil {
			t.Fatalf("two rotations of one tenant were planned:\n%s", out)
		}
		if !acctest.Diagnostic("More than one rotation of the tenant in one plan",
			"Another provider configuration of Auth0 tenant", "already plans to rotate it in this run").MatchString(out) {
			t.Errorf("the plan did not name the second rotation:\n%s", out)
		}
	}
	if n := srv.Count(emulator.OpRotate); n != 0 || srv.Rotations() != 0 {
		t.Fatalf("%d rotate calls, %d rotations; want none", n, srv.Rotations())
	}
}

// TestRotation_twoAliasesOfOneTenantOneRotates applies a rotation on one
// provider configuration of a tenant and reads the tenant through another:
// the apply's final plan, in new processes, is not refused by the plan's
// record of the rotation.
func TestRotation_twoAliasesOfOneTenantOneRotates(t *testing.T) {
	parallelAcceptanceTest(t)
	srv, cli := rotationOnAliasA(t, `
data "auth0keys_signing_keys" "b" {
  provider   = auth0keys.b
  depends_on = [auth0keys_signing_key_rotation.a]
}

output "current_kid" {
  value = data.auth0keys_signing_keys.b.current_kid
}
`)
	next := keyIn(t, srv, nextKey).KID
	if out, err := cli.Apply(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if srv.Rotations() != 1 || srv.Count(emulator.OpRotate) != 1 {
		t.Fatalf("%d rotate calls, %d rotations; want one", srv.Count(emulator.OpRotate), srv.Rotations())
	}
	if got, err := cli.StringOutput("current_kid"); err != nil || got != next {
		t.Errorf("alias b reports current key %q (%v), want %s", got, err, next)
	}
}

// twoAliases configures provider aliases a and b of one tenant.
func twoAliases(srv *emulator.Server) string {
	block := acctest.ProviderBlock(srv)
	return strings.Replace(block, "provider \"auth0keys\" {\n", "provider \"auth0keys\" {\n  alias = \"a\"\n", 1) +
		strings.Replace(block, "provider \"auth0keys\" {\n", "provider \"auth0keys\" {\n  alias = \"b\"\n", 1)
}

// rotationOnAliasA starts a tenant, and a working directory whose
// configuration has provider aliases a and b of it, a rotation on a, and
// the given blocks.
func rotationOnAliasA(t *testing.T, blocks string) (*emulator.Server, devenv.CLI) {
	t.Helper()
	srv := startTenant(t, emulator.Options{})
	return srv, acctest.ProviderCLI(t, twoAliases(srv)+`
resource "auth0keys_signing_key_rotation" "a" {
  provider = auth0keys.a
}
`+blocks)
}

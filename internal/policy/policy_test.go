package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/acctest"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/devenv"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
)

func TestMain(m *testing.M) { os.Exit(acctest.Main(m)) }

// TestPolicies makes real plans against the emulator, saves their JSON as
// data.plans.NAME, and runs `opa test` on examples/policy with them.
func TestPolicies(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1: runs the Terraform CLI and opa")
	}
	opa, err := devenv.OPA()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	keys := emulator.TenantWithHistory() // revoked, previous retired 10 days ago, current, next
	keys = append(keys, emulator.KeySpec{KID: "retiredHoursAgo", Previous: true, CurrentSince: now.Add(-5 * 24 * time.Hour), CurrentUntil: now.Add(-2 * time.Hour)},
		emulator.KeySpec{KID: "revokedHoursAgo", Previous: true, Revoked: true, CurrentSince: now.Add(-6 * 24 * time.Hour),
			CurrentUntil: now.Add(-3 * time.Hour), RevokedAt: now.Add(-time.Hour)})
	srv := acctest.StartEmulator(t, emulator.Options{Keys: keys})
	stored := srv.Keys()
	revoked, tenDays := stored[0].KID, stored[1].KID
	provider := acctest.ProviderBlock(srv)
	// grace_period 0s leaves judging the key's age to the policies.
	revocation := func(name, kid string) string {
		return "resource \"auth0keys_signing_key_revocation\" \"" + name + "\" {\n  kid          = " + kid + "\n  grace_period = \"0s\"\n}\n"
	}
	rotateAndRevoke := "variable \"emergency_change\" {\n  type    = bool\n  default = false\n}\n" +
		"resource \"auth0keys_signing_key_rotation\" \"emergency\" {}\n" +
		"resource \"auth0keys_signing_key_revocation\" \"leaked\" {\n  kid          = auth0keys_signing_key_rotation.emergency.previous_kid\n  grace_period = \"0s\"\n}\n"
	rotationPolicy := func(revokeAfter string) string {
		return "resource \"auth0keys_signing_key_rotation_policy\" \"tenant\" {\n  rotate_after = \"2160h\"\n  revoke_after = \"" + revokeAfter + "\"\n}\n"
	}
	// A provider whose domain is known only at apply: the plan names the
	// kid, and cannot read the tenant for its certificate.
	unknownTenant := "resource \"terraform_data\" \"tenant\" {\n  input = \"" + srv.Domain() + "\"\n}\n" +
		strings.Replace(provider, "\""+srv.Domain()+"\"", "terraform_data.tenant.output", 1)
	plans := []struct {
		name, config string
		args         []tfexec.PlanOption
	}{
		{"old_revocation", revocation("old", `"`+tenDays+`"`), nil},
		{"recent_revocation", revocation("recent", `"retiredHoursAgo"`), nil},
		{"adoption", revocation("adopted", `"`+revoked+`"`), nil},
		{"recent_adoption", revocation("adopted", `"revokedHoursAgo"`), nil},
		{"rotation", "resource \"auth0keys_signing_key_rotation\" \"scheduled\" {}\n", nil},
		{"policy_recent_revocation", rotationPolicy("1h"), nil},
		{"policy_old_revocation", rotationPolicy("200h"), nil},
		{"rotate_and_revoke", rotateAndRevoke, nil},
		{"rotate_and_revoke_emergency", rotateAndRevoke, []tfexec.PlanOption{tfexec.Var("emergency_change=true")}},
		{"unknown_kid", "resource \"terraform_data\" \"kid\" {\n  input = \"" + tenDays + "\"\n}\n" + revocation("later", "terraform_data.kid.output"), nil},
	}
	data := t.TempDir()
	for _, p := range plans {
		cli := acctest.ProviderCLI(t, provider+p.config)
		savePlan(t, cli, data, p.name, p.args...)
	}
	savePlan(t, acctest.ProviderCLI(t, unknownTenant+revocation("old", `"`+tenDays+`"`)), data, "unknown_tenant")
	if n := srv.Count(emulator.OpRevoke) + srv.Count(emulator.OpRotate); n != 0 {
		t.Fatalf("plans sent %d writes", n)
	}
	undatedPolicyPlans(t, data, rotationPolicy)

	root, err := devenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	policies := filepath.Join(root, "examples", "policy")
	if out, err := exec.Command(opa, "check", "--strict", policies).CombinedOutput(); err != nil {
		t.Fatalf("opa check --strict: %v\n%s", err, out)
	}
	if out, err := exec.Command(opa, "fmt", "--list", policies).CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("opa fmt: these policies are not formatted (run opa fmt -w): %s %v", out, err)
	}
	out, err := exec.Command(opa, "test", "-v", policies, data).CombinedOutput()
	t.Logf("opa test:\n%s", out)
	if err != nil {
		t.Fatalf("opa test failed: %v", err)
	}
	if !strings.Contains(string(out), "PASS: 21/21") {
		t.Fatalf("want all 21 policy tests to run and pass")
	}
	checkPolicySet(t, opa, policies, filepath.Join(data, "plans", "recent_revocation", "data.json"))
}

// savePlan plans with cli and saves the plan's JSON as data.plans.NAME.
func savePlan(t *testing.T, cli devenv.CLI, data, name string, args ...tfexec.PlanOption) {
	t.Helper()
	if out, err := cli.Plan(append([]tfexec.PlanOption{tfexec.Out("plan.bin")}, args...)...); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
	planJSON, err := cli.PlanJSON("plan.bin")
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	dir := filepath.Join(data, "plans", name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data.json"), planJSON, 0o600); err != nil {
		t.Fatal(err)
	}
}

// undatedPolicyPlans saves the plans of a rotation policy that revokes a
// previous key Auth0 gives no current_until, on a tenant of its own: one
// being created, which dates its first sight of the key only at its apply,
// and one applied seconds before, which has seen the key retired since.
func undatedPolicyPlans(t *testing.T, data string, rotationPolicy func(revokeAfter string) string) {
	t.Helper()
	srv := acctest.StartEmulator(t, emulator.Options{Keys: []emulator.KeySpec{{KID: "undated", Previous: true},
		{Current: true, CurrentSince: time.Now().Add(-time.Hour)}, {Next: true}}})
	provider := acctest.ProviderBlock(srv)
	savePlan(t, acctest.ProviderCLI(t, provider+rotationPolicy("0s")), data, "policy_undated_at_create")
	cli := acctest.ProviderCLI(t, provider+"variable \"revoke_after\" {\n  default = \"720h\"\n}\n"+rotationPolicy("${var.revoke_after}"))
	if out, err := cli.Apply(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	time.Sleep(2 * time.Second)
	savePlan(t, cli, data, "policy_undated_revocation", tfexec.Var("revoke_after=1s"))
	if n := srv.Count(emulator.OpRevoke) + srv.Count(emulator.OpRotate); n != 0 {
		t.Fatalf("plans sent %d writes", n)
	}
}

// checkPolicySet evaluates each query of the Terraform Cloud policy set
// configuration on a plan in Terraform Cloud's input shape: every query
// must name a rule of the policies.
func checkPolicySet(t *testing.T, opa, policies, planFile string) {
	t.Helper()
	config, err := os.ReadFile(filepath.Join(policies, "policies.hcl")) //nolint:gosec // the repository's own file
	if err != nil {
		t.Fatal(err)
	}
	queries := regexp.MustCompile(`query\s*=\s*"([^"]+)"`).FindAllStringSubmatch(string(config), -1)
	if len(queries) != 3 {
		t.Fatalf("policies.hcl names %d queries, want one per policy (3)", len(queries))
	}
	plan, err := os.ReadFile(planFile) //nolint:gosec // written by this test
	if err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(t.TempDir(), "input.json")
	if err := os.WriteFile(input, []byte(`{"plan": `+string(plan)+`}`), 0o600); err != nil { //nolint:gosec // a file in the test's own folder
		t.Fatal(err)
	}
	for _, q := range queries {
		out, err := exec.Command(opa, "eval", "--fail", "--format", "json", "-d", policies, "-i", input, q[1]).CombinedOutput()
		if err != nil {
			t.Errorf("policy set query %s: %v\n%s", q[1], err, out)
		}
	}
}

package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

func TestCheckRotationInterval(t *testing.T) {
	t.Parallel()
	current := func(since string) management.KeyRoles {
		return management.KeyRoles{Current: &management.SigningKey{KID: "cur", Current: true, CurrentSince: management.Timestamp(since)}}
	}
	tests := []struct {
		name     string
		roles    management.KeyRoles
		interval string
		refused  bool
	}{
		{"current for 10 minutes, 1h interval", current("2026-11-26T11:50:00.000Z"), "1h", true},
		{"current for 2 hours, 1h interval", current("2026-11-26T10:00:00.000Z"), "1h", false},
		{"current for exactly the interval", current("2026-11-26T11:00:00.000Z"), "1h", false},
		{"current for a second less than the interval", current("2026-11-26T11:00:01.000Z"), "1h", true},
		{"the interval turned off", current("2026-11-26T11:59:59.000Z"), "0s", false},
		{"the interval turned off, the tenant's clock ahead of this one", current("2026-11-26T12:00:30.000Z"), "0s", false},
		{"no current_since", current(""), "1h", false},
		{"an unreadable current_since", current("yesterday"), "1h", false},
		{"no current key", management.KeyRoles{}, "1h", false},
	}
	for _, tc := range tests {
		diags := checkRotationInterval("t.auth0.com", tc.roles, tc.interval, testNow)
		if diags.HasError() != tc.refused {
			t.Errorf("%s: refused = %v, want %v (%v)", tc.name, diags.HasError(), tc.refused, diags)
		}
	}
	diags := checkRotationInterval("t.auth0.com", current("2026-11-26T11:50:00.000Z"), "1h", testNow)
	if detail := diags.Errors()[0].Detail(); !strings.Contains(detail, "became current at 2026-11-26T11:50:00Z, 10m0s ago, less than min_rotation_interval 1h") ||
		!strings.Contains(detail, `an import block with id = "cur"`) {
		t.Errorf("detail: %s", detail)
	}
	diags = checkRotationInterval("t.auth0.com", current("2026-11-26T12:00:30.000Z"), "1h", testNow)
	if detail := diags.Errors()[0].Detail(); !strings.Contains(detail, "became current at 2026-11-26T12:00:30Z, a time this machine's clock "+
		"(30s behind the tenant's) has not reached yet, so within min_rotation_interval 1h.") {
		t.Errorf("detail, with the tenant's clock ahead: %s", detail)
	}
}

func TestDescribeMoves(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		previous types.String
		want     string
	}{
		{types.StringValue("cur"), "the next key nxt becomes current and the current key cur is retired."},
		{types.StringNull(), "the next key nxt becomes current and the tenant has no current key to retire."},
	} {
		m := rotationModel{CurrentKID: types.StringValue("nxt"), PreviousKID: tc.previous}
		if got := m.describeMoves("t.auth0.com"); !strings.HasPrefix(got, "Applying this plan rotates Auth0 tenant t.auth0.com: "+tc.want) {
			t.Errorf("describeMoves with previous %s: %s", tc.previous, got)
		}
	}
}

func TestRotationOf(t *testing.T) {
	t.Parallel()
	keys := []management.SigningKey{
		{KID: "first", Previous: true, CurrentSince: "2026-01-01T00:00:00.000Z", CurrentUntil: "2026-03-01T00:00:00.000Z"},
		{KID: "second", Previous: true, CurrentSince: "2026-03-01T00:00:00.000Z", CurrentUntil: "2026-06-01T00:00:00.000Z"},
		{KID: "third", Current: true, CurrentSince: "2026-06-01T00:00:00.000Z"},
		{KID: "fourth", Next: true},
		{KID: "undated", Previous: true}, // on older tenants
	}
	tests := []struct {
		kid, previous, next string
	}{
		{"third", "second", "fourth"}, // the rotation that made the current key current
		{"second", "first", "third"},  // an earlier rotation
		{"first", "", "second"},       // the first rotation on record
	}
	for _, tc := range tests {
		m, err := rotationOf(tc.kid, keys)
		if err != nil {
			t.Fatalf("%s: %v", tc.kid, err)
		}
		if m.CurrentKID.ValueString() != tc.kid || m.PreviousKID.ValueString() != tc.previous || m.NextKID.ValueString() != tc.next {
			t.Errorf("%s: current %s, previous %s, next %s; want previous %q, next %q", tc.kid, m.CurrentKID, m.PreviousKID, m.NextKID, tc.previous, tc.next)
		}
	}
	for kid, want := range map[string]string{
		"fourth":  "signing key fourth has never been current, so no rotation made it current",
		"missing": `no signing key has kid "missing"`,
		"undated": "Auth0 does not say when signing key undated became current, so the rotation that made it current cannot be told from the tenant's keys",
	} {
		if _, err := rotationOf(kid, keys); err == nil || err.Error() != want {
			t.Errorf("%s: got %v, want %s", kid, err, want)
		}
	}
}

func TestRotationPlans(t *testing.T) {
	t.Parallel()
	var plans rotationPlans
	keys := []management.SigningKey{{KID: "cur", Current: true}, {KID: "nxt", Next: true}}
	if _, ok := plans.claim(plannedRotation{retires: "cur", current: "nxt", keys: keys}); !ok {
		t.Fatal("the first rotation was refused")
	}
	if first, ok := plans.claim(plannedRotation{retires: "cur", current: "nxt"}); ok || first.current != "nxt" {
		t.Fatal("a second rotation of the tenant was accepted")
	}
	if k, ok := plans.retiring("cur"); !ok || k.KID != "cur" {
		t.Fatal("the key the planned rotation retires is not found")
	}
	if _, ok := plans.retiring("nxt"); ok {
		t.Fatal("the next key is taken for the retired one")
	}
	plans.done()
	if _, ok := plans.retiring("cur"); ok {
		t.Fatal("after the rotation the plan still speaks for the tenant")
	}
}

func TestMovesFrom(t *testing.T) {
	t.Parallel()
	m := rotationModel{}
	m.expectMoves("t", management.KeyRoles{Current: &management.SigningKey{KID: "a"}, Next: &management.SigningKey{KID: "b"}})
	if !m.moves().from(management.KeyRoles{Current: &management.SigningKey{KID: "a"}, Next: &management.SigningKey{KID: "b"}}) {
		t.Error("the keys the plan named are not recognised")
	}
	if m.moves().from(management.KeyRoles{Current: &management.SigningKey{KID: "b"}, Next: &management.SigningKey{KID: "c"}}) {
		t.Error("a tenant rotated since the plan passes the comparison")
	}
	if m.moves().from(management.KeyRoles{Current: &management.SigningKey{KID: "x"}, Next: &management.SigningKey{KID: "b"}}) {
		t.Error("a tenant whose current key is another passes the comparison")
	}
	if m.moves().from(management.KeyRoles{Current: &management.SigningKey{KID: "a"}, Next: &management.SigningKey{KID: "x"}}) {
		t.Error("a tenant whose next key is another passes the comparison: the rotation would make current a key the plan did not name")
	}
	if m.moves().from(management.KeyRoles{Current: &management.SigningKey{KID: "a"}}) {
		t.Error("a tenant that lists no next key passes the comparison")
	}
	if m.moves().from(management.KeyRoles{Next: &management.SigningKey{KID: "b"}}) {
		t.Error("a tenant that lists no current key passes the comparison")
	}
	fresh := plannedMoves{current: "b"} // a tenant with no current key when planned
	if !fresh.from(management.KeyRoles{Next: &management.SigningKey{KID: "b"}}) ||
		fresh.from(management.KeyRoles{Current: &management.SigningKey{KID: "a"}, Next: &management.SigningKey{KID: "b"}}) {
		t.Error("a plan from a tenant without a current key must match that tenant, and only while it has none")
	}
	if diags := m.expectMoves("t", management.KeyRoles{Current: &management.SigningKey{KID: "a"}}); !diags.HasError() {
		t.Error("a tenant without a next key can be rotated")
	}
	none := rotationModel{PreviousKID: types.StringUnknown(), CurrentKID: types.StringUnknown()}
	if diags := none.expectMoves("t", management.KeyRoles{Next: &management.SigningKey{KID: "b"}}); diags.HasError() ||
		!none.PreviousKID.IsNull() || none.CurrentKID.ValueString() != "b" {
		t.Errorf("a tenant without a current key: previous_kid %s, current_kid %s, %v; want null and b", none.PreviousKID, none.CurrentKID, diags)
	}
}

func TestMissingScopes(t *testing.T) {
	t.Parallel()
	got := missingScopes([]string{"read:signing_keys", "update:signing_keys"}, rotationScopes)
	if strings.Join(got, " ") != "create:signing_keys" {
		t.Errorf("missing: %v", got)
	}
	if got := missingScopes(rotationScopes, revocationScopes); len(got) != 0 {
		t.Errorf("missing: %v", got)
	}
}

package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A new policy's plan leaves to the apply what it dates from its first
// sight of a current key without current_since, and the apply dates it;
// a key with its own date is left as planned.
func TestFirstSightIsDatedAtTheApply(t *testing.T) {
	t.Parallel()
	plannedAt, appliedAt := testNow, testNow.Add(90*time.Second)
	undated := rotationPolicyModel{RotateAfter: types.StringValue("24h"), CurrentKID: types.StringValue("cur"),
		FirstSeenCurrent: firstSeenValue(map[string]time.Time{"cur": plannedAt}),
		CurrentSince:     optionalTime(plannedAt), RotationDueAt: optionalTime(plannedAt.Add(24 * time.Hour))}
	undated.leaveFirstSightToApply()
	if !undated.FirstSeenCurrent.IsUnknown() || !undated.CurrentSince.IsUnknown() || !undated.RotationDueAt.IsUnknown() {
		t.Fatalf("the plan names times the final plan would not: %+v", undated)
	}
	undated.dateFirstSight(appliedAt)
	if got := undated.firstSights().current["cur"]; !got.Equal(appliedAt.Truncate(time.Second)) || undated.CurrentSince != optionalTime(appliedAt) ||
		undated.RotationDueAt != optionalTime(appliedAt.Add(24*time.Hour)) {
		t.Fatalf("the apply did not date the first sight at %s: %+v", appliedAt, undated)
	}

	dated := rotationPolicyModel{RotateAfter: types.StringValue("24h"), CurrentKID: types.StringValue("cur"),
		FirstSeenCurrent: firstSeenValue(nil), CurrentSince: optionalTime(plannedAt), RotationDueAt: optionalTime(plannedAt.Add(24 * time.Hour))}
	want := dated
	dated.leaveFirstSightToApply()
	dated.dateFirstSight(appliedAt)
	if !dated.FirstSeenCurrent.Equal(want.FirstSeenCurrent) || dated.CurrentSince != want.CurrentSince || dated.RotationDueAt != want.RotationDueAt {
		t.Fatalf("a key with its own current_since changed: %+v", dated)
	}
}

// A new policy's plan leaves to the apply its first sight of previous keys
// without current_until, and the apply dates those it keeps or revokes
// before any revocation is checked against them.
func TestFirstSightOfPreviousKeysIsDatedAtTheApply(t *testing.T) {
	t.Parallel()
	plannedAt, appliedAt := testNow, testNow.Add(90*time.Second)
	s := schedule{currentSince: testNow.Add(-time.Hour), keys: []scheduledKey{
		{KID: "cur", Status: statusCurrent}, {KID: "nxt", Status: statusNext},
		{KID: "kept", Status: statusPrevious, FirstSeenPrevious: plannedAt},
		{KID: "revoked", Status: statusRevoked, Act: actRevoked, FirstSeenPrevious: plannedAt},
		{KID: "dated", Status: statusRevoked, Act: actRevoked, RetiredAt: testNow.Add(-72 * time.Hour)},
	}}
	m := rotationPolicyModel{RotateAfter: types.StringValue("24h"),
		FirstSeenPrevious: firstSeenValue(map[string]time.Time{"kept": plannedAt, "revoked": plannedAt})}
	if diags := m.record(s, 24*time.Hour); diags.HasError() {
		t.Fatal(diags)
	}
	m.leaveFirstSightToApply()
	if !m.FirstSeenPrevious.IsUnknown() || m.CurrentSince.IsUnknown() {
		t.Fatalf("the plan must leave first_seen_previous, and only it, to the apply: %+v", m)
	}
	m.datePreviousSights(appliedAt)
	got := m.firstSights().previous
	if len(got) != 2 || !got["kept"].Equal(appliedAt.Truncate(time.Second)) || !got["revoked"].Equal(appliedAt.Truncate(time.Second)) {
		t.Fatalf("first sights at the apply: %v, want kept and revoked at %s", got, appliedAt)
	}
	for _, k := range planned(m).keys {
		if k.KID == "revoked" && !k.retiredBy().Equal(appliedAt.Truncate(time.Second)) {
			t.Fatalf("the revocation is checked against %s, not the apply's first sight", k.retiredBy())
		}
	}
}

// An apply whose rotation failed names the revocations it did not send,
// and says nothing when it planned none.
func TestWithheldRevocations(t *testing.T) {
	t.Parallel()
	rotation := []scheduledKey{{KID: "new", Status: statusCurrent, Act: actBecomes}, {KID: "old", Status: statusPrevious, Act: actRetired}}
	revoked := func(kid string) scheduledKey { return scheduledKey{KID: kid, Status: statusRevoked, Act: actRevoked} }
	tests := map[string]struct {
		keys []scheduledKey
		want string
	}{
		"none planned": {keys: rotation},
		"one": {keys: append([]scheduledKey{revoked("a")}, rotation...),
			want: "signing key a of Auth0 tenant t.example is not revoked"},
		"two": {keys: append([]scheduledKey{revoked("a"), {KID: "kept", Status: statusPrevious}, revoked("b")}, rotation...),
			want: "signing keys a, b of Auth0 tenant t.example are not revoked"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			diags := withheldRevocations(schedule{keys: tc.keys}, "t.example")
			if tc.want == "" {
				if len(diags) != 0 {
					t.Fatalf("want no diagnostics, got %v", diags)
				}
				return
			}
			if len(diags) != 1 || diags.HasError() || diags[0].Summary() != "The revocations this plan named were not sent" ||
				!strings.Contains(diags[0].Detail(), "so the revocations it named were not sent either: "+tc.want+". The next plan") {
				t.Fatalf("want one warning saying %q, got %v", tc.want, diags)
			}
		})
	}
}

// The schedule a plan starts from is the keys the state lists that are not
// revoked, without the acts the last apply did.
func TestScheduleFromTheState(t *testing.T) {
	t.Parallel()
	applied := schedule{keys: []scheduledKey{
		{KID: "cur", Status: statusCurrent, Act: actBecomes},
		{KID: "old", Status: statusPrevious, Act: actRetired, RetiredAt: testNow},
		{KID: "gone", Status: statusRevoked, Act: actRevoked, RetiredAt: testNow.Add(-time.Hour)},
	}}
	var m rotationPolicyModel
	if diags := m.record(applied, 24*time.Hour); diags.HasError() {
		t.Fatal(diags)
	}
	m.CurrentSince = optionalTime(testNow) // as the apply that rotated records it
	got := m.schedule()
	want := []scheduledKey{{KID: "cur", Status: statusCurrent}, {KID: "old", Status: statusPrevious, RetiredAt: testNow}}
	if fmt.Sprint(got.keys) != fmt.Sprint(want) || !got.currentSince.Equal(testNow) {
		t.Fatalf("schedule from the state: %v since %s; want %v since %s", got.keys, got.currentSince, want, testNow)
	}
}

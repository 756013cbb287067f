package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

func TestSchedulePlan(t *testing.T) {
	t.Parallel()
	ts := func(d time.Duration) management.Timestamp {
		return management.Timestamp(testNow.Add(-d).Format(time.RFC3339))
	}
	keys := []management.SigningKey{
		{KID: "old", Previous: true, CurrentUntil: ts(37 * time.Hour), Fingerprint: "AA"},
		{KID: "young", Previous: true, CurrentUntil: ts(35 * time.Hour)},
		{KID: "undated", Previous: true},
		{KID: "cur", Current: true, CurrentSince: ts(100 * time.Hour)},
		{KID: "nxt", Next: true},
	}
	acts := func(s schedule) string {
		var out []string
		for _, k := range s.keys {
			if k.Act != "" {
				out = append(out, k.KID+" "+k.Act)
			}
		}
		return strings.Join(out, ", ")
	}
	seenBefore := firstSights{previous: map[string]time.Time{"undated": testNow.Add(-40 * time.Hour)}}
	tests := []struct {
		name                     string
		before                   firstSights
		rotateAfter, revokeAfter time.Duration
		want                     string
	}{
		{"nothing due", seenBefore, 200 * time.Hour, -1, ""},
		{"a rotation due", seenBefore, 100 * time.Hour, -1, "cur retired, nxt becomes current"},
		{"revocations past 36h, the undated key by its first sight", seenBefore, 200 * time.Hour, 36 * time.Hour, "old revoked, undated revoked"},
		{"an undated key first seen now is not due", firstSights{}, 200 * time.Hour, 36 * time.Hour, "old revoked"},
		{"a key retired exactly revoke_after ago is due", seenBefore, 200 * time.Hour, 37 * time.Hour, "old revoked, undated revoked"},
		{"a rotation due exactly now", seenBefore, 100 * time.Hour, -1, "cur retired, nxt becomes current"},
		{"both; the key the rotation retires is not revoked", seenBefore, 24 * time.Hour, 0, "cur retired, nxt becomes current, young revoked, old revoked, undated revoked"},
	}
	for _, tc := range tests {
		s, _ := scheduleOf(keys, tc.before, testNow)
		due := s.plan(testNow, tc.rotateAfter, tc.revokeAfter)
		if got := acts(s); got != tc.want || due != (tc.want != "") {
			t.Errorf("%s: acts %q (due %v), want %q", tc.name, got, due, tc.want)
		}
	}
	s, _ := scheduleOf(keys, firstSights{}, testNow)
	if !s.needsLifetime(testNow) {
		t.Error("a key retired 35 hours ago needs the lifetime to decide")
	}
	later := testNow.Add(30 * 24 * time.Hour)
	older := []management.SigningKey{keys[0], keys[2], keys[3], keys[4]}
	if s, _ := scheduleOf(older, firstSights{}, later); !s.needsLifetime(later) {
		t.Error("an undated key first seen now needs the lifetime to decide")
	}
	// Past the longest lifetime Auth0 allows, by date or by first sight.
	if s, _ := scheduleOf(older, seenBefore, later); s.needsLifetime(later) {
		t.Error("an undated key first seen 31 days ago and one retired 31 days ago made the policy read the token lifetimes")
	}
	exactly := []management.SigningKey{{KID: "month", Previous: true, CurrentUntil: ts(longestLifetime)}, keys[3], keys[4]}
	if s, _ := scheduleOf(exactly, firstSights{}, testNow); s.needsLifetime(testNow) {
		t.Error("a key retired exactly the longest lifetime ago made the policy read the token lifetimes")
	}
}

// A key the plan retires is not revoked by the same plan, even one that
// carries an end date from long ago: its tokens were signed moments ago.
func TestSchedulePlanDoesNotRevokeTheKeyItRetires(t *testing.T) {
	t.Parallel()
	s, _ := scheduleOf([]management.SigningKey{
		{KID: "cur", Current: true, CurrentSince: management.Timestamp(testNow.Add(-100 * time.Hour).Format(time.RFC3339))},
		{KID: "nxt", Next: true},
	}, firstSights{}, testNow)
	s.keys[0].RetiredAt = testNow.Add(-50 * time.Hour)
	s.plan(testNow, 24*time.Hour, 0)
	if k := s.keys[0]; k.Status != statusPrevious || k.Act != actRetired {
		t.Fatalf("the key the plan retires: status %q, act %q; want previous, retired", k.Status, k.Act)
	}
}

func TestScheduleDatesACurrentKeyWithoutCurrentSince(t *testing.T) {
	t.Parallel()
	keys := []management.SigningKey{{KID: "cur", Current: true}, {KID: "nxt", Next: true}}
	s, seen := scheduleOf(keys, firstSights{}, testNow)
	if !s.currentSince.Equal(testNow) || !seen.current["cur"].Equal(testNow) {
		t.Fatalf("first seen: %s %v", s.currentSince, seen)
	}
	earlier := testNow.Add(-48 * time.Hour)
	s, seen = scheduleOf(keys, firstSights{current: map[string]time.Time{"cur": earlier}}, testNow)
	if !s.currentSince.Equal(earlier) || !seen.current["cur"].Equal(earlier) || !s.plan(testNow, 24*time.Hour, -1) {
		t.Fatalf("a key first seen 48 hours ago is not due under 24h: %s %v", s.currentSince, seen)
	}
}

// A previous key without current_until is dated from the policy's first
// sight of it; only such keys are, and only while the tenant lists them
// unrevoked.
func TestScheduleDatesAPreviousKeyWithoutCurrentUntil(t *testing.T) {
	t.Parallel()
	earlier := testNow.Add(-48 * time.Hour)
	keys := []management.SigningKey{
		{KID: "seen", Previous: true}, {KID: "new", Previous: true},
		{KID: "dated", Previous: true, CurrentUntil: management.Timestamp(earlier.Format(time.RFC3339))},
		{KID: "gone", Previous: true, Revoked: true}, {KID: "cur", Current: true, CurrentSince: "2026-01-01T00:00:00Z"}, {KID: "nxt", Next: true},
	}
	before := firstSights{previous: map[string]time.Time{"seen": earlier, "gone": earlier, "dated": earlier.Add(time.Hour)}}
	s, seen := scheduleOf(keys, before, testNow)
	want := map[string]time.Time{"seen": earlier, "new": testNow}
	if len(seen.previous) != len(want) || !seen.previous["seen"].Equal(want["seen"]) || !seen.previous["new"].Equal(want["new"]) || len(seen.current) != 0 {
		t.Fatalf("first sights %v, want previous %v and no current", seen, want)
	}
	for _, k := range s.keys {
		if k.Status == statusPrevious && !k.retiredBy().Equal(map[string]time.Time{"seen": earlier, "new": testNow, "dated": earlier}[k.KID]) {
			t.Errorf("%s counts as retired by %s", k.KID, k.retiredBy())
		}
	}
}

// A revocation's warning says when the key stopped being current, as the
// policy counts it: Auth0's date, else the policy's first sight.
func TestActsSayWhenARevokedKeyWasRetired(t *testing.T) {
	t.Parallel()
	s := schedule{keys: []scheduledKey{
		{KID: "dated", Fingerprint: "AA", Status: statusRevoked, Act: actRevoked, RetiredAt: testNow.Add(-48 * time.Hour)},
		{KID: "undated", Fingerprint: "BB", Status: statusRevoked, Act: actRevoked, FirstSeenPrevious: testNow.Add(-time.Hour)},
	}}
	want := []string{
		"Signing key dated (fingerprint AA) of Auth0 tenant t.example is revoked: tokens it signed stop validating, for good. " +
			"It stopped being current at 2026-11-24T12:00:00Z.",
		"Signing key undated (fingerprint BB) of Auth0 tenant t.example is revoked: tokens it signed stop validating, for good. " +
			"Auth0 does not say when it stopped being current; the policy first saw it retired at 2026-11-26T11:00:00Z.",
	}
	if got := s.acts("t.example"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("acts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

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
	tests := []struct {
		name                     string
		rotateAfter, revokeAfter time.Duration
		want                     string
	}{
		{"nothing due", 200 * time.Hour, -1, ""},
		{"a rotation due", 100 * time.Hour, -1, "cur retired, nxt becomes current"},
		{"revocations past 36h, the undated key left alone", 200 * time.Hour, 36 * time.Hour, "old revoked"},
		{"both; the key the rotation retires is not revoked", 24 * time.Hour, 0, "cur retired, nxt becomes current, young revoked, old revoked"},
	}
	for _, tc := range tests {
		s, _ := scheduleOf(keys, nil, testNow)
		due := s.plan(testNow, tc.rotateAfter, tc.revokeAfter)
		if got := acts(s); got != tc.want || due != (tc.want != "") {
			t.Errorf("%s: acts %q (due %v), want %q", tc.name, got, due, tc.want)
		}
	}
	s, _ := scheduleOf(keys, nil, testNow)
	if !s.needsLifetime(testNow) {
		t.Error("a key retired 35 hours ago needs the lifetime to decide")
	}
	// An undated key is never revoked: no lifetime decides anything for it.
	s, _ = scheduleOf([]management.SigningKey{keys[0], keys[2], keys[3], keys[4]}, nil, testNow.Add(30*24*time.Hour))
	if s.needsLifetime(testNow.Add(30 * 24 * time.Hour)) {
		t.Error("an undated key and one retired 31 days ago made the policy read the token lifetimes")
	}
}

func TestScheduleDatesACurrentKeyWithoutCurrentSince(t *testing.T) {
	t.Parallel()
	keys := []management.SigningKey{{KID: "cur", Current: true}, {KID: "nxt", Next: true}}
	s, seen := scheduleOf(keys, nil, testNow)
	if !s.currentSince.Equal(testNow) || !seen["cur"].Equal(testNow) {
		t.Fatalf("first seen: %s %v", s.currentSince, seen)
	}
	earlier := testNow.Add(-48 * time.Hour)
	s, seen = scheduleOf(keys, map[string]time.Time{"cur": earlier}, testNow)
	if !s.currentSince.Equal(earlier) || !seen["cur"].Equal(earlier) || !s.plan(testNow, 24*time.Hour, -1) {
		t.Fatalf("a key first seen 48 hours ago is not due under 24h: %s %v", s.currentSince, seen)
	}
}

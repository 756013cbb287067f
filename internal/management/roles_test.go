package management

import (
	"strings"
	"testing"
)

func TestCheckList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		keys []SigningKey
		want string // "" for a list that can be trusted
	}{
		{"current, next and history", []SigningKey{{KID: "old", Previous: true, Revoked: true}, {KID: "prev", Previous: true}, {KID: "cur", Current: true, Previous: true}, {KID: "nxt", Next: true}}, ""},
		{"a kid listed twice, the previous-flagged copy first",
			[]SigningKey{{KID: "cur", Previous: true}, {KID: "cur", Current: true}, {KID: "nxt", Next: true}},
			"the tenant's list of signing keys is inconsistent: kid cur is listed 2 times (previous; current)"},
		{"a kid listed twice, once without flags, and revoked keys flagged as well",
			[]SigningKey{{KID: "cur", Current: true}, {KID: "cur"}, {KID: "nxt", Next: true}, {KID: "old", Previous: true, Revoked: true}, {KID: "old", Previous: true, Revoked: true}},
			"the tenant's list of signing keys is inconsistent: kid cur is listed 2 times (current; no flags); kid old is listed 2 times (previous, revoked; previous, revoked)"},
		{"two current keys", []SigningKey{{KID: "a", Current: true}, {KID: "b", Current: true}, {KID: "n", Next: true}},
			"the tenant's list of signing keys is inconsistent: 2 keys are flagged current: a, b"},
		{"two next keys", []SigningKey{{KID: "c", Current: true}, {KID: "n1", Next: true}, {KID: "n2", Next: true}},
			"the tenant's list of signing keys is inconsistent: 2 keys are flagged next: n1, n2"},
		{"no current key", []SigningKey{{KID: "n", Next: true}, {KID: "r", Current: true, Revoked: true}},
			"the tenant's list of signing keys is inconsistent: no key is flagged current"},
		{"no next key is fine for a read", []SigningKey{{KID: "c", Current: true}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckList(tc.keys)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("CheckList refused a sound list: %v", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Fatalf("CheckList:\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	keys := []SigningKey{
		{KID: "revoked", Previous: true, Revoked: true},
		{KID: "undated", Previous: true},
		{KID: "older", Previous: true, CurrentUntil: "2026-01-01T00:00:00.000Z"},
		{KID: "newer", Previous: true, CurrentUntil: "2026-06-01T00:00:00.000Z"},
		{KID: "cur", Current: true, Previous: true},
		{KID: "nxt", Next: true},
	}
	r := Roles(keys)
	var previous []string
	for _, k := range r.Previous {
		previous = append(previous, k.KID)
	}
	if r.Current == nil || r.Current.KID != "cur" || r.Next == nil || r.Next.KID != "nxt" ||
		strings.Join(previous, " ") != "newer older undated" || len(r.Revoked) != 1 {
		t.Fatalf("Roles: current %v, next %v, previous %v, revoked %v", r.Current, r.Next, previous, r.Revoked)
	}
}

func TestFindKey(t *testing.T) {
	t.Parallel()
	keys := []SigningKey{{KID: "a", Current: true}, {KID: "b", Next: true}, {KID: "b", Previous: true}}
	if k, ok := FindKey(keys, "b"); !ok || !k.Next {
		t.Errorf("FindKey b: %+v %v, want the first key listed as b", k, ok)
	}
	if _, ok := FindKey(keys, "c"); ok {
		t.Error("FindKey found a kid that is not listed")
	}
}

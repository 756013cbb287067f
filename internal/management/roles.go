package management

import (
	"fmt"
	"sort"
	"strings"
)

// KeyRoles sorts a tenant's keys by what they do now.
type KeyRoles struct {
	Current *SigningKey // signs new tokens
	Next    *SigningKey // becomes current at the next rotation
	// Previous keys are retired and not revoked, most recently retired
	// first; keys without current_until come last, in list order.
	Previous []SigningKey
	Revoked  []SigningKey // in list order
}

// Roles decides each key's role from its flags. The current and next keys
// are found by the current and next flags: a tenant may mark its current key
// "previous" as well.
func Roles(keys []SigningKey) KeyRoles {
	var r KeyRoles
	for i := range keys {
		k := keys[i]
		switch {
		case k.Revoked:
			r.Revoked = append(r.Revoked, k)
		case k.Current:
			r.Current = &k
		case k.Next:
			r.Next = &k
		case k.Previous:
			r.Previous = append(r.Previous, k)
		}
	}
	sort.SliceStable(r.Previous, func(i, j int) bool {
		a, b := r.Previous[i].CurrentUntil, r.Previous[j].CurrentUntil
		if a == "" || b == "" {
			return a != "" && b == ""
		}
		return a > b
	})
	return r
}

// ListError says why a list of keys cannot be trusted to decide a write:
// what the tenant reported, in its own terms.
type ListError struct {
	Problems []string
}

func (e *ListError) Error() string {
	return "the tenant's list of signing keys is inconsistent: " + strings.Join(e.Problems, "; ")
}

// CheckList reports a list that names a kid more than once, flags more
// than one key current or next, or flags no key current. Reads may still
// use such a list; a write that depends on which key is which must not.
func CheckList(keys []SigningKey) error {
	var problems []string
	seen := map[string][]string{}
	var order []string
	var current, next []string
	for _, k := range keys {
		if _, ok := seen[k.KID]; !ok {
			order = append(order, k.KID)
		}
		seen[k.KID] = append(seen[k.KID], k.flags())
		if k.Revoked {
			continue
		}
		if k.Current {
			current = append(current, k.KID)
		}
		if k.Next {
			next = append(next, k.KID)
		}
	}
	for _, kid := range order {
		if copies := seen[kid]; len(copies) > 1 {
			problems = append(problems, fmt.Sprintf("kid %s is listed %d times (%s)", kid, len(copies), strings.Join(copies, "; ")))
		}
	}
	switch {
	case len(current) == 0:
		problems = append(problems, "no key is flagged current")
	case len(current) > 1:
		problems = append(problems, fmt.Sprintf("%d keys are flagged current: %s", len(current), strings.Join(current, ", ")))
	}
	if len(next) > 1 {
		problems = append(problems, fmt.Sprintf("%d keys are flagged next: %s", len(next), strings.Join(next, ", ")))
	}
	if len(problems) == 0 {
		return nil
	}
	return &ListError{Problems: problems}
}

// flags names the flags a key carries, as the tenant reported them.
func (k SigningKey) flags() string {
	var set []string
	for _, f := range []struct {
		on   bool
		name string
	}{{k.Current, "current"}, {k.Next, "next"}, {k.Previous, "previous"}, {k.Revoked, "revoked"}} {
		if f.on {
			set = append(set, f.name)
		}
	}
	if len(set) == 0 {
		return "no flags"
	}
	return strings.Join(set, ", ")
}

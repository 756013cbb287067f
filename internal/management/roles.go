package management

import "sort"

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

package provider

import (
	"fmt"
	"sort"
	"time"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

// Key statuses and the acts of a plan, as the rotation policy names them.
const (
	statusRevoked = "revoked"
	actBecomes    = "becomes current"
	actRetired    = "retired"
	actRevoked    = "revoked"
)

// scheduledKey is one key as the rotation policy tracks it.
type scheduledKey struct {
	KID         string
	Fingerprint string
	Status      string    // current, next, previous or revoked, after the apply
	RetiredAt   time.Time // when it stopped being current; zero when unknown or current
	Act         string    // what the plan does to it, if anything
}

// schedule is the tenant's keys as the policy sees them, and when the
// current key became current.
type schedule struct {
	keys         []scheduledKey
	currentSince time.Time // zero when unknown
}

// scheduleOf reads a tenant's keys: current, next and previous keys that
// are not revoked. firstSeen dates a current key whose current_since Auth0
// leaves out from when the policy first saw it current.
func scheduleOf(keys []management.SigningKey, firstSeen map[string]time.Time, now time.Time) (schedule, map[string]time.Time) {
	roles := management.Roles(keys)
	var s schedule
	seen := map[string]time.Time{}
	if c := roles.Current; c != nil {
		s.keys = append(s.keys, scheduledKey{KID: c.KID, Fingerprint: c.Fingerprint, Status: statusCurrent})
		if since, err := time.Parse(time.RFC3339, string(c.CurrentSince)); err == nil {
			s.currentSince = since
		} else {
			s.currentSince = now
			if t, ok := firstSeen[c.KID]; ok {
				s.currentSince = t
			}
			seen[c.KID] = s.currentSince
		}
	}
	if n := roles.Next; n != nil {
		s.keys = append(s.keys, scheduledKey{KID: n.KID, Fingerprint: n.Fingerprint, Status: statusNext})
	}
	for _, p := range roles.Previous {
		retired, _ := time.Parse(time.RFC3339, string(p.CurrentUntil))
		s.keys = append(s.keys, scheduledKey{KID: p.KID, Fingerprint: p.Fingerprint, Status: statusPrevious, RetiredAt: retired})
	}
	return s, seen
}

// rotationDueAt is when the current key will have been current rotateAfter.
func (s schedule) rotationDueAt(rotateAfter time.Duration) time.Time {
	if s.currentSince.IsZero() {
		return time.Time{}
	}
	return s.currentSince.Add(rotateAfter)
}

// needsLifetime reports whether a revocation decision depends on how long
// tokens live: a retired key that is not past Auth0's longest lifetime. A
// key retired at a time Auth0 does not give is never revoked, so no
// lifetime decides anything for it.
func (s schedule) needsLifetime(now time.Time) bool {
	for _, k := range s.keys {
		if k.Status == statusPrevious && !k.RetiredAt.IsZero() && now.Sub(k.RetiredAt) < longestLifetime {
			return true
		}
	}
	return false
}

// plan marks what is due at now: a rotation when the current key has been
// current rotateAfter, and the revocation of every previous key retired
// at least revokeAfter ago (none when revokeAfter is negative). A key this
// plan retires is not revoked by it. It reports whether anything is due.
func (s *schedule) plan(now time.Time, rotateAfter, revokeAfter time.Duration) bool {
	due := false
	if at := s.rotationDueAt(rotateAfter); !at.IsZero() && !now.Before(at) && s.has(statusNext) {
		for i := range s.keys {
			switch s.keys[i].Status {
			case statusCurrent:
				s.keys[i].Status, s.keys[i].Act = statusPrevious, actRetired
			case statusNext:
				s.keys[i].Status, s.keys[i].Act = statusCurrent, actBecomes
			}
		}
		due = true
	}
	for i, k := range s.keys {
		if revokeAfter >= 0 && k.Status == statusPrevious && k.Act == "" && !k.RetiredAt.IsZero() && now.Sub(k.RetiredAt) >= revokeAfter {
			s.keys[i].Status, s.keys[i].Act = statusRevoked, actRevoked
			due = true
		}
	}
	return due
}

func (s schedule) has(status string) bool {
	_, ok := s.find(func(k scheduledKey) bool { return k.Status == status })
	return ok
}

func (s schedule) find(match func(scheduledKey) bool) (scheduledKey, bool) {
	for _, k := range s.keys {
		if match(k) {
			return k, true
		}
	}
	return scheduledKey{}, false
}

// acts says in words what the plan does, one sentence an act.
func (s schedule) acts(domain string) []string {
	var out []string
	sorted := append([]scheduledKey(nil), s.keys...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Act < sorted[j].Act })
	for _, k := range sorted {
		switch k.Act {
		case actBecomes:
			out = append(out, fmt.Sprintf("Auth0 tenant %s rotates: %s becomes current.", domain, k.KID))
		case actRetired:
			out = append(out, fmt.Sprintf("Signing key %s (fingerprint %s) of Auth0 tenant %s is retired; tokens it signed stay valid.", k.KID, k.Fingerprint, domain))
		case actRevoked:
			out = append(out, fmt.Sprintf("Signing key %s (fingerprint %s) of Auth0 tenant %s is revoked: tokens it signed stop validating, for good.", k.KID, k.Fingerprint, domain))
		}
	}
	return out
}

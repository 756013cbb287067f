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
	RetiredAt   time.Time // when it stopped being current, as Auth0 says; zero when it does not, or current
	// FirstSeenPrevious is when the policy first saw a previous key that
	// Auth0 gives no current_until: it was retired no later than that.
	FirstSeenPrevious time.Time
	Act               string // what the plan does to it, if anything
}

// retiredBy is the latest time the key can have stopped being current:
// Auth0's current_until, else when the policy first saw it previous; zero
// for a key not seen previous.
func (k scheduledKey) retiredBy() time.Time {
	if !k.RetiredAt.IsZero() {
		return k.RetiredAt
	}
	return k.FirstSeenPrevious
}

// retirement says when the key stopped being current, as the policy
// counts it.
func (k scheduledKey) retirement() string {
	if !k.RetiredAt.IsZero() {
		return "It stopped being current at " + k.RetiredAt.UTC().Format(time.RFC3339) + "."
	}
	return "Auth0 does not say when it stopped being current; the policy first saw it retired at " +
		k.FirstSeenPrevious.UTC().Format(time.RFC3339) + "."
}

// firstSights are when the policy first saw, by kid, each current key
// that Auth0 gives no current_since, and each previous key that it gives
// no current_until.
type firstSights struct {
	current, previous map[string]time.Time
}

// schedule is the tenant's keys as the policy sees them, and when the
// current key became current.
type schedule struct {
	keys         []scheduledKey
	currentSince time.Time // zero when unknown
}

// scheduleOf reads a tenant's keys: current, next and previous keys that
// are not revoked. A key Auth0 leaves undated is dated from the policy's
// first sight of it: as seen before, else now. It returns the first
// sights of the keys it lists.
func scheduleOf(keys []management.SigningKey, before firstSights, now time.Time) (schedule, firstSights) {
	roles := management.Roles(keys)
	var s schedule
	seen := firstSights{current: map[string]time.Time{}, previous: map[string]time.Time{}}
	firstSight := func(in map[string]time.Time, kid string) time.Time {
		if t, ok := in[kid]; ok {
			return t
		}
		return now
	}
	if c := roles.Current; c != nil {
		s.keys = append(s.keys, scheduledKey{KID: c.KID, Fingerprint: c.Fingerprint, Status: statusCurrent})
		if since, err := time.Parse(time.RFC3339, string(c.CurrentSince)); err == nil {
			s.currentSince = since
		} else {
			s.currentSince = firstSight(before.current, c.KID)
			seen.current[c.KID] = s.currentSince
		}
	}
	if n := roles.Next; n != nil {
		s.keys = append(s.keys, scheduledKey{KID: n.KID, Fingerprint: n.Fingerprint, Status: statusNext})
	}
	for _, p := range roles.Previous {
		k := scheduledKey{KID: p.KID, Fingerprint: p.Fingerprint, Status: statusPrevious}
		if retired, err := time.Parse(time.RFC3339, string(p.CurrentUntil)); err == nil {
			k.RetiredAt = retired
		} else {
			k.FirstSeenPrevious = firstSight(before.previous, p.KID)
			seen.previous[p.KID] = k.FirstSeenPrevious
		}
		s.keys = append(s.keys, k)
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

// rotationDue reports whether the current key has been current
// rotateAfter at now, whether or not there is a next key to rotate to.
func (s schedule) rotationDue(now time.Time, rotateAfter time.Duration) bool {
	at := s.rotationDueAt(rotateAfter)
	return !at.IsZero() && !now.Before(at)
}

// needsLifetime reports whether a revocation decision depends on how long
// tokens live: a retired key that is not past Auth0's longest lifetime, as
// dated by retiredBy.
func (s schedule) needsLifetime(now time.Time) bool {
	for _, k := range s.keys {
		if k.Status == statusPrevious && !k.retiredBy().IsZero() && now.Sub(k.retiredBy()) < longestLifetime {
			return true
		}
	}
	return false
}

// plan marks what is due at now: a rotation when the current key has been
// current rotateAfter, and the revocation of every previous key retired
// at least revokeAfter ago, as dated by retiredBy (none when revokeAfter is
// negative). A key this plan retires is not revoked by it. It reports whether anything is due.
func (s *schedule) plan(now time.Time, rotateAfter, revokeAfter time.Duration) bool {
	due := false
	if s.rotationDue(now, rotateAfter) && s.has(statusNext) {
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
		if revokeAfter >= 0 && k.Status == statusPrevious && k.Act == "" && !k.retiredBy().IsZero() && now.Sub(k.retiredBy()) >= revokeAfter {
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
			out = append(out, fmt.Sprintf("Signing key %s (fingerprint %s) of Auth0 tenant %s is revoked: tokens it signed stop validating, for good. %s",
				k.KID, k.Fingerprint, domain, k.retirement()))
		}
	}
	return out
}

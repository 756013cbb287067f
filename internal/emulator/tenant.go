package emulator

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Key is one application signing key as the Management API returns it.
// Pointer fields are omitted from the JSON when nil, as on older tenants.
type Key struct {
	KID          string  `json:"kid"`
	Cert         string  `json:"cert"`
	PKCS7        string  `json:"pkcs7"`
	Current      bool    `json:"current"`
	Next         bool    `json:"next"`
	Previous     bool    `json:"previous"`
	CurrentSince *string `json:"current_since,omitempty"`
	CurrentUntil *string `json:"current_until,omitempty"`
	Fingerprint  string  `json:"fingerprint"`
	Thumbprint   string  `json:"thumbprint"`
	Revoked      bool    `json:"revoked"`
	RevokedAt    *string `json:"revoked_at,omitempty"`
}

// KeySpec seeds a tenant with a key in a given state. Zero times are left
// out of the API's answers, as on older tenants.
type KeySpec struct {
	KID          string // generated when empty
	Current      bool
	Next         bool
	Previous     bool
	Revoked      bool
	CurrentSince time.Time
	CurrentUntil time.Time
	RevokedAt    time.Time
}

// FreshTenant is a new tenant's key set: one current key and one next key.
func FreshTenant() []KeySpec {
	return []KeySpec{
		{Current: true, CurrentSince: time.Now().Add(-30 * 24 * time.Hour).UTC()},
		{Next: true},
	}
}

// TenantWithHistory is a tenant that has rotated twice and revoked the
// oldest key: revoked, previous, current and next keys, in that order.
func TenantWithHistory() []KeySpec {
	now := time.Now().UTC()
	day := 24 * time.Hour
	return []KeySpec{
		{Previous: true, Revoked: true, CurrentSince: now.Add(-90 * day), CurrentUntil: now.Add(-60 * day), RevokedAt: now.Add(-50 * day)},
		{Previous: true, CurrentSince: now.Add(-60 * day), CurrentUntil: now.Add(-10 * day)},
		{Current: true, CurrentSince: now.Add(-10 * day)},
		{Next: true},
	}
}

var (
	errKeyNotFound   = errors.New("signing key not found")
	errNotRevocable  = errors.New("the current or next signing key cannot be revoked")
	errNoNextKey     = errors.New("the tenant has no next key to rotate to")
	errDuplicatedKID = errors.New("a key with this kid already exists")
)

// tenant holds the signing keys of one emulated tenant.
type tenant struct {
	mu   sync.Mutex
	name string
	keys []*Key
	// listRevokedLimit, when positive, keeps only the most recently revoked
	// keys in list answers; older revoked keys are still found by kid.
	listRevokedLimit int
	// currentAlsoPrevious marks the current key "previous": true in answers,
	// a quirk seen on real tenants.
	currentAlsoPrevious bool
	// listedTwice holds extra copies of keys that list answers show first,
	// with other flags, as a malformed answer would.
	listedTwice []Key
	// jwks holds each key's public key as the tenant publishes it.
	jwks map[string]jose.JSONWebKey
	// rotations and revocations count the changes the tenant carried out.
	rotations, revocations int
	// rotationsPerDay, when positive, is how many rotations the tenant
	// carries out in any 24 hours, as some plans limit it; rotatedAt holds
	// when the rotations of the last 24 hours happened, limited or not.
	rotationsPerDay int
	rotatedAt       []time.Time
}

// rotationDay is the span a tenant's rotation limit counts over.
const rotationDay = 24 * time.Hour

// rotationLimitError refuses a rotation beyond the tenant's daily limit
// until Reset, when the oldest rotation counted leaves the day.
type rotationLimitError struct {
	PerDay int
	Reset  time.Time
}

func (e rotationLimitError) Error() string {
	return fmt.Sprintf("the tenant rotates its signing key at most %d times a day", e.PerDay)
}

func newTenant(name string, specs []KeySpec) (*tenant, error) {
	t := &tenant{name: name}
	for _, s := range specs {
		if _, err := t.add(s); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (t *tenant) add(s KeySpec) (Key, error) {
	mat, err := newKeyMaterial(t.name)
	if err != nil {
		return Key{}, err
	}
	if s.KID == "" {
		s.KID = newKID()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.find(s.KID) != nil {
		return Key{}, errDuplicatedKID
	}
	k := &Key{
		KID: s.KID, Cert: mat.certPEM, PKCS7: mat.pkcs7PEM,
		Fingerprint: mat.fingerprint, Thumbprint: mat.thumbprint,
		Current: s.Current, Next: s.Next, Previous: s.Previous, Revoked: s.Revoked,
		CurrentSince: timestamp(s.CurrentSince), CurrentUntil: timestamp(s.CurrentUntil), RevokedAt: timestamp(s.RevokedAt),
	}
	t.keys = append(t.keys, k)
	t.publish(k.KID, mat)
	return *k, nil
}

func (t *tenant) publish(kid string, mat keyMaterial) {
	if t.jwks == nil {
		t.jwks = map[string]jose.JSONWebKey{}
	}
	jwk := mat.jwk
	jwk.KeyID = kid
	t.jwks[kid] = jwk
}

// published is the tenant's JSON Web Key Set: the current key, the next
// key and previously used keys that are not revoked.
func (t *tenant) published() jose.JSONWebKeySet {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{}}
	for _, k := range t.keys {
		if !k.Revoked {
			out.Keys = append(out.Keys, t.jwks[k.KID])
		}
	}
	return out
}

// setDates changes when a key became and stopped being current, as time
// passing would; a zero time leaves the date out.
func (t *tenant) setDates(kid string, since, until time.Time) bool {
	return t.set(kid, func(k *Key) { k.CurrentSince, k.CurrentUntil = timestamp(since), timestamp(until) })
}

func (t *tenant) find(kid string) *Key {
	for _, k := range t.keys {
		if k.KID == kid {
			return k
		}
	}
	return nil
}

func (t *tenant) answer(k *Key) Key {
	out := *k
	if t.currentAlsoPrevious && out.Current {
		out.Previous = true
	}
	return out
}

// list returns the keys as the list endpoint does.
func (t *tenant) list() []Key {
	t.mu.Lock()
	defer t.mu.Unlock()
	hidden := map[string]bool{}
	if t.listRevokedLimit > 0 {
		var revoked []*Key
		for _, k := range t.keys {
			if k.Revoked {
				revoked = append(revoked, k)
			}
		}
		sort.SliceStable(revoked, func(i, j int) bool { return deref(revoked[i].RevokedAt) > deref(revoked[j].RevokedAt) })
		for i, k := range revoked {
			if i >= t.listRevokedLimit {
				hidden[k.KID] = true
			}
		}
	}
	out := append(make([]Key, 0, len(t.keys)+len(t.listedTwice)), t.listedTwice...)
	for _, k := range t.keys {
		if !hidden[k.KID] {
			out = append(out, t.answer(k))
		}
	}
	return out
}

func (t *tenant) get(kid string) (Key, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := t.find(kid)
	if k == nil {
		return Key{}, errKeyNotFound
	}
	return t.answer(k), nil
}

// rotate makes the next key current, the current key previous, and
// generates a new next key, which it returns.
func (t *tenant) rotate() (Key, error) {
	mat, err := newKeyMaterial(t.name)
	if err != nil {
		return Key{}, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var current, next *Key
	for _, k := range t.keys {
		switch {
		case k.Current:
			current = k
		case k.Next:
			next = k
		}
	}
	if next == nil {
		return Key{}, errNoNextKey
	}
	now := time.Now().UTC()
	if err := t.takeRotation(now); err != nil {
		return Key{}, err
	}
	if current != nil {
		current.Current, current.Previous = false, true
		current.CurrentUntil = timestamp(now)
	}
	next.Next, next.Current = false, true
	next.CurrentSince = timestamp(now)
	t.rotations++
	k := &Key{KID: newKID(), Cert: mat.certPEM, PKCS7: mat.pkcs7PEM, Fingerprint: mat.fingerprint, Thumbprint: mat.thumbprint, Next: true}
	t.keys = append(t.keys, k)
	t.publish(k.KID, mat)
	return *k, nil
}

// takeRotation counts a rotation at now, or refuses it beyond the daily
// limit. The caller holds t.mu.
func (t *tenant) takeRotation(now time.Time) error {
	recent := t.rotatedAt[:0]
	for _, at := range t.rotatedAt {
		if now.Sub(at) < rotationDay {
			recent = append(recent, at)
		}
	}
	t.rotatedAt = recent
	if n := len(recent); t.rotationsPerDay > 0 && n >= t.rotationsPerDay {
		return rotationLimitError{PerDay: t.rotationsPerDay, Reset: recent[n-t.rotationsPerDay].Add(rotationDay)}
	}
	t.rotatedAt = append(t.rotatedAt, now)
	return nil
}

func (t *tenant) revoke(kid string) (Key, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := t.find(kid)
	switch {
	case k == nil:
		return Key{}, errKeyNotFound
	case k.Current || k.Next:
		return Key{}, errNotRevocable
	case !k.Revoked:
		k.Revoked = true
		k.RevokedAt = timestamp(time.Now().UTC())
		t.revocations++
	}
	return *k, nil
}

// forget removes a key entirely, as when a tenant no longer knows an old kid.
func (t *tenant) forget(kid string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, k := range t.keys {
		if k.KID == kid {
			t.keys = append(t.keys[:i], t.keys[i+1:]...)
			return true
		}
	}
	return false
}

// set changes a key's flags, as an action outside Terraform would.
func (t *tenant) set(kid string, change func(*Key)) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := t.find(kid)
	if k == nil {
		return false
	}
	change(k)
	return true
}

const kidAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newKID returns a key id shaped like Auth0's (e.g. 21hi274Rp02112mgkUGma).
func newKID() string {
	b := make([]byte, 21)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(kidAlphabet))))
		if err != nil {
			panic(err)
		}
		b[i] = kidAlphabet[n.Int64()]
	}
	return string(b)
}

func timestamp(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format("2006-01-02T15:04:05.000Z")
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

package emulator

import (
	"fmt"
	"sync"
	"time"
)

// RateLimit is a tenant's Management API rate limit, a token bucket as
// Auth0 keeps one per tenant: it holds Burst requests (X-RateLimit-Limit)
// and refills at PerSecond. A free tenant has a burst of 10 and 2 a
// second, an enterprise one 50 and 16.
type RateLimit struct {
	Burst     int
	PerSecond float64
}

func (l RateLimit) validate() error {
	if l.Burst < 1 || l.PerSecond <= 0 {
		return fmt.Errorf("a rate limit needs a burst of at least 1 and a positive rate, not %d and %g", l.Burst, l.PerSecond)
	}
	return nil
}

// FreeTenantRateLimit is the Management API rate limit of free and
// non-production tenants.
func FreeTenantRateLimit() RateLimit { return RateLimit{Burst: 10, PerSecond: 2} }

// rateBucket is the tenant's rate limit as it is used.
type rateBucket struct {
	mu     sync.Mutex
	limit  RateLimit
	tokens float64
	at     time.Time
}

func newRateBucket(limit RateLimit, now time.Time) *rateBucket {
	return &rateBucket{limit: limit, tokens: float64(limit.Burst), at: now}
}

// rateView is what the X-RateLimit-* headers say of the bucket.
type rateView struct {
	limit, remaining int
	// reset is when the bucket is full again, in Unix seconds rounded up.
	reset int64
}

// take spends one request from the bucket when it holds one; exceeded is
// true when it did not, and the request must not be carried out.
func (b *rateBucket) take(now time.Time) (view rateView, exceeded bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	if b.tokens < 1 {
		return b.view(now), true
	}
	b.tokens--
	return b.view(now), false
}

// peek is the bucket as it is, for answers that do not count against the
// Management API's limit.
func (b *rateBucket) peek(now time.Time) rateView {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	return b.view(now)
}

func (b *rateBucket) refill(now time.Time) {
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = min(float64(b.limit.Burst), b.tokens+elapsed.Seconds()*b.limit.PerSecond)
		b.at = now
	}
}

func (b *rateBucket) view(now time.Time) rateView {
	missing := float64(b.limit.Burst) - b.tokens
	full := now.Add(time.Duration(missing / b.limit.PerSecond * float64(time.Second)))
	return rateView{limit: b.limit.Burst, remaining: int(b.tokens), reset: unixCeil(full)}
}

// set changes the limit; the bucket starts full.
func (b *rateBucket) set(limit RateLimit, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.limit, b.tokens, b.at = limit, float64(limit.Burst), now
}

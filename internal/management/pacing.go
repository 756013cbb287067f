package management

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// readPacer keeps the client's Management API reads within the tenant's
// rate limit as the tenant's last answers reported it (X-RateLimit-Limit,
// -Remaining, -Reset): while they say the bucket is empty, a read waits
// until it is full again instead of spending one of its retries on a 429.
// Many page reads at once then take turns with the bucket. Writes are
// never held back: a write follows the fresh read that checked it at once.
type readPacer struct {
	mu sync.Mutex
	// known is false until an answer carried the rate-limit headers.
	known bool
	// limit is how many requests the bucket holds; remaining how many it
	// has left, as the last answers said, less the reads sent since;
	// inFlight how many reads are sent and not answered yet.
	limit, remaining, inFlight int
	// full is when the bucket is full again.
	full time.Time
}

// wait holds a read until the bucket, as last reported, has a request
// left, and counts it; done must follow its answer. A bucket full only
// after ctx's deadline is not waited for: the tenant's own 429 then says
// when it resets.
func (p *readPacer) wait(ctx context.Context) error {
	for {
		p.mu.Lock()
		now := time.Now()
		if p.known && !now.Before(p.full) {
			// Full, less what reads sent before may still spend.
			p.remaining = p.limit - p.inFlight
		}
		if !p.known || p.remaining > 0 {
			p.remaining--
			p.inFlight++
			p.mu.Unlock()
			return nil
		}
		full := p.full
		if deadline, ok := ctx.Deadline(); ok && deadline.Before(full) {
			p.inFlight++
			p.mu.Unlock()
			return nil
		}
		p.mu.Unlock()
		timer := time.NewTimer(time.Until(full))
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		}
	}
}

// done counts a read's answer, or its failure, once it is back.
func (p *readPacer) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inFlight--
}

// observe takes in what an answer says of the bucket. The lower count
// wins, since reads still in flight are not in the answer's count yet, and
// the later reset, since answers may arrive out of the order the tenant
// counted them in and its reset never moves back.
func (p *readPacer) observe(resp *http.Response) {
	limit, errLimit := strconv.Atoi(resp.Header.Get("X-RateLimit-Limit"))
	remaining, errRemaining := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining"))
	full, resetKnown := rateLimitReset(resp.Header, time.Now())
	if errLimit != nil || errRemaining != nil || !resetKnown || limit < 1 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if resp.StatusCode == http.StatusTooManyRequests {
		remaining = 0
	}
	if !p.known || remaining < p.remaining {
		p.remaining = remaining
	}
	if full.After(p.full) {
		p.full = full
	}
	p.known, p.limit = true, limit
}

// pacedReads paces the Management API reads of the tenant at host that
// pass through it, and learns the tenant's bucket from every Management
// API answer.
type pacedReads struct {
	host  string
	pacer *readPacer
	next  http.RoundTripper
}

func (t pacedReads) RoundTrip(r *http.Request) (*http.Response, error) {
	api := r.URL.Host == t.host && strings.HasPrefix(r.URL.Path, "/api/v2/")
	read := api && r.Method == http.MethodGet
	if read {
		if err := t.pacer.wait(r.Context()); err != nil {
			return nil, err
		}
	}
	resp, err := t.next.RoundTrip(r)
	if err == nil && api {
		t.pacer.observe(resp)
	}
	if read {
		t.pacer.done()
	}
	return resp, err
}

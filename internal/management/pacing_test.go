package management

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// answer is an answer carrying the tenant's rate-limit headers.
func answer(status, limit, remaining int, reset time.Time) *http.Response {
	h := http.Header{}
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	return &http.Response{StatusCode: status, Header: h}
}

func TestReadPacer(t *testing.T) {
	t.Parallel()
	// Each case gets soon, a whole second (as the header gives it) one to
	// two seconds ahead of its own start, and later, an hour after that.
	type answers func(soon, later time.Time) []*http.Response
	tests := map[string]struct {
		answers   answers
		ctx       func() (context.Context, context.CancelFunc)
		waitsSoon bool
		err       error
	}{
		"nothing known yet": {func(_, _ time.Time) []*http.Response { return nil }, background, false, nil},
		"requests left": {func(_, later time.Time) []*http.Response {
			return []*http.Response{answer(200, 10, 3, later)}
		}, background, false, nil},
		"no headers": {func(_, _ time.Time) []*http.Response {
			return []*http.Response{{StatusCode: 200, Header: http.Header{}}}
		}, background, false, nil},
		"empty until soon": {func(soon, _ time.Time) []*http.Response {
			return []*http.Response{answer(200, 10, 0, soon)}
		}, background, true, nil},
		"a 429 empties it": {func(soon, _ time.Time) []*http.Response {
			return []*http.Response{answer(200, 10, 5, soon), answer(429, 10, 5, soon)}
		}, background, true, nil},
		"the lower count wins": {func(soon, _ time.Time) []*http.Response {
			return []*http.Response{answer(200, 10, 0, soon), answer(200, 10, 7, soon)}
		}, background, true, nil},
		"the later reset wins": {func(soon, _ time.Time) []*http.Response {
			return []*http.Response{answer(200, 10, 0, soon), answer(200, 10, 0, soon.Add(-2*time.Second))}
		}, background, true, nil},
		"full only after the deadline": {func(_, later time.Time) []*http.Response {
			return []*http.Response{answer(200, 10, 0, later)}
		}, withTimeout(time.Minute), false, nil},
		"cancelled while waiting": {func(_, later time.Time) []*http.Response {
			return []*http.Response{answer(200, 10, 0, later)}
		}, withTimeout(2 * time.Hour), false, context.Canceled},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			soon := time.Now().Truncate(time.Second).Add(2 * time.Second)
			p := &readPacer{}
			for _, a := range tc.answers(soon, soon.Add(time.Hour)) {
				p.observe(a)
			}
			ctx, cancel := tc.ctx()
			defer cancel()
			if tc.err != nil {
				time.AfterFunc(50*time.Millisecond, cancel)
			}
			err := p.wait(ctx)
			switch {
			case !errors.Is(err, tc.err):
				t.Fatalf("wait: %v, want %v", err, tc.err)
			case tc.waitsSoon && time.Now().Before(soon):
				t.Fatalf("a read went before %s, when the tenant said its bucket is full again", soon)
			case !tc.waitsSoon && time.Now().After(soon):
				t.Fatal("a read waited although the tenant's bucket had room, or would be full only after the deadline")
			case err == nil && p.inFlight != 1:
				t.Fatalf("%d reads counted in flight, want 1", p.inFlight)
			}
		})
	}
}

func background() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}

func withTimeout(d time.Duration) func() (context.Context, context.CancelFunc) {
	return func() (context.Context, context.CancelFunc) { return context.WithTimeout(context.Background(), d) }
}

// TestReadPacerLeavesRoomForReadsInFlight refills the bucket at its reset
// less the reads still unanswered: they may yet spend from it.
func TestReadPacerLeavesRoomForReadsInFlight(t *testing.T) {
	t.Parallel()
	p := &readPacer{}
	p.observe(answer(200, 3, 2, time.Now().Add(time.Hour)))
	for range 2 {
		if err := p.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	p.mu.Lock()
	p.full = time.Now() // the bucket is full again, with two reads unanswered
	p.mu.Unlock()
	if err := p.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p.remaining != 0 || p.inFlight != 3 {
		t.Fatalf("remaining %d with %d reads in flight; want 0 and 3: a full bucket of 3 less the 2 unanswered, less this one", p.remaining, p.inFlight)
	}
}

// roundTripper answers every request with the answer it makes.
type roundTripper func(*http.Request) *http.Response

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r), nil }

// pacedTenant is the tenant whose reads the pacing tests pace.
const pacedTenant = "tenant.example.com"

// pacedBy sends requests through p to hosts that answer every one that
// their bucket is empty until later.
func pacedBy(p *readPacer, later time.Time) pacedReads {
	return pacedReads{host: pacedTenant, pacer: p, next: roundTripper(func(*http.Request) *http.Response { return answer(200, 10, 0, later) })}
}

// TestPacedReadsHoldOnlyTheTenantsAPIReads sends requests through a
// pacer whose bucket is empty for an hour, with a context already
// cancelled: a request the pacer holds back fails, one it lets through is
// answered. Only the Management API's reads of the tenant wait; writes, the
// token endpoint and other hosts never do.
func TestPacedReadsHoldOnlyTheTenantsAPIReads(t *testing.T) {
	t.Parallel()
	later := time.Now().Add(time.Hour)
	tests := []struct {
		method, url string
		held        bool
	}{
		{http.MethodGet, "https://" + pacedTenant + "/api/v2/keys/signing", true},
		{http.MethodPut, "https://" + pacedTenant + "/api/v2/keys/signing/k1/revoke", false},
		{http.MethodPost, "https://" + pacedTenant + "/api/v2/keys/signing/rotate", false},
		{http.MethodPost, "https://" + pacedTenant + "/oauth/token", false},
		{http.MethodGet, "https://gateway.example.com/api/v2/jwks.json", false}, // the tenant's API path, on another host
	}
	for _, tc := range tests {
		p := &readPacer{}
		p.observe(answer(200, 10, 0, later))
		paced := pacedBy(p, later)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req, err := http.NewRequestWithContext(ctx, tc.method, tc.url, http.NoBody)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := paced.RoundTrip(req); (err != nil) != tc.held {
			t.Errorf("%s %s: held back %v (%v), want %v", tc.method, tc.url, err != nil, err, tc.held)
		}
	}
}

// TestPacedReadsLearnOnlyFromTheTenantsAPI checks that the token endpoint's
// and other hosts' rate limits, which are buckets of their own, do not
// hold back the tenant's Management API reads.
func TestPacedReadsLearnOnlyFromTheTenantsAPI(t *testing.T) {
	t.Parallel()
	later := time.Now().Add(time.Hour)
	for method, url := range map[string]string{
		http.MethodPost: "https://" + pacedTenant + "/oauth/token",
		http.MethodGet:  "https://gateway.example.com/api/v2/jwks.json", // the tenant's API path, on another host
	} {
		p := &readPacer{}
		paced := pacedBy(p, later)
		req, err := http.NewRequestWithContext(context.Background(), method, url, http.NoBody)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := paced.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
		if p.known {
			t.Errorf("an empty bucket reported at %s would hold back the tenant's API reads", url)
		}
	}
}

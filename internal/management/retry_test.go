package management

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRateLimitReset(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	header := func(pairs ...string) http.Header {
		h := http.Header{}
		for i := 0; i+1 < len(pairs); i += 2 {
			h.Set(pairs[i], pairs[i+1])
		}
		return h
	}
	tests := []struct {
		name   string
		header http.Header
		want   time.Time
		ok     bool
	}{
		{"X-RateLimit-Reset", header("X-RateLimit-Reset", strconv.FormatInt(now.Add(5*time.Second).Unix(), 10)), now.Add(5 * time.Second), true},
		{"Retry-After seconds", header("Retry-After", "20"), now.Add(20 * time.Second), true},
		{"Retry-After HTTP date", header("Retry-After", now.Add(20*time.Second).Format(http.TimeFormat)), now.Add(20 * time.Second), true},
		{"the later of both", header("X-RateLimit-Reset", strconv.FormatInt(now.Add(5*time.Second).Unix(), 10), "Retry-After", "30"), now.Add(30 * time.Second), true},
		{"nothing usable", header("Retry-After", "soon"), time.Time{}, false},
		{"none", header(), time.Time{}, false},
	}
	for _, tc := range tests {
		got, ok := rateLimitReset(tc.header, now)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("%s: got %s %v, want %s %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRateLimitWait(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	resetAt := func(d time.Duration) http.Header {
		return http.Header{"X-Ratelimit-Reset": {strconv.FormatInt(now.Add(d).Unix(), 10)}}
	}
	tests := []struct {
		name     string
		header   http.Header
		min, max time.Duration
		ok       bool
	}{
		{"a reset ahead: just after it", resetAt(5 * time.Second), 5050 * time.Millisecond, 5150 * time.Millisecond, true},
		{"a reset already past: a moment, never less", resetAt(-10 * time.Second), 50 * time.Millisecond, 150 * time.Millisecond, true},
		{"no reset", http.Header{}, 0, 0, false},
	}
	for _, tc := range tests {
		for range 20 { // the jitter differs each time
			wait, ok := rateLimitWait(tc.header, now)
			if ok != tc.ok || wait < tc.min || wait > tc.max {
				t.Errorf("%s: waited %s (%v), want %s to %s (%v)", tc.name, wait, ok, tc.min, tc.max, tc.ok)
				break
			}
		}
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	for attempt := range 20 {
		wait := backoff(100*time.Millisecond, 2*time.Second, attempt, nil)
		ceiling := min(100*time.Millisecond<<attempt, 2*time.Second)
		if wait < ceiling/2 || wait > ceiling {
			t.Errorf("attempt %d: waited %s, want between %s and %s", attempt, wait, ceiling/2, ceiling)
		}
	}
	// Parallel readers retrying at once spread out: the waits differ.
	waits := map[time.Duration]bool{}
	for range 20 {
		waits[backoff(100*time.Millisecond, 2*time.Second, 3, nil)] = true
	}
	if len(waits) < 2 {
		t.Errorf("20 backoffs of the same attempt all waited %v: no jitter", waits)
	}
	limited := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"3600"}}}
	if wait := backoff(100*time.Millisecond, 2*time.Second, 0, limited); wait != 2*time.Second {
		t.Errorf("a 429 an hour from its reset waited %s, want the 2s cap", wait)
	}
}

func TestMissingScopesOfAnAPIError(t *testing.T) {
	t.Parallel()
	e := &APIError{Message: "Insufficient scope, expected all of: create:signing_keys,update:signing_keys", RequiredScopes: []string{"x:y"}}
	if got := e.missingScopes(); len(got) != 2 || got[0] != "create:signing_keys" || got[1] != "update:signing_keys" {
		t.Fatalf("missingScopes: %v", got)
	}
	// The contract's wording of the rotate call's 403.
	e = &APIError{Message: "Insufficient scope; expected create:signing_keys and update:signing_keys.", RequiredScopes: []string{"x:y"}}
	if got := e.missingScopes(); len(got) != 2 || got[0] != "create:signing_keys" || got[1] != "update:signing_keys" {
		t.Fatalf("missingScopes of a list in words: %v", got)
	}
	// The error names the scopes Auth0 says it expected.
	e = &APIError{StatusCode: 403, Operation: "rotate", Message: "Insufficient scope, expected all of: create:signing_keys", RequiredScopes: []string{"x:y"}}
	if got := e.Error(); !strings.Contains(got, "lacks the scope create:signing_keys (403") {
		t.Fatalf("a 403 names the wrong scopes: %s", got)
	}
	e = &APIError{Message: "Forbidden", RequiredScopes: []string{"read:signing_keys"}}
	if got := e.missingScopes(); len(got) != 1 || got[0] != "read:signing_keys" {
		t.Fatalf("missingScopes without a list in the message: %v", got)
	}
}

// An attempt is in flight from its write to its answer. Go's transport may
// report the write only after the answer was read: that attempt stays
// answered, so a call stopped while it waits to try again lost nothing.
func TestAttemptInFlight(t *testing.T) {
	t.Parallel()
	tooMany := &http.Response{StatusCode: http.StatusTooManyRequests}
	lost := errors.New("connection reset")
	tests := map[string]struct {
		steps             func(a *attemptLog, note func(*http.Response, error))
		inFlight, unknown bool
	}{
		"written, no answer yet": {steps: func(a *attemptLog, _ func(*http.Response, error)) { a.wrote.Store(true) }, inFlight: true},
		"written, answered":      {steps: func(a *attemptLog, note func(*http.Response, error)) { a.wrote.Store(true); note(tooMany, nil) }},
		"answered, then reported written": {steps: func(a *attemptLog, note func(*http.Response, error)) {
			note(tooMany, nil)
			a.wrote.Store(true)
		}},
		"written, the answer lost": {steps: func(a *attemptLog, note func(*http.Response, error)) {
			a.wrote.Store(true)
			note(nil, lost)
		}, inFlight: true, unknown: true},
		"never written": {steps: func(_ *attemptLog, note func(*http.Response, error)) { note(nil, lost) }},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a := &attemptLog{}
			ctx := context.WithValue(context.Background(), attemptLogKey{}, a)
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://t.example/api/v2/keys/signing/rotate", http.NoBody)
			if err != nil {
				t.Fatal(err)
			}
			a.wrote.Store(true) // the attempt before
			markUnsent(req)
			tc.steps(a, func(resp *http.Response, err error) { noteUncertainAttempt(ctx, resp, err) })
			if a.inFlight() != tc.inFlight || a.uncertain.Load() != tc.unknown {
				t.Fatalf("in flight %v, outcome unknown %v; want %v, %v", a.inFlight(), a.uncertain.Load(), tc.inFlight, tc.unknown)
			}
		})
	}
}

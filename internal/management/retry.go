package management

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// retryingClient builds a client that retries with capped exponential
// backoff and jitter, and waits out 429s until the rate limit resets. For
// calls that are not repeatable it retries only 429s: a 429 was not
// carried out.
func (c *Client) retryingClient(httpClient *http.Client, cfg Config, repeatable bool) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   httpClient,
		Logger:       nil,
		RetryWaitMin: cfg.RetryWaitMin,
		RetryWaitMax: cfg.RetryWaitMax,
		RetryMax:     cfg.MaxRetries,
		CheckRetry:   retryPolicy(repeatable),
		Backoff:      backoff,
		PrepareRetry: checkBeforeRetry,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		RequestLogHook: func(_ retryablehttp.Logger, r *http.Request, attempt int) {
			markUnsent(r)
			c.log(r.Context(), "Auth0 request", map[string]any{"method": r.Method, "path": r.URL.EscapedPath(), "attempt": attempt + 1})
		},
		ResponseLogHook: func(_ retryablehttp.Logger, r *http.Response) {
			c.log(r.Request.Context(), "Auth0 response", map[string]any{
				"method": r.Request.Method, "path": r.Request.URL.EscapedPath(), "status": r.StatusCode,
				"rate_limit_remaining": r.Header.Get("X-RateLimit-Remaining"),
			})
		},
	}
}

func retryPolicy(repeatable bool) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		noteUncertainAttempt(ctx, resp, err)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return false, ctxErr
		}
		if err != nil {
			// A request that may have reached the tenant is not sent again
			// unless it is safe to repeat; certificate errors and refused
			// redirects never heal.
			var unknownAuthority x509.UnknownAuthorityError
			var hostname x509.HostnameError
			var invalid x509.CertificateInvalidError
			if errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.Is(err, errInsecureRedirect) {
				return false, err
			}
			return repeatable, err
		}
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			// Waiting for a reset that comes after the caller's deadline
			// only ends in a timeout: give the 429 back now instead.
			_, tooLate := resetAfterDeadline(ctx, resp.Header)
			return !tooLate, nil
		case repeatable && (resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented):
			return true, nil
		}
		return false, nil
	}
}

// backoff waits until X-RateLimit-Reset (or Retry-After) after a 429, and
// otherwise doubles from minWait with jitter; every wait is at most maxWait.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		if wait, ok := rateLimitWait(resp.Header, time.Now()); ok {
			return min(wait, maxWait)
		}
	}
	wait := minWait << min(attempt, 16)
	if wait <= 0 || wait > maxWait {
		wait = maxWait
	}
	// Full jitter on the upper half: spreads retries of parallel readers.
	return wait/2 + rand.N(wait/2+1) //nolint:gosec // jitter needs no cryptographic randomness
}

// rateLimitWait is how long a 429 asks to wait, arriving just after the
// reset with a little jitter.
func rateLimitWait(h http.Header, now time.Time) (time.Duration, bool) {
	reset, ok := rateLimitReset(h, now)
	if !ok {
		return 0, false
	}
	return max(reset.Sub(now), 0) + 50*time.Millisecond + rand.N(100*time.Millisecond), true //nolint:gosec // jitter
}

// rateLimitReset is when a 429's rate limit resets: X-RateLimit-Reset
// (Unix seconds), or Retry-After in seconds or as an HTTP date; the later
// one when both are given.
func rateLimitReset(h http.Header, now time.Time) (time.Time, bool) {
	var reset time.Time
	if secs, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil && secs > 0 {
		reset = time.Unix(secs, 0)
	}
	if after := h.Get("Retry-After"); after != "" {
		var at time.Time
		if secs, err := strconv.Atoi(after); err == nil && secs >= 0 {
			at = now.Add(time.Duration(secs) * time.Second)
		} else if date, err := http.ParseTime(after); err == nil {
			at = date
		}
		if at.After(reset) {
			reset = at
		}
	}
	return reset, !reset.IsZero()
}

// resetAfterDeadline is when a 429's rate limit resets (zero when the
// answer does not say), and whether that comes after ctx's deadline.
func resetAfterDeadline(ctx context.Context, h http.Header) (reset time.Time, tooLate bool) {
	reset, _ = rateLimitReset(h, time.Now())
	deadline, hasDeadline := ctx.Deadline()
	return reset, hasDeadline && reset.After(deadline)
}

// resetNote says when a rate limit resets, when the answer said so.
func resetNote(reset time.Time) string {
	if reset.IsZero() {
		return ""
	}
	return fmt.Sprintf("; the rate limit resets at %s (in %s)", reset.UTC().Format(time.RFC3339), time.Until(reset).Round(time.Second))
}

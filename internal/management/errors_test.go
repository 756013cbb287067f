package management

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
)

// TestErrorKinds sorts errors as the provider asks of them, wrapped or
// not: a rate limit (and whether its reset came after the deadline), a
// 404, a 400, and an outcome left unknown.
func TestErrorKinds(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { return fmt.Errorf("revoke signing key: %w", err) }
	tests := []struct {
		name                                 string
		err                                  error
		limited, beyondDeadline              bool
		notFound, badRequest, outcomeUnknown bool
	}{
		{name: "a 429 of the API", err: wrap(&APIError{StatusCode: http.StatusTooManyRequests}), limited: true},
		{name: "a 429 that resets after the deadline", err: &APIError{StatusCode: http.StatusTooManyRequests, BeyondDeadline: true},
			limited: true, beyondDeadline: true},
		{name: "a 429 of the token endpoint", err: wrap(&TokenError{StatusCode: http.StatusTooManyRequests}), limited: true},
		{name: "a token refused", err: &TokenError{StatusCode: http.StatusUnauthorized}},
		{name: "a 404", err: wrap(&APIError{StatusCode: http.StatusNotFound}), notFound: true},
		{name: "a 400", err: wrap(&APIError{StatusCode: http.StatusBadRequest}), badRequest: true},
		{name: "a 503", err: wrap(&APIError{StatusCode: http.StatusServiceUnavailable}), outcomeUnknown: true},
		{name: "a 500", err: &APIError{StatusCode: http.StatusInternalServerError}, outcomeUnknown: true},
		{name: "a lost answer", err: wrap(&UncertainError{err: errors.New("connection reset")}), outcomeUnknown: true},
		{name: "a 403", err: &APIError{StatusCode: http.StatusForbidden}},
		{name: "no answer before sending", err: context.DeadlineExceeded},
	}
	for _, tc := range tests {
		limited, beyond := IsRateLimited(tc.err)
		got := []bool{limited, beyond, IsNotFound(tc.err), IsBadRequest(tc.err), OutcomeUnknown(tc.err)}
		want := []bool{tc.limited, tc.beyondDeadline, tc.notFound, tc.badRequest, tc.outcomeUnknown}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: rate limited, beyond deadline, not found, bad request, outcome unknown = %v, want %v", tc.name, got, want)
		}
	}
}

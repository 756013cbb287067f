package management

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
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

// TestAnswerOfAnError reads an error answer as a user will see it: Auth0's
// JSON message, a short plain-text answer of a proxy as it is, and neither
// an HTML page nor a long body.
func TestAnswerOfAnError(t *testing.T) {
	t.Parallel()
	c := &Client{domain: "example.eu.auth0.com"}
	list := call{operation: "list signing keys", method: http.MethodGet, repeatable: true}
	tests := []struct {
		name string
		body string
		want string
	}{
		{"Auth0's JSON", `{"statusCode": 503, "error": "Service Unavailable", "message": "The tenant is being updated"}`,
			"cannot list signing keys: Auth0 tenant example.eu.auth0.com answered 503 (The tenant is being updated)"},
		{"JSON without a message", `{"statusCode": 503, "error": "Service Unavailable"}`,
			"cannot list signing keys: Auth0 tenant example.eu.auth0.com answered 503 (Service Unavailable)"},
		{"a proxy's plain text", "upstream request timeout\n",
			"cannot list signing keys: Auth0 tenant example.eu.auth0.com answered 503 (upstream request timeout)"},
		{"an HTML page", "<html><body>Service Unavailable</body></html>",
			"cannot list signing keys: Auth0 tenant example.eu.auth0.com answered 503 (Service Unavailable)"},
		{"a long body", strings.Repeat("x", 200),
			"cannot list signing keys: Auth0 tenant example.eu.auth0.com answered 503 (Service Unavailable)"},
		{"no body", "",
			"cannot list signing keys: Auth0 tenant example.eu.auth0.com answered 503 (Service Unavailable)"},
	}
	for _, tc := range tests {
		err := c.apiError(context.Background(), list, &http.Response{StatusCode: http.StatusServiceUnavailable}, []byte(tc.body))
		if err.Error() != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, err, tc.want)
		}
	}
}

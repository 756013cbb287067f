package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

func TestTenantErrorDetail(t *testing.T) {
	t.Parallel()
	rateLimited := &management.APIError{StatusCode: http.StatusTooManyRequests, Operation: "list signing keys", Domain: "a.auth0.com"}
	pastDeadline := *rateLimited
	pastDeadline.BeyondDeadline = true
	tokenLimited := &management.TokenError{StatusCode: http.StatusTooManyRequests, Domain: "a.auth0.com"}
	refused := &management.APIError{StatusCode: http.StatusBadRequest, Operation: "revoke signing key k", Domain: "a.auth0.com"}
	timedOut := fmt.Errorf("cannot list signing keys: %w", context.DeadlineExceeded)
	tests := map[string]struct {
		err  error
		want string
	}{
		"a 429 after the retries":    {rateLimited, rateLimited.Error() + ". Raise max_retries in the provider block, or try again after the reset."},
		"a 429 resetting too late":   {&pastDeadline, pastDeadline.Error() + ". Raise read in the timeouts block, or try again after the reset."},
		"a token endpoint 429":       {tokenLimited, tokenLimited.Error() + ". Raise max_retries in the provider block, or try again after the reset."},
		"the operation's time ended": {timedOut, timedOut.Error() + ". The operation ran out of time: raise read in the timeouts block."},
		"a refusal":                  {refused, refused.Error()},
		"another error":              {errors.New("connection refused"), "connection refused"},
	}
	for name, tc := range tests {
		if got := tenantErrorDetail(tc.err, "read"); got != tc.want {
			t.Errorf("%s:\n got: %s\nwant: %s", name, got, tc.want)
		}
	}
}

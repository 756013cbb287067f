package management

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// APIError is an error answer of the Management API, with Auth0's error body
// (statusCode, error, message) and what the call was doing.
type APIError struct {
	StatusCode int
	ErrorText  string // Auth0's "error", e.g. Forbidden
	Message    string // Auth0's "message"
	// Operation is what the call did, e.g. "list signing keys".
	Operation string
	// KID is the key the call was about, if any.
	KID string
	// Domain is the tenant's domain.
	Domain string
	// RequiredScopes are the scopes the endpoint requires.
	RequiredScopes []string
	// NotRepeatable marks a call that is never sent twice (rotate).
	NotRepeatable bool
	// ResetAt is when the rate limit resets, on a 429 that says so.
	ResetAt time.Time
	// BeyondDeadline is true on a 429 whose reset comes after the
	// deadline of the call's context, so it was not waited for.
	BeyondDeadline bool
	// Credential names the credential a 401 refused (never its value).
	Credential string
}

func (e *APIError) Error() string {
	said := e.Message
	if said == "" {
		said = e.ErrorText
	}
	if said == "" {
		said = http.StatusText(e.StatusCode)
	}
	switch e.StatusCode {
	case http.StatusUnauthorized:
		return fmt.Sprintf("cannot %s: %s", e.Operation, e.unauthorized(said))
	case http.StatusForbidden:
		return fmt.Sprintf("cannot %s: the access token lacks the scope %s (403: %s); grant %s to the application on the Auth0 Management API",
			e.Operation, strings.Join(e.missingScopes(), " and "), said, strings.Join(e.RequiredScopes, " and "))
	case http.StatusNotFound:
		if e.KID != "" {
			return fmt.Sprintf("cannot %s: the signing key with kid %q does not exist in tenant %s (404: %s)", e.Operation, e.KID, e.Domain, said)
		}
	case http.StatusTooManyRequests:
		return fmt.Sprintf("cannot %s: Auth0 tenant %s is rate limiting requests (429: %s)%s", e.Operation, e.Domain, said, e.rateLimitDetail())
	}
	return fmt.Sprintf("cannot %s: Auth0 tenant %s answered %d (%s)", e.Operation, e.Domain, e.StatusCode, said)
}

// unauthorized says which credential a 401 refused and what to do.
func (e *APIError) unauthorized(said string) string {
	credential := e.Credential
	if credential == "" {
		credential = "the access token"
	}
	switch {
	case e.expired() && credential == "api_token":
		return fmt.Sprintf("Auth0 tenant %s says api_token has expired (401: %s); issue a new Management API token", e.Domain, said)
	case e.expired():
		return fmt.Sprintf("Auth0 tenant %s rejected %s as expired (401: %s), also after a new token was fetched; check this machine's clock", e.Domain, credential, said)
	case credential == "api_token":
		return fmt.Sprintf("Auth0 tenant %s rejected api_token (401: %s); check that api_token is a Management API token of this tenant", e.Domain, said)
	}
	return fmt.Sprintf("Auth0 tenant %s rejected %s (401: %s); check client_id and client_secret, and that the application is authorized for this tenant's Auth0 Management API",
		e.Domain, credential, said)
}

// expired reports whether a 401 says the token expired.
func (e *APIError) expired() bool {
	return strings.Contains(strings.ToLower(e.Message+" "+e.ErrorText), "expired")
}

// rateLimitDetail says when a rate limit resets, and why the call stopped.
func (e *APIError) rateLimitDetail() string {
	var b strings.Builder
	b.WriteString(resetNote(e.ResetAt))
	if e.BeyondDeadline {
		b.WriteString(", after this operation's time runs out, so it was not waited for")
	} else {
		b.WriteString(", and the retries ran out")
	}
	if e.NotRepeatable {
		b.WriteString("; Auth0 carried out none of the tries")
	}
	return b.String()
}

// IsRateLimited reports whether err is a 429 of the Management API, and
// whether its reset came after the call's deadline.
func IsRateLimited(err error) (limited, beyondDeadline bool) {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests {
		return true, apiErr.BeyondDeadline
	}
	var tokenErr *TokenError
	if errors.As(err, &tokenErr) && tokenErr.StatusCode == http.StatusTooManyRequests {
		return true, false
	}
	return false, false
}

// missingScopes names the scopes Auth0 says it expected, or else the
// endpoint's required scopes.
func (e *APIError) missingScopes() []string {
	_, listed, found := strings.Cut(e.Message, "expected ")
	if found {
		if _, names, ok := strings.Cut(listed, ": "); ok {
			listed = names
		}
		var out []string
		for _, f := range strings.FieldsFunc(listed, func(r rune) bool { return r == ',' || r == ' ' || r == '.' }) {
			if strings.Contains(f, ":") {
				out = append(out, f)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return e.RequiredScopes
}

// UncertainError is a request the tenant may have carried out although no
// readable answer came back: the connection dropped after it was sent, the
// wait for the answer timed out or was cancelled, or the answer could not
// be read.
type UncertainError struct{ err error }

func (e *UncertainError) Error() string { return e.err.Error() }
func (e *UncertainError) Unwrap() error { return e.err }

// OutcomeUnknown reports whether err leaves open whether the tenant carried
// the request out: an UncertainError or a 5xx answer (which a tenant may
// send after committing a change). A 4xx answer, 429 included, means the
// request was not carried out, and an error before sending means it never
// reached the tenant, unless an earlier attempt of the call may have been
// carried out: the call's error is then an UncertainError.
func OutcomeUnknown(err error) bool {
	var uncertain *UncertainError
	var apiErr *APIError
	return errors.As(err, &uncertain) || (errors.As(err, &apiErr) && apiErr.StatusCode >= 500)
}

// IsNotFound reports whether err is a 404 from the Management API.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsBadRequest reports whether err is a 400 from the Management API: a
// request the tenant refused as it stands.
func IsBadRequest(err error) bool { return hasStatus(err, http.StatusBadRequest) }

func hasStatus(err error, status int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// TokenError is a refusal of the token endpoint.
type TokenError struct {
	StatusCode  int
	Code        string // OAuth error, e.g. access_denied
	Description string // error_description
	Domain      string
	ClientID    string
	Audience    string
	ResetAt     time.Time // on a 429 that says when its limit resets
	Assertion   bool      // authenticated with Private Key JWT
}

func (e *TokenError) Error() string {
	said := strings.TrimSpace(e.Code + ": " + e.Description)
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		if e.Assertion {
			return fmt.Sprintf("Auth0 tenant %s rejected the client assertion (401 %s): check client_id (%q), that "+
				"client_assertion_private_key is the private key of a credential registered for that application, and client_assertion_signing_alg",
				e.Domain, said, e.ClientID)
		}
		return fmt.Sprintf("Auth0 tenant %s rejected the client credentials (401 %s): check client_id (%q) and client_secret",
			e.Domain, said, e.ClientID)
	case strings.Contains(e.Description, "Service not enabled"):
		return fmt.Sprintf("Auth0 tenant %s does not know the audience %q (%d %s): the audience must be the tenant's Management API identifier, https://TENANT.auth0.com/api/v2/; set audience when domain is a custom domain",
			e.Domain, e.Audience, e.StatusCode, said)
	case e.StatusCode == http.StatusTooManyRequests:
		message := e.Description
		if message == "" {
			message = http.StatusText(e.StatusCode)
		}
		return fmt.Sprintf("cannot get a Management API token: Auth0 tenant %s is rate limiting token requests (429: %s)%s, and the retries ran out",
			e.Domain, message, resetNote(e.ResetAt))
	case e.StatusCode == http.StatusForbidden:
		return fmt.Sprintf("Auth0 tenant %s refused a token to client_id %q (403 %s): authorize the application for the Auth0 Management API with the client credentials grant",
			e.Domain, e.ClientID, said)
	}
	return fmt.Sprintf("cannot get a Management API token from Auth0 tenant %s (%d %s)", e.Domain, e.StatusCode, said)
}

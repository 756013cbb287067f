package management

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenSource gives the bearer token for a request.
type tokenSource interface {
	// token returns a token, and whether this call fetched it.
	token(ctx context.Context) (string, bool, error)
	// forget drops a token the tenant refused, so that the next call
	// fetches another; false when the token cannot be renewed.
	forget(token string) bool
	// credential names the credential in errors, never its value.
	credential() string
}

type staticToken string

func (t staticToken) token(context.Context) (string, bool, error) { return string(t), false, nil }
func (t staticToken) forget(string) bool                          { return false }
func (t staticToken) credential() string                          { return "api_token" }

// clientCredentials fetches a token with the client-credentials grant on
// first use and reuses it until it expires or the tenant refuses it;
// concurrent callers wait for the one request in flight.
type clientCredentials struct {
	config     clientcredentials.Config
	httpClient *http.Client
	domain     string
	// assertion is true for Private Key JWT: httpClient signs a fresh
	// assertion into every attempt.
	assertion bool

	mu      sync.Mutex
	current *oauth2.Token
}

func newClientCredentials(cfg Config, httpClient *http.Client, assertion bool) *clientCredentials {
	audience := cfg.Audience
	if audience == "" {
		audience = "https://" + cfg.Domain + "/api/v2/"
	}
	return &clientCredentials{
		config: clientcredentials.Config{
			ClientID:       cfg.ClientID,
			ClientSecret:   cfg.ClientSecret,
			TokenURL:       "https://" + cfg.Domain + "/oauth/token",
			EndpointParams: url.Values{"audience": {audience}},
			AuthStyle:      oauth2.AuthStyleInParams,
		},
		httpClient: httpClient,
		domain:     cfg.Domain,
		assertion:  assertion,
	}
}

func (c *clientCredentials) token(ctx context.Context) (string, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.current.Valid() {
		return c.current.AccessToken, false, nil
	}
	tok, err := c.config.Token(context.WithValue(ctx, oauth2.HTTPClient, c.httpClient))
	if err != nil {
		return "", false, c.explain(ctx, err)
	}
	c.current = tok
	return tok.AccessToken, true, nil
}

func (c *clientCredentials) forget(token string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.current != nil && c.current.AccessToken == token {
		c.current = nil
	}
	return true
}

func (c *clientCredentials) credential() string {
	return "the access token issued to client_id \"" + c.config.ClientID + "\""
}

// explain turns a token endpoint failure into an error that says which
// setting is wrong. It never includes the secret.
func (c *clientCredentials) explain(ctx context.Context, err error) error {
	var retrieve *oauth2.RetrieveError
	if errors.As(err, &retrieve) && retrieve.Response != nil {
		e := &TokenError{
			StatusCode:  retrieve.Response.StatusCode,
			Code:        retrieve.ErrorCode,
			Description: retrieve.ErrorDescription,
			Domain:      c.domain,
			ClientID:    c.config.ClientID,
			Assertion:   c.assertion,
			Audience:    c.config.EndpointParams.Get("audience"),
		}
		if e.StatusCode == http.StatusTooManyRequests {
			// Auth0 answers a 429 with its API error body, not an OAuth one.
			e.ResetAt, _ = rateLimitReset(retrieve.Response.Header, time.Now())
			var body struct {
				Message string `json:"message"`
			}
			if json.Unmarshal(retrieve.Body, &body) == nil && body.Message != "" {
				e.Description = body.Message
			}
		}
		return e
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errors.New("cannot get a Management API token from Auth0 tenant " + c.domain + ": " + stripURLError(err).Error())
}

// GrantedScopes returns the scopes the Management API token carries, read
// from its "scope" claim without checking its signature (it is this
// client's own token, and the tenant checks it on every call). ok is false
// when the token has no readable scope claim. It fetches a token when none
// is cached.
func (c *Client) GrantedScopes(ctx context.Context) (scopes []string, ok bool, err error) {
	token, _, err := c.auth.token(ctx)
	if err != nil {
		return nil, false, err
	}
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, claims); err != nil {
		return nil, false, nil //nolint:nilerr // an opaque token: the API answers as it would
	}
	scope, isString := claims["scope"].(string)
	if !isString {
		return nil, false, nil
	}
	return strings.Fields(scope), true, nil
}

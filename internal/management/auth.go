package management

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenSource gives the bearer token for a request.
type tokenSource interface {
	token(ctx context.Context) (string, error)
}

type staticToken string

func (t staticToken) token(context.Context) (string, error) { return string(t), nil }

// clientCredentials fetches a token with the client-credentials grant on
// first use and reuses it until it expires; concurrent callers wait for the
// one request in flight.
type clientCredentials struct {
	config     clientcredentials.Config
	httpClient *http.Client
	domain     string

	mu      sync.Mutex
	current *oauth2.Token
}

func newClientCredentials(cfg Config, httpClient *http.Client) *clientCredentials {
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
	}
}

func (c *clientCredentials) token(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.current.Valid() {
		return c.current.AccessToken, nil
	}
	tok, err := c.config.Token(context.WithValue(ctx, oauth2.HTTPClient, c.httpClient))
	if err != nil {
		return "", c.explain(ctx, err)
	}
	c.current = tok
	return tok.AccessToken, nil
}

// explain turns a token endpoint failure into an error that says which
// setting is wrong. It never includes the secret.
func (c *clientCredentials) explain(ctx context.Context, err error) error {
	var retrieve *oauth2.RetrieveError
	if errors.As(err, &retrieve) && retrieve.Response != nil {
		return &TokenError{
			StatusCode:  retrieve.Response.StatusCode,
			Code:        retrieve.ErrorCode,
			Description: retrieve.ErrorDescription,
			Domain:      c.domain,
			ClientID:    c.config.ClientID,
			Audience:    c.config.EndpointParams.Get("audience"),
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errors.New("cannot get a Management API token from Auth0 tenant " + c.domain + ": " + stripURLError(err).Error())
}

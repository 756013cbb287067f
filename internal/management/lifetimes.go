package management

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/scopes"
)

// API is a resource server with the lifetimes of the access tokens it
// gets.
type API struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	Identifier          string `json:"identifier"`
	SigningAlg          string `json:"signing_alg"`
	TokenLifetime       int    `json:"token_lifetime"`
	TokenLifetimeForWeb int    `json:"token_lifetime_for_web"`
}

// Application is an application with the lifetimes of the ID tokens and
// SAML assertions the tenant signs for it.
type Application struct {
	ClientID         string `json:"client_id"`
	Name             string `json:"name"`
	JWTConfiguration *struct {
		LifetimeInSeconds int    `json:"lifetime_in_seconds"`
		Alg               string `json:"alg"`
	} `json:"jwt_configuration"`
	Addons *struct {
		SAMLP *struct {
			LifetimeInSeconds int `json:"lifetimeInSeconds"`
		} `json:"samlp"`
	} `json:"addons"`
}

// Auth0's defaults for lifetimes a tenant leaves unset.
const (
	defaultAccessTokenLifetime       = 86400 * time.Second
	defaultAccessTokenLifetimeForWeb = 7200 * time.Second
	defaultIDTokenLifetime           = 36000 * time.Second
	defaultSAMLLifetime              = 3600 * time.Second
)

// perPage is the largest page Auth0 serves.
const perPage = 100

// pageFetches bounds the pages fetched at once after the first: within the
// burst of 10 requests Auth0 allows even non-production tenants, so that
// 1,000 applications take two round trips.
const pageFetches = 9

// ListAPIs lists every resource server with its token settings.
func (c *Client) ListAPIs(ctx context.Context) ([]API, error) {
	// The endpoint takes no fields parameter: an API's few fields come whole.
	return listAll[API](ctx, c, "list APIs", "/api/v2/resource-servers", "resource_servers", scopes.ReadResourceServers, "")
}

// ListApplications lists every application with its ID token and SAML
// settings.
func (c *Client) ListApplications(ctx context.Context) ([]Application, error) {
	return listAll[Application](ctx, c, "list applications", "/api/v2/clients", "clients", scopes.ReadClients,
		"client_id,name,jwt_configuration,addons")
}

// listAll reads the first page with its total, then the other pages at
// once, a few at a time, asking only for the fields given (all when empty).
func listAll[T any](ctx context.Context, c *Client, operation, path, name, scope, fields string) ([]T, error) {
	page := func(ctx context.Context, n int) ([]T, int, error) {
		q := url.Values{"page": {strconv.Itoa(n)}, "per_page": {strconv.Itoa(perPage)}, "include_totals": {"true"}}
		if fields != "" {
			q.Set("fields", fields)
			q.Set("include_fields", "true")
		}
		var body map[string]json.RawMessage
		if err := c.do(ctx, call{operation: operation, method: http.MethodGet, path: path + "?" + q.Encode(),
			scopes: []string{scope}, repeatable: true}, &body); err != nil {
			return nil, 0, err
		}
		var items []T
		var total int
		if err := json.Unmarshal(body[name], &items); err != nil {
			return nil, 0, fmt.Errorf("cannot %s: the answer holds no %s list: %w", operation, name, err)
		}
		_ = json.Unmarshal(body["total"], &total)
		return items, total, nil
	}
	first, total, err := page(ctx, 0)
	if err != nil {
		return nil, err
	}
	pages := (total + perPage - 1) / perPage
	rest := make([][]T, max(pages-1, 0))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(pageFetches)
	for i := range rest {
		g.Go(func() error {
			items, _, err := page(gctx, i+1)
			rest[i] = items
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	all := first
	for _, items := range rest {
		all = append(all, items...)
	}
	return all, nil
}

// ReadLongestTokenLifetime lists the tenant's APIs and applications at
// once and returns the longest lifetime of what its signing key signs
// (LongestTokenLifetime).
func (c *Client) ReadLongestTokenLifetime(ctx context.Context) (TokenLifetime, error) {
	var apis []API
	var apps []Application
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		apis, err = c.ListAPIs(gctx)
		return err
	})
	g.Go(func() (err error) {
		apps, err = c.ListApplications(gctx)
		return err
	})
	if err := g.Wait(); err != nil {
		return TokenLifetime{}, err
	}
	return LongestTokenLifetime(apis, apps), nil
}

// TokenLifetime is how long a token the tenant signed may live, and who
// sets it.
type TokenLifetime struct {
	Lifetime time.Duration
	// Source names the API or application whose setting it is.
	Source string
}

// LongestTokenLifetime is the longest lifetime of the tokens and
// assertions the tenant signs with its application signing key: access
// tokens of APIs and ID tokens of applications that do not sign with
// HS256, and SAML assertions of applications with the SAML add-on. A
// lifetime left unset counts as Auth0's default.
func LongestTokenLifetime(apis []API, apps []Application) TokenLifetime {
	var longest TokenLifetime
	consider := func(seconds int, byDefault time.Duration, source string) {
		d := time.Duration(seconds) * time.Second
		if seconds <= 0 {
			d = byDefault
		}
		if d > longest.Lifetime {
			longest = TokenLifetime{Lifetime: d, Source: source}
		}
	}
	for _, a := range apis {
		if signedWithTheSigningKey(a.SigningAlg) {
			consider(a.TokenLifetime, defaultAccessTokenLifetime, fmt.Sprintf("the access tokens of API %q (%s)", a.Name, a.Identifier))
			consider(a.TokenLifetimeForWeb, defaultAccessTokenLifetimeForWeb,
				fmt.Sprintf("the access tokens for the web of API %q (%s)", a.Name, a.Identifier))
		}
	}
	for _, app := range apps {
		if jwt := app.JWTConfiguration; jwt == nil || signedWithTheSigningKey(jwt.Alg) {
			seconds := 0
			if jwt != nil {
				seconds = jwt.LifetimeInSeconds
			}
			consider(seconds, defaultIDTokenLifetime, fmt.Sprintf("the ID tokens of application %q (%s)", app.Name, app.ClientID))
		}
		if app.Addons != nil && app.Addons.SAMLP != nil {
			consider(app.Addons.SAMLP.LifetimeInSeconds, defaultSAMLLifetime, fmt.Sprintf("the SAML assertions of application %q (%s)", app.Name, app.ClientID))
		}
	}
	return longest
}

// signedWithTheSigningKey reports whether tokens of the algorithm alg are
// signed with the tenant's application signing key: those of every
// algorithm Auth0 offers but HS256, which signs with a secret. An alg left
// out is Auth0's default, RS256.
func signedWithTheSigningKey(alg string) bool {
	return alg != "HS256"
}

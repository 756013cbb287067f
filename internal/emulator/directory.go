package emulator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// API is a resource server as GET /api/v2/resource-servers lists it.
type API struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	Identifier          string `json:"identifier"`
	IsSystem            bool   `json:"is_system"`
	SigningAlg          string `json:"signing_alg"`
	TokenLifetime       int    `json:"token_lifetime"`
	TokenLifetimeForWeb int    `json:"token_lifetime_for_web"`
}

// Application is an application as GET /api/v2/clients lists it.
type Application struct {
	ClientID         string            `json:"client_id"`
	Name             string            `json:"name"`
	AppType          string            `json:"app_type,omitempty"`
	JWTConfiguration *JWTConfiguration `json:"jwt_configuration,omitempty"`
	Addons           *Addons           `json:"addons,omitempty"`
}

// JWTConfiguration is how an application's ID tokens are signed.
type JWTConfiguration struct {
	LifetimeInSeconds int    `json:"lifetime_in_seconds,omitempty"`
	Alg               string `json:"alg,omitempty"`
}

// Addons are an application's add-ons; only SAML matters here.
type Addons struct {
	SAMLP *SAMLAddon `json:"samlp,omitempty"`
}

// SAMLAddon is the SAML2 Web App add-on.
type SAMLAddon struct {
	LifetimeInSeconds int `json:"lifetimeInSeconds,omitempty"`
}

// ManagementAPI is the Auth0 Management API every tenant lists among its
// APIs, with Auth0's default lifetimes.
func ManagementAPI(domain string) API {
	return API{ID: "mgmt", Name: "Auth0 Management API", Identifier: "https://" + domain + "/api/v2/", IsSystem: true,
		SigningAlg: "RS256", TokenLifetime: 86400, TokenLifetimeForWeb: 7200}
}

// listPage answers a paged list endpoint as Auth0 does: page (0-based),
// per_page (50 by default, at most 100), include_totals (an object with
// start, limit and total, else a plain array) and fields with
// include_fields (the fields to keep, or with include_fields=false to drop).
// Endpoints without fields refuse it, as Auth0 refuses unknown parameters.
func listPage[T any](w http.ResponseWriter, r *http.Request, name string, all []T, takesFields bool) {
	q := r.URL.Query()
	if !takesFields && (q.Has("fields") || q.Has("include_fields")) {
		apiError(w, http.StatusBadRequest, "Bad Request", "Query validation error: 'Additional properties not allowed: fields' on property query", "invalid_query_string")
		return
	}
	page, perPage := 0, 50
	if v := q.Get("page"); v != "" {
		page, _ = strconv.Atoi(v)
	}
	if v := q.Get("per_page"); v != "" {
		perPage, _ = strconv.Atoi(v)
	}
	if page < 0 || perPage < 0 || perPage > 100 {
		apiError(w, http.StatusBadRequest, "Bad Request", "Query validation error: 'per_page' must be at most 100", "invalid_query_string")
		return
	}
	start := min(page*perPage, len(all))
	items := make([]map[string]any, 0, perPage)
	for _, item := range all[start:min(start+perPage, len(all))] {
		items = append(items, selectFields(item, q.Get("fields"), q.Get("include_fields") != "false"))
	}
	if q.Get("include_totals") == "true" {
		writeJSON(w, http.StatusOK, map[string]any{name: items, "start": start, "limit": perPage, "total": len(all)})
		return
	}
	writeJSON(w, http.StatusOK, items)
}

// selectFields turns item into its JSON object, keeping (or with include
// false dropping) the comma-separated top-level fields; all when empty.
func selectFields(item any, fields string, include bool) map[string]any {
	b, _ := json.Marshal(item)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if fields == "" {
		return m
	}
	named := map[string]bool{}
	for _, f := range strings.Split(fields, ",") {
		named[strings.TrimSpace(f)] = true
	}
	for k := range m {
		if named[k] != include {
			delete(m, k)
		}
	}
	return m
}

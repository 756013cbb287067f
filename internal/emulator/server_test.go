package emulator

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/scopes"

	"github.com/go-jose/go-jose/v4"
)

// client trusts only the emulator's CA.
func client(t *testing.T, s *Server) *http.Client {
	t.Helper()
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(s.CACertPEM()) {
		t.Fatal("bad CA PEM")
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}
}

// decodeAnswer decodes a JSON answer into v, closes it and returns its
// status; a request that could not be sent ends the test.
func decodeAnswer(t *testing.T, resp *http.Response, err error, v any) int {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_ = json.NewDecoder(resp.Body).Decode(v)
	return resp.StatusCode
}

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestTokenEndpointTakesFormJSONAndBasicAuth(t *testing.T) {
	s := start(t, Options{})
	c, hc := DefaultClient(), client(t, s)
	requests := map[string]func() (*http.Response, error){
		"form": func() (*http.Response, error) {
			return hc.PostForm(s.URL()+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {c.Secret}, "audience": {s.Audience()}})
		},
		"json": func() (*http.Response, error) {
			body := `{"grant_type":"client_credentials","client_id":"` + c.ID + `","client_secret":"` + c.Secret + `","audience":"` + s.Audience() + `"}`
			return hc.Post(s.URL()+"/oauth/token", "application/json", strings.NewReader(body))
		},
		"basic": func() (*http.Response, error) {
			req, _ := http.NewRequest(http.MethodPost, s.URL()+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}, "audience": {s.Audience()}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(c.ID, c.Secret)
			return hc.Do(req)
		},
	}
	var refusal struct {
		Error string `json:"error"`
	}
	resp, err := hc.PostForm(s.URL()+"/oauth/token", url.Values{"grant_type": {"password"}, "client_id": {c.ID}, "client_secret": {c.Secret}, "audience": {s.Audience()}})
	if status := decodeAnswer(t, resp, err, &refusal); status != http.StatusForbidden || refusal.Error != "unauthorized_client" {
		t.Errorf("another grant type: %d %+v, want 403 unauthorized_client", status, refusal)
	}
	for name, do := range requests {
		var tok struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			ExpiresIn   int    `json:"expires_in"`
			Scope       string `json:"scope"`
		}
		resp, err := do()
		if decodeAnswer(t, resp, err, &tok) != http.StatusOK || tok.TokenType != "Bearer" || tok.ExpiresIn != 86400 || strings.Count(tok.AccessToken, ".") != 2 ||
			tok.Scope != "read:resource_servers read:clients read:signing_keys create:signing_keys update:signing_keys" {
			t.Errorf("%s: %d %+v", name, resp.StatusCode, tok)
		}
		if resp.Header.Get("X-RateLimit-Limit") == "" || resp.Header.Get("X-RateLimit-Reset") == "" {
			t.Errorf("%s: no rate-limit headers", name)
		}
	}
}

// TestEveryScopeIsRequired sends each write with a token that lacks one of
// its scopes: the rotate call needs create:signing_keys and
// update:signing_keys, the revoke call update:signing_keys.
func TestEveryScopeIsRequired(t *testing.T) {
	s := start(t, Options{Keys: TenantWithHistory()})
	previous := s.Keys()[1]
	hc := client(t, s)
	for _, tc := range []struct {
		method, path string
		granted      []string
		want         string
	}{
		{http.MethodPost, "/api/v2/keys/signing/rotate", []string{scopes.ReadSigningKeys, scopes.CreateSigningKeys},
			"Insufficient scope, expected all of: create:signing_keys,update:signing_keys"},
		{http.MethodPost, "/api/v2/keys/signing/rotate", []string{scopes.ReadSigningKeys, scopes.UpdateSigningKeys},
			"Insufficient scope, expected all of: create:signing_keys,update:signing_keys"},
		{http.MethodPut, "/api/v2/keys/signing/" + previous.KID + "/revoke", []string{scopes.ReadSigningKeys, scopes.CreateSigningKeys},
			"Insufficient scope, expected any of: update:signing_keys"},
	} {
		req, _ := http.NewRequest(tc.method, s.URL()+tc.path, nil)
		req.Header.Set("Authorization", "Bearer "+s.IssueToken(tc.granted, time.Hour))
		var body struct {
			Message   string `json:"message"`
			ErrorCode string `json:"errorCode"`
		}
		resp, err := hc.Do(req)
		if status := decodeAnswer(t, resp, err, &body); status != http.StatusForbidden || body.Message != tc.want || body.ErrorCode != "insufficient_scope" {
			t.Errorf("%s %s with %v: %d %+v, want 403 %q", tc.method, tc.path, tc.granted, status, body, tc.want)
		}
	}
	if s.Rotations() != 0 || s.Revocations() != 0 {
		t.Fatalf("%d rotations and %d revocations without the scopes", s.Rotations(), s.Revocations())
	}
}

func TestRotateAndRevokeFollowTheKeyLifecycle(t *testing.T) {
	s := start(t, Options{Keys: TenantWithHistory()})
	before := s.Keys()
	current, next := before[2], before[3]
	if _, err := s.tenant.revoke(current.KID); err != errNotRevocable {
		t.Fatalf("revoking the current key: %v", err)
	}
	if _, err := s.tenant.revoke(next.KID); err != errNotRevocable {
		t.Fatalf("revoking the next key: %v", err)
	}
	newNext, err := s.tenant.rotate()
	if err != nil {
		t.Fatal(err)
	}
	after := s.Keys()
	if k, _ := s.Key(current.KID); k.Current || !k.Previous || k.CurrentUntil == nil {
		t.Fatalf("old current key after rotation: %+v", k)
	}
	if k, _ := s.Key(next.KID); !k.Current || k.Next || k.CurrentSince == nil {
		t.Fatalf("old next key after rotation: %+v", k)
	}
	if len(after) != len(before)+1 || !after[len(after)-1].Next || after[len(after)-1].KID != newNext.KID {
		t.Fatalf("no new next key: %+v", after)
	}
	revoked, err := s.tenant.revoke(current.KID)
	if err != nil || !revoked.Revoked || revoked.RevokedAt == nil {
		t.Fatalf("revoking the previous key: %+v %v", revoked, err)
	}
	again, err := s.tenant.revoke(current.KID)
	if err != nil || !again.Revoked || *again.RevokedAt != *revoked.RevokedAt || s.Revocations() != 1 {
		t.Fatalf("revoking a revoked key again: %+v %v, %d revocations; want the key as it was and one revocation",
			again, err, s.Revocations())
	}
	if len(newNext.KID) != 21 || strings.Trim(newNext.KID, kidAlphabet) != "" {
		t.Fatalf("kid %q is not shaped like Auth0's", newNext.KID)
	}
	if !strings.HasPrefix(newNext.Cert, "-----BEGIN CERTIFICATE-----\r\n") || !strings.HasSuffix(newNext.Cert, "\r\n-----END CERTIFICATE-----") ||
		!strings.HasPrefix(newNext.PKCS7, "-----BEGIN PKCS7-----\r\n") || len(newNext.Thumbprint) != 40 || len(newNext.Fingerprint) != 59 {
		t.Fatalf("key material not in Auth0's format: %+v", newNext)
	}
}

func TestAddKeyRefusesAKIDInUse(t *testing.T) {
	s := start(t, Options{})
	kid := s.Keys()[0].KID
	if _, err := s.AddKey(KeySpec{KID: kid, Previous: true}); !errors.Is(err, errDuplicatedKID) || len(s.Keys()) != 2 {
		t.Fatalf("adding a key of kid %s again: %v, %d keys; want refused, 2 keys", kid, err, len(s.Keys()))
	}
}

func TestListQuirks(t *testing.T) {
	s := start(t, Options{Keys: TenantWithHistory()})
	s.MarkCurrentAsPrevious(true)
	s.ListRevokedLimit(1)
	undated, err := s.AddKey(KeySpec{Previous: true, Revoked: true})
	if err != nil {
		t.Fatal(err)
	}
	latest, err := s.AddKey(KeySpec{Previous: true, Revoked: true, RevokedAt: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	list := s.tenant.list()
	var listedRevoked []string
	for _, k := range list {
		if k.Current && !k.Previous {
			t.Fatal("the current key is not marked previous")
		}
		if k.Revoked {
			listedRevoked = append(listedRevoked, k.KID)
		}
	}
	if len(list) != 4 || fmt.Sprint(listedRevoked) != fmt.Sprint([]string{latest.KID}) {
		t.Fatalf("list holds %d keys, revoked %v; want 4, with only the latest revoked key of three, %s", len(list), listedRevoked, latest.KID)
	}
	if _, err := s.tenant.get(undated.KID); err != nil {
		t.Fatalf("a revoked key hidden from the list is not found by kid: %v", err)
	}
}

func TestLoopbackOnly(t *testing.T) {
	if _, err := Start(Options{Addr: "0.0.0.0:0"}); err == nil {
		t.Fatal("the emulator listened beyond loopback")
	}
	for _, addr := range []string{"localhost:0", "[::1]:0"} {
		s, err := Start(Options{Addr: addr})
		if err != nil {
			if addr == "localhost:0" || strings.Contains(err.Error(), "loopback only") {
				t.Errorf("%s was refused: %v", addr, err)
			}
			continue // a machine without IPv6 cannot listen on ::1
		}
		s.Close()
	}
}

// TestBearerTokensOnly accepts an issued token only as a bearer token.
func TestBearerTokensOnly(t *testing.T) {
	s := start(t, Options{})
	token := s.IssueToken(scopes.SigningKeys, time.Hour)
	hc := client(t, s)
	for _, tc := range []struct {
		authorization string
		status        int
		message       string
	}{
		{"Bearer " + token, http.StatusOK, ""},
		{token, http.StatusUnauthorized, "Invalid token."},
		{"Basic " + token, http.StatusUnauthorized, "Invalid token."},
		{"Bearer not-issued-here", http.StatusUnauthorized, "Invalid token."},
		{"", http.StatusUnauthorized, "Missing authentication"},
	} {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/api/v2/keys/signing", nil)
		if tc.authorization != "" {
			req.Header.Set("Authorization", tc.authorization)
		}
		var body struct {
			Message string `json:"message"`
		}
		resp, err := hc.Do(req)
		if status := decodeAnswer(t, resp, err, &body); status != tc.status || body.Message != tc.message {
			t.Errorf("Authorization %.12q: %d %q, want %d %q", tc.authorization, status, body.Message, tc.status, tc.message)
		}
	}
}

// TestAClientLeavingDuringADelay gives up on a rotation whose answer is
// delayed: work done before the delay stands, as on a real server, and a
// request abandoned before it was processed changes nothing.
func TestAClientLeavingDuringADelay(t *testing.T) {
	for name, tc := range map[string]struct {
		afterProcessing bool
		rotations       int
	}{"after processing": {true, 1}, "before processing": {false, 0}} {
		t.Run(name, func(t *testing.T) {
			s := start(t, Options{})
			s.InjectFault(Fault{Op: OpRotate, AfterProcessing: tc.afterProcessing, Delay: 5 * time.Second})
			hc, token := client(t, s), "Bearer "+s.IssueToken(scopes.SigningKeys, time.Hour)
			// A first request opens the connection, so that the client's
			// patience below is spent waiting for the answer, not on the
			// TLS handshake of a busy machine.
			list, _ := http.NewRequest(http.MethodGet, s.URL()+"/api/v2/keys/signing", nil)
			list.Header.Set("Authorization", token)
			resp, err := hc.Do(list)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/api/v2/keys/signing/rotate", nil)
			req.Header.Set("Authorization", token)
			if resp, err := hc.Do(req); err == nil {
				_ = resp.Body.Close()
				t.Fatal("the delayed answer arrived before the client gave up")
			}
			time.Sleep(100 * time.Millisecond)
			if n := s.Rotations(); n != tc.rotations {
				t.Fatalf("the tenant rotated %d times, want %d", n, tc.rotations)
			}
		})
	}
}

// callAdmin sends a request to the admin endpoint; its body is closed
// when the test ends.
func callAdmin(t *testing.T, s *Server, method, path, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL()+AdminPath+path, strings.NewReader(body))
	resp, err := client(t, s).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

// TestAdminFaultCarriesEveryField takes a fault with every field set, as
// the admin endpoint does: the fault it injects has each of them.
func TestAdminFaultCarriesEveryField(t *testing.T) {
	body := `{"op": "rotate", "times": 2, "status": 429, "reset_in": "3s", "retry_after": true, "retry_after_date": true,
		"message": "m", "drop": true, "redirect_to": "https://x.test/", "unreadable": true, "oversize": true,
		"after_processing": true, "delay": "5ms", "skip": 1, "rotate_first": true}`
	want := Fault{Op: OpRotate, Times: 2, Status: http.StatusTooManyRequests, ResetIn: 3 * time.Second, RetryAfter: true, RetryAfterDate: true,
		Message: "m", Drop: true, RedirectTo: "https://x.test/", Unreadable: true, Oversize: true, AfterProcessing: true,
		Delay: 5 * time.Millisecond, Skip: 1, RotateFirst: true}
	fields := reflect.ValueOf(want)
	for i := range fields.NumField() {
		if fields.Field(i).IsZero() {
			t.Errorf("Fault.%s is not set here: give it to the admin endpoint too", fields.Type().Field(i).Name)
		}
	}
	var a adminFault
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	if got, err := a.fault(); err != nil || got != want {
		t.Fatalf("the admin endpoint's fault:\n got %+v (%v)\nwant %+v", got, err, want)
	}
}

func TestAdminEndpoint(t *testing.T) {
	s := start(t, Options{})
	hc := client(t, s)
	admin := func(method, path, body string) *http.Response {
		t.Helper()
		return callAdmin(t, s, method, path, body)
	}
	if resp := admin(http.MethodPost, "/faults", `{"op": "list", "status": 503, "delay": "1ms", "times": 2}`); resp.StatusCode != http.StatusCreated {
		t.Fatalf("injecting a fault: %d", resp.StatusCode)
	}
	if resp := admin(http.MethodPost, "/faults", `{"op": "list", "delay": "soon"}`); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a fault with a bad duration: %d", resp.StatusCode)
	}
	var refusal struct {
		Message string `json:"message"`
	}
	if status := decodeAnswer(t, admin(http.MethodPost, "/faults", `{"op": "rotates", "status": 503}`), nil, &refusal); status != http.StatusBadRequest ||
		refusal.Message != `op: "rotates" is not one of token, list, get, rotate, revoke, resource-servers, clients, jwks, gateway-jwks (or empty, for all)` {
		t.Fatalf("a fault on an endpoint that does not exist: %d %q", status, refusal.Message)
	}
	if resp := admin(http.MethodPost, "/rotate", ""); resp.StatusCode != http.StatusCreated || s.Rotations() != 1 {
		t.Fatalf("rotating out of band: %d, %d rotations", resp.StatusCode, s.Rotations())
	}
	c := DefaultClient()
	if resp := admin(http.MethodPut, "/clients/"+c.ID+"/scopes", `{"scopes": ["read:signing_keys"]}`); resp.StatusCode != http.StatusOK {
		t.Fatalf("setting scopes: %d", resp.StatusCode)
	}
	if got, _ := s.client(c.ID, c.Secret); len(got.Scopes) != 1 || got.Scopes[0] != scopes.ReadSigningKeys {
		t.Fatalf("the client's scopes are %v", got.Scopes)
	}
	var state struct {
		Keys      []Key `json:"keys"`
		Rotations int   `json:"rotations"`
	}
	if err := json.NewDecoder(admin(http.MethodGet, "/state", "").Body).Decode(&state); err != nil || len(state.Keys) != 3 || state.Rotations != 1 {
		t.Fatalf("state: %+v %v", state, err)
	}
	token := s.IssueToken(scopes.SigningKeys, time.Hour)
	for range 2 {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/api/v2/keys/signing", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("the injected fault did not answer: %d", resp.StatusCode)
		}
	}
	for _, r := range s.Requests() {
		if strings.HasPrefix(r.Path, AdminPath) {
			t.Fatalf("the request log recorded an admin request: %+v", r)
		}
	}
}

// TestAdminKeyDatesAndGatewayJWKS dates a key and sets the gateway's key
// set through the admin endpoint, and refuses what is neither.
func TestAdminKeyDatesAndGatewayJWKS(t *testing.T) {
	s := start(t, Options{Keys: TenantWithHistory()})
	prev := s.Keys()[1]
	dates := `{"current_since": "2026-01-02T03:04:05Z", "current_until": "2026-04-02T03:04:05Z"}`
	if resp := callAdmin(t, s, http.MethodPut, "/keys/"+prev.KID+"/dates", dates); resp.StatusCode != http.StatusOK {
		t.Fatalf("dating a key: %d", resp.StatusCode)
	}
	if k, _ := s.Key(prev.KID); deref(k.CurrentSince) != "2026-01-02T03:04:05.000Z" || deref(k.CurrentUntil) != "2026-04-02T03:04:05.000Z" {
		t.Errorf("the key's dates are %s and %s", deref(k.CurrentSince), deref(k.CurrentUntil))
	}
	if resp := callAdmin(t, s, http.MethodPut, "/keys/no-such-kid/dates", dates); resp.StatusCode != http.StatusNotFound {
		t.Errorf("dating a key the tenant lacks: %d, want 404", resp.StatusCode)
	}
	if resp := callAdmin(t, s, http.MethodPut, "/keys/"+prev.KID+"/dates", `{"current_since": "yesterday"}`); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a date that is not RFC 3339: %d, want 400", resp.StatusCode)
	}

	hc := client(t, s)
	gateway := func() (int, string) {
		resp, err := hc.Get(s.URL() + GatewayJWKSPath)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, _ := gateway(); status != http.StatusNotFound {
		t.Errorf("a gateway with no key set yet: %d, want 404", status)
	}
	jwks := `{"keys": [{"kty": "RSA", "kid": "` + prev.KID + `"}]}`
	if resp := callAdmin(t, s, http.MethodPut, "/gateway-jwks", jwks); resp.StatusCode != http.StatusOK {
		t.Fatalf("setting the gateway's key set: %d", resp.StatusCode)
	}
	if status, body := gateway(); status != http.StatusOK || body != jwks {
		t.Errorf("the gateway serves %d %s, want 200 %s", status, body, jwks)
	}
	if resp := callAdmin(t, s, http.MethodPut, "/gateway-jwks", `{"keys": {}}`); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a body that is not a key set: %d, want 400", resp.StatusCode)
	}
	if status, body := gateway(); status != http.StatusOK || body != jwks {
		t.Errorf("after a refused key set the gateway serves %d %s, want the one before", status, body)
	}
}

func TestDirectoryListsPageAsAuth0Does(t *testing.T) {
	var apps []Application
	for i := range 250 {
		apps = append(apps, Application{ClientID: fmt.Sprintf("app%03d", i), Name: "app", JWTConfiguration: &JWTConfiguration{LifetimeInSeconds: 36000}})
	}
	s := start(t, Options{Applications: apps})
	hc := client(t, s)
	get := func(path string, scopeList []string) (int, []byte) {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+path, nil)
		req.Header.Set("Authorization", "Bearer "+s.IssueToken(scopeList, time.Hour))
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	status, body := get("/api/v2/clients?page=2&per_page=100&include_totals=true&fields=client_id,jwt_configuration&include_fields=true", []string{scopes.ReadClients})
	var page struct {
		Clients []map[string]any `json:"clients"`
		Start   int              `json:"start"`
		Total   int              `json:"total"`
	}
	if err := json.Unmarshal(body, &page); err != nil || status != http.StatusOK || page.Total != 250 || page.Start != 200 || len(page.Clients) != 50 {
		t.Fatalf("page 3: %d %+v %v", status, page, err)
	}
	if _, named := page.Clients[0]["name"]; named || page.Clients[0]["client_id"] != "app200" {
		t.Fatalf("fields were not applied: %v", page.Clients[0])
	}
	status, body = get("/api/v2/clients?page=9&include_totals=true&fields=name&include_fields=false", []string{scopes.ReadClients})
	if err := json.Unmarshal(body, &page); err != nil || status != http.StatusOK || page.Total != 250 || page.Start != 250 || len(page.Clients) != 0 {
		t.Fatalf("a page past the end: %d %+v %v", status, page, err)
	}
	status, body = get("/api/v2/clients?include_totals=true&fields=name&include_fields=false", []string{scopes.ReadClients})
	if err := json.Unmarshal(body, &page); err != nil || status != http.StatusOK || len(page.Clients) != 50 || page.Start != 0 {
		t.Fatalf("the first page, 50 by default: %d %+v %v", status, len(page.Clients), err)
	}
	if _, named := page.Clients[0]["name"]; named || page.Clients[0]["client_id"] != "app000" {
		t.Fatalf("include_fields=false did not drop the fields named: %v", page.Clients[0])
	}
	if status, _ := get("/api/v2/clients?per_page=101", []string{scopes.ReadClients}); status != http.StatusBadRequest {
		t.Fatalf("per_page 101: %d", status)
	}
	if status, _ := get("/api/v2/clients", []string{scopes.ReadSigningKeys}); status != http.StatusForbidden {
		t.Fatalf("without read:clients: %d", status)
	}
	if status, _ := get("/api/v2/resource-servers?fields=name", []string{scopes.ReadResourceServers}); status != http.StatusBadRequest {
		t.Fatalf("resource servers take no fields: %d", status)
	}
	status, body = get("/api/v2/resource-servers", []string{scopes.ReadResourceServers})
	var apis []API
	if err := json.Unmarshal(body, &apis); err != nil || status != http.StatusOK || len(apis) != 1 || !apis[0].IsSystem || apis[0].TokenLifetime != 86400 {
		t.Fatalf("resource servers: %d %s", status, body)
	}
}

func TestPublishedKeysAndKeyDates(t *testing.T) {
	s := start(t, Options{Keys: TenantWithHistory()})
	var jwks jose.JSONWebKeySet
	if err := json.Unmarshal(s.PublishedJWKS(), &jwks); err != nil || len(jwks.Keys) != 3 {
		t.Fatalf("published %d keys, want the previous, current and next: %v", len(jwks.Keys), err)
	}
	if k := jwks.Keys[0]; k.KeyID != s.Keys()[1].KID || !k.Valid() || len(k.CertificateThumbprintSHA1) == 0 {
		t.Fatalf("first published key: %+v", k)
	}
	queued, err := s.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(s.PublishedJWKS(), &jwks); err != nil || len(jwks.Keys) != 4 || jwks.Keys[3].KeyID != queued.KID {
		t.Fatalf("after a rotation, published %d keys (%v), want 4 ending with the new next key %s", len(jwks.Keys), err, queued.KID)
	}
	since := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if !s.SetKeyDates(s.Keys()[2].KID, since, time.Time{}) {
		t.Fatal("no such key")
	}
	if k := s.Keys()[2]; k.CurrentSince == nil || *k.CurrentSince != "2026-01-02T03:04:05.000Z" || k.CurrentUntil != nil {
		t.Fatalf("dates: %+v", k)
	}
}

func TestRotationsPerDay(t *testing.T) {
	s := start(t, Options{})
	hc := client(t, s)
	first := time.Now()
	if _, err := s.Rotate(); err != nil { // counted although made before the limit was set
		t.Fatal(err)
	}
	for body, want := range map[string]int{`{"per_day": -1}`: http.StatusBadRequest, `{"per_day": 2}`: http.StatusOK} {
		if resp := callAdmin(t, s, http.MethodPut, "/rotation-limit", body); resp.StatusCode != want {
			t.Fatalf("setting the limit to %s: %d, want %d", body, resp.StatusCode, want)
		}
	}
	token := "Bearer " + s.IssueToken(scopes.SigningKeys, time.Hour)
	rotate := func() *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, s.URL()+"/api/v2/keys/signing/rotate", nil)
		req.Header.Set("Authorization", token)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = resp.Body.Close() })
		return resp
	}
	if resp := rotate(); resp.StatusCode != http.StatusCreated {
		t.Fatalf("the second rotation of the day: %d", resp.StatusCode)
	}
	keys := len(s.Keys())
	resp := rotate()
	var body struct {
		ErrorCode string `json:"errorCode"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	reset, _ := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
	if resp.StatusCode != http.StatusTooManyRequests || body.ErrorCode != "too_many_requests" || resp.Header.Get("X-RateLimit-Remaining") != "0" ||
		reset < first.Add(rotationDay).Unix() || reset > time.Now().Add(rotationDay).Unix()+1 {
		t.Fatalf("the third rotation of the day: %d %+v, reset %d, want a 429 resetting a day after the first rotation (%s)",
			resp.StatusCode, body, reset, first.Add(rotationDay))
	}
	if _, err := s.Rotate(); !errors.As(err, new(rotationLimitError)) {
		t.Fatalf("a rotation out of band past the limit: %v", err)
	}
	if s.Rotations() != 2 || len(s.Keys()) != keys {
		t.Fatalf("refused rotations changed the tenant: %d rotations, %d keys (want 2, %d)", s.Rotations(), len(s.Keys()), keys)
	}
}

func TestRotationDayCountsTheLast24Hours(t *testing.T) {
	ten := &tenant{rotationsPerDay: 2}
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for _, at := range []time.Time{t0, t0.Add(time.Hour)} {
		if err := ten.takeRotation(at); err != nil {
			t.Fatalf("rotation at %s: %v", at, err)
		}
	}
	var limited rotationLimitError
	if err := ten.takeRotation(t0.Add(23 * time.Hour)); !errors.As(err, &limited) || !limited.Reset.Equal(t0.Add(rotationDay)) {
		t.Fatalf("a third rotation within the day: %v, reset %s, want refused until %s", err, limited.Reset, t0.Add(rotationDay))
	}
	if err := ten.takeRotation(t0.Add(rotationDay)); err != nil {
		t.Fatalf("a rotation once the first left the day: %v", err)
	}
	if err := ten.takeRotation(t0.Add(rotationDay + time.Minute)); !errors.As(err, &limited) || !limited.Reset.Equal(t0.Add(time.Hour+rotationDay)) {
		t.Fatalf("the day holds two rotations again: %v, reset %s", err, limited.Reset)
	}
	// A limit lowered to one: both rotations of the day must leave it.
	ten.rotationsPerDay = 1
	if err := ten.takeRotation(t0.Add(rotationDay + 2*time.Minute)); !errors.As(err, &limited) || !limited.Reset.Equal(t0.Add(2*rotationDay)) {
		t.Fatalf("a rotation under a lowered limit: %v, reset %s, want refused until %s", err, limited.Reset, t0.Add(2*rotationDay))
	}
}

// TestRateLimitIsEnforced drains a bucket that refills once in 1000
// seconds: exactly its burst is served, the rest is refused without being
// logged as a fault, and a request outside the Management API spends none.
func TestRateLimitIsEnforced(t *testing.T) {
	s := start(t, Options{RateLimit: RateLimit{Burst: 3, PerSecond: 0.001}})
	hc, token := client(t, s), "Bearer "+s.IssueToken(scopes.SigningKeys, time.Hour)
	get := func(path string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.URL()+path, nil)
		req.Header.Set("Authorization", token)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp
	}
	if resp := get("/.well-known/jwks.json"); resp.StatusCode != http.StatusOK || resp.Header.Get("X-RateLimit-Remaining") != "3" {
		t.Fatalf("the JWKS: %d, remaining %q, want 200 and the full bucket of 3", resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"))
	}
	var remaining []string
	for range 6 {
		resp := get("/api/v2/keys/signing")
		if resp.StatusCode == http.StatusTooManyRequests {
			reset, _ := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
			if wait := time.Until(time.Unix(reset, 0)); wait < 2990*time.Second || wait > 3001*time.Second {
				t.Fatalf("a 429 asks to wait %s, want the 3000 s until the bucket is full", wait)
			}
		}
		remaining = append(remaining, fmt.Sprint(resp.StatusCode, " ", resp.Header.Get("X-RateLimit-Remaining")))
	}
	if got, want := strings.Join(remaining, ", "), "200 2, 200 1, 200 0, 429 0, 429 0, 429 0"; got != want {
		t.Fatalf("answers and remaining: %s, want %s", got, want)
	}
	var emptied []int
	for i, r := range s.Requests() {
		if r.Fault {
			t.Fatalf("the tenant's own 429 was logged as an injected fault: %+v", r)
		}
		if r.EmptiedBucket {
			emptied = append(emptied, i)
		}
	}
	if fmt.Sprint(emptied) != "[3]" {
		t.Fatalf("requests logged as emptying the bucket: %v, want [3], the third list", emptied)
	}
}

// TestFaultsApplyAsInjected checks Skip, Times, and a fault without an
// operation, which applies to whichever comes first.
func TestFaultsApplyAsInjected(t *testing.T) {
	var faults faultSet
	faults.add(Fault{Op: OpList, Skip: 1, Times: 2, Status: http.StatusServiceUnavailable})
	faults.add(Fault{Status: http.StatusInternalServerError})
	var got []int
	for _, op := range []Operation{OpList, OpGet, OpList, OpList, OpList, OpGet} {
		status := 0
		if f, _ := faults.next(op); f != nil {
			status = f.Status
		}
		got = append(got, status)
	}
	if want := []int{0, 500, 503, 503, 0, 0}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("faults served %v, want %v", got, want)
	}
}

func TestRateBucket(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	b := newRateBucket(FreeTenantRateLimit(), t0)
	for i := range 10 {
		if view, exceeded := b.take(t0); exceeded || view.remaining != 9-i || view.limit != 10 {
			t.Fatalf("request %d of the burst: %+v, exceeded %v", i+1, view, exceeded)
		}
	}
	if view, exceeded := b.take(t0); !exceeded || view.remaining != 0 || view.reset != t0.Add(5*time.Second).Unix() {
		t.Fatalf("beyond the burst: %+v, exceeded %v; want refused until the bucket is full in 5s", view, exceeded)
	}
	if view, exceeded := b.take(t0.Add(400 * time.Millisecond)); !exceeded || view.remaining != 0 {
		t.Fatalf("served, or said to have room, with 0.8 of a request in the bucket: %+v, exceeded %v", view, exceeded)
	}
	if view, exceeded := b.take(t0.Add(500 * time.Millisecond)); exceeded || view.remaining != 0 {
		t.Fatalf("half a second refills one request: %+v, exceeded %v", view, exceeded)
	}
	if view := b.peek(t0.Add(time.Minute)); view.remaining != 10 || view.reset != t0.Add(time.Minute).Unix() {
		t.Fatalf("a minute later the bucket is full and holds no more: %+v", view)
	}
	if view, _ := b.take(t0.Add(time.Minute + 250*time.Millisecond)); view.remaining != 9 || view.reset != t0.Add(time.Minute+time.Second).Unix() {
		t.Fatalf("reset rounds up to the whole second: %+v", view)
	}
}

func TestRateLimitSetAtTheAdminEndpoint(t *testing.T) {
	s := start(t, Options{})
	hc := client(t, s)
	for body, want := range map[string]int{`{"burst": 0, "per_second": 2}`: http.StatusBadRequest, `{"burst": 10}`: http.StatusBadRequest,
		`{"burst": 1, "per_second": 0.001}`: http.StatusOK} {
		if resp := callAdmin(t, s, http.MethodPut, "/rate-limit", body); resp.StatusCode != want {
			t.Fatalf("setting the rate limit to %s: %d, want %d", body, resp.StatusCode, want)
		}
	}
	token := "Bearer " + s.IssueToken(scopes.SigningKeys, time.Hour)
	var statuses []int
	for range 2 {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/api/v2/keys/signing", nil)
		req.Header.Set("Authorization", token)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
	}
	if statuses[0] != http.StatusOK || statuses[1] != http.StatusTooManyRequests {
		t.Fatalf("two requests on a bucket of one: %v", statuses)
	}
}

// TestRequestLogIsInArrivalOrder logs a request whose answer ended after
// the next one's: the log lists them as they arrived.
func TestRequestLogIsInArrivalOrder(t *testing.T) {
	t0 := time.Now()
	l := &requestLog{}
	l.add(Request{Op: OpRevoke, At: t0.Add(time.Millisecond), Done: t0.Add(2 * time.Millisecond)})
	l.add(Request{Op: OpList, At: t0, Done: t0.Add(3 * time.Millisecond)})
	if got := l.all(); got[0].Op != OpList || got[1].Op != OpRevoke {
		t.Fatalf("the log lists %s then %s, want list then revoke", got[0].Op, got[1].Op)
	}
}

// headerProbe calls onHeader as an answer's status is written, before any
// of the answer could reach a client.
type headerProbe struct {
	*httptest.ResponseRecorder
	onHeader func()
}

func (p *headerProbe) WriteHeader(code int) {
	p.onHeader()
	p.ResponseRecorder.WriteHeader(code)
}

// A request is in the log before its answer can reach the client, so a
// client that read the answer finds it there; an answer written without a
// status is logged as the 200 it is.
func TestAnswerIsLoggedBeforeItIsSent(t *testing.T) {
	s := start(t, Options{})
	var loggedAtHeader []int
	w := &headerProbe{ResponseRecorder: httptest.NewRecorder(), onHeader: func() { loggedAtHeader = append(loggedAtHeader, len(s.Requests())) }}
	s.endpoint(OpJWKS, nil, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"keys": []}`))
	}).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/.well-known/jwks.json", nil))
	log := s.Requests()
	if fmt.Sprint(loggedAtHeader) != "[1]" || len(log) != 1 || log[0].Status != http.StatusOK || w.Code != http.StatusOK {
		t.Fatalf("entries logged when the answer began: %v; log %+v; answered %d; want [1], one entry with status 200", loggedAtHeader, log, w.Code)
	}
}

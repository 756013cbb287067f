package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/scopes"
)

// statusRecorder remembers the status an answer was given.
type statusRecorder struct {
	http.ResponseWriter
	status int
	// answered is called once, with the status, as the answer begins:
	// before any of it can reach the client.
	answered func(status int)
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
		if r.answered != nil {
			r.answered(code)
		}
	}
	r.ResponseWriter.WriteHeader(code)
}

// Write answers 200 when no status was written, as net/http does.
func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /oauth/token", s.endpoint(OpToken, nil, s.token))
	mux.Handle("GET /api/v2/keys/signing", s.endpoint(OpList, []string{scopes.ReadSigningKeys}, s.listKeys))
	mux.Handle("POST /api/v2/keys/signing/rotate", s.endpoint(OpRotate, []string{scopes.CreateSigningKeys, scopes.UpdateSigningKeys}, s.rotateKey))
	mux.Handle("GET /api/v2/keys/signing/{kid}", s.endpoint(OpGet, []string{scopes.ReadSigningKeys}, s.getKey))
	mux.Handle("PUT /api/v2/keys/signing/{kid}/revoke", s.endpoint(OpRevoke, []string{scopes.UpdateSigningKeys}, s.revokeKey))
	mux.Handle("GET /api/v2/resource-servers", s.endpoint(OpAPIs, []string{scopes.ReadResourceServers}, func(w http.ResponseWriter, r *http.Request) {
		s.directoryMu.Lock()
		defer s.directoryMu.Unlock()
		listPage(w, r, "resource_servers", s.apis, false)
	}))
	mux.Handle("GET /api/v2/clients", s.endpoint(OpApplications, []string{scopes.ReadClients}, func(w http.ResponseWriter, r *http.Request) {
		s.directoryMu.Lock()
		defer s.directoryMu.Unlock()
		listPage(w, r, "clients", s.applications, true)
	}))
	mux.Handle("GET /.well-known/jwks.json", s.endpoint(OpJWKS, nil, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(s.PublishedJWKS())
	}))
	mux.Handle("GET "+GatewayJWKSPath, s.endpoint(OpGateway, nil, func(w http.ResponseWriter, _ *http.Request) {
		s.gatewayMu.Lock()
		defer s.gatewayMu.Unlock()
		if s.gatewayJWKS == nil {
			apiError(w, http.StatusNotFound, "Not Found", "the gateway serves no key set yet", "")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(s.gatewayJWKS)
	}))
	s.adminRoutes(mux)
	mux.Handle("/", s.endpoint(OpUnknown, nil, func(w http.ResponseWriter, _ *http.Request) {
		apiError(w, http.StatusNotFound, "Not Found", "Not Found", "")
	}))
	return mux
}

// endpoint wraps an operation with what every answer shares: latency,
// injected faults, rate-limit headers, authentication, scopes and the log.
func (s *Server) endpoint(op Operation, required []string, serve http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entry := Request{Op: op, Method: r.Method, Path: r.URL.EscapedPath(), At: time.Now(), UserAgent: r.UserAgent(),
			Authorized: r.Header.Get("Authorization") != ""}
		// The request is logged as its answer begins: a client that has
		// read the answer finds it in the log, however late this handler
		// returns. One that got no answer is logged on return.
		logAnswer := func(status int) {
			entry.Status, entry.Done = status, time.Now()
			s.log.add(entry)
		}
		rec := &statusRecorder{ResponseWriter: w, answered: logAnswer}
		defer func() {
			if rec.status == 0 {
				logAnswer(0)
			}
		}()
		fault, latency := s.faults.next(op)
		if fault != nil {
			entry.Fault = true
			if !fault.AfterProcessing {
				latency += fault.Delay
			}
		}
		if !wait(r, latency) {
			return // the client left before anything was done
		}
		if fault != nil && fault.RotateFirst {
			_, _ = s.tenant.rotate()
		}
		rate, exceeded := s.rate(required != nil)
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(rate.limit))
		if fault != nil && !fault.AfterProcessing && fault.answers() {
			s.serveFault(rec, *fault, rate.reset, http.StatusOK)
			return
		}
		if exceeded {
			// The Management API's own limit: nothing is carried out.
			s.serveFault(rec, Fault{Status: http.StatusTooManyRequests}, rate.reset, http.StatusOK)
			return
		}
		entry.EmptiedBucket = required != nil && rate.remaining == 0
		h.Set("X-RateLimit-Remaining", strconv.Itoa(rate.remaining))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(rate.reset, 10))
		if required != nil && !s.authorize(rec, r, required) {
			return
		}
		if fault == nil || !fault.AfterProcessing {
			serve(rec, r)
			return
		}
		// The work is done now; the answer is late, lost or garbled.
		done := &capturedAnswer{header: http.Header{}}
		serve(done, r)
		wait(r, fault.Delay)
		if fault.answers() {
			s.serveFault(rec, *fault, rate.reset, done.status)
			return
		}
		done.replay(rec)
	})
}

// rate takes a Management API request (counted) from the tenant's rate
// limit, and reports whether it was exceeded; other requests only see it.
func (s *Server) rate(counted bool) (rateView, bool) {
	if counted {
		return s.limits.take(time.Now())
	}
	return s.limits.peek(time.Now()), false
}

// wait holds an answer for d, and reports false when the client left first.
func wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	select {
	case <-time.After(d):
		return true
	case <-r.Context().Done():
		return false
	}
}

func (s *Server) serveFault(w *statusRecorder, f Fault, reset int64, realStatus int) {
	if f.Drop {
		panic(http.ErrAbortHandler)
	}
	if f.Oversize {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(realStatus)
		_, _ = w.Write([]byte(`{"padding": "` + strings.Repeat("x", 9<<20) + `"}`))
		return
	}
	if f.RedirectTo != "" {
		w.Header().Set("Location", f.RedirectTo)
		w.WriteHeader(http.StatusTemporaryRedirect)
		return
	}
	if f.Unreadable {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(realStatus)
		_, _ = w.Write([]byte("<html><body>upstream answer lost</body></html>"))
		return
	}
	if f.Status == http.StatusTooManyRequests {
		if f.ResetIn > 0 {
			reset = unixCeil(time.Now().Add(f.ResetIn))
		}
		w.Header().Set("X-RateLimit-Remaining", "0")
		switch {
		case f.RetryAfterDate:
			// Some proxies answer with only an HTTP-date Retry-After.
			w.Header().Del("X-RateLimit-Reset")
			w.Header().Set("Retry-After", time.Unix(reset, 0).UTC().Format(http.TimeFormat))
		case f.RetryAfter:
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
			w.Header().Set("Retry-After", strconv.FormatInt(max(1, reset-time.Now().Unix()), 10))
		default:
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
		}
		apiError(w, http.StatusTooManyRequests, "Too Many Requests", "Global limit has been reached", "too_many_requests")
		return
	}
	message := f.Message
	if message == "" {
		message = "Injected fault"
	}
	apiError(w, f.Status, http.StatusText(f.Status), message, "")
}

// authorize checks the bearer token and that it carries every scope.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, required []string) bool {
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if auth == "" {
		apiError(w, http.StatusUnauthorized, "Unauthorized", "Missing authentication", "")
		return false
	}
	g, known, expired := s.tokens.lookup(token)
	switch {
	case !ok || !known:
		apiError(w, http.StatusUnauthorized, "Unauthorized", "Invalid token.", "")
		return false
	case expired:
		apiError(w, http.StatusUnauthorized, "Unauthorized", ExpiredTokenMessage, "")
		return false
	}
	if !hasAll(g.scopes, required) {
		quantifier := "any of"
		if len(required) > 1 {
			quantifier = "all of"
		}
		apiError(w, http.StatusForbidden, "Forbidden",
			fmt.Sprintf("Insufficient scope, expected %s: %s", quantifier, strings.Join(required, ",")), "insufficient_scope")
		return false
	}
	return true
}

// GatewayJWKSPath is where the emulator serves the key set of an emulated
// gateway that copies the tenant's keys instead of reading them (SetGatewayJWKS).
const GatewayJWKSPath = "/gateway/jwks.json"

const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// token is the client-credentials grant, with a client secret or a
// Private Key JWT assertion.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	var p struct {
		GrantType           string `json:"grant_type"`
		ClientID            string `json:"client_id"`
		ClientSecret        string `json:"client_secret"`
		ClientAssertionType string `json:"client_assertion_type"`
		ClientAssertion     string `json:"client_assertion"`
		Audience            string `json:"audience"`
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_request", "Invalid JSON body")
			return
		}
	default:
		if err := r.ParseForm(); err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_request", "Invalid form body")
			return
		}
		p.GrantType, p.ClientID, p.ClientSecret, p.Audience = r.PostForm.Get("grant_type"), r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"), r.PostForm.Get("audience")
		p.ClientAssertionType, p.ClientAssertion = r.PostForm.Get("client_assertion_type"), r.PostForm.Get("client_assertion")
	}
	if id, secret, ok := r.BasicAuth(); ok && p.ClientID == "" {
		p.ClientID, p.ClientSecret = id, secret
	}
	if p.GrantType != "client_credentials" {
		oauthError(w, http.StatusForbidden, "unauthorized_client", "Grant type '"+p.GrantType+"' not allowed for the client.")
		return
	}
	client, ok := s.client(p.ClientID, p.ClientSecret)
	if p.ClientAssertionType == clientAssertionType {
		var err error
		if client, ok = s.clientByID(p.ClientID); ok {
			err = s.assertions.verify(client, s.URL()+"/", p.ClientAssertion)
		}
		if !ok || err != nil {
			oauthError(w, http.StatusUnauthorized, "access_denied", fmt.Sprintf("Invalid client assertion: %v", err))
			return
		}
	}
	if !ok {
		oauthError(w, http.StatusUnauthorized, "access_denied", "Unauthorized")
		return
	}
	if p.Audience != s.Audience() {
		oauthError(w, http.StatusForbidden, "access_denied", "Service not enabled within domain: "+p.Audience)
		return
	}
	if client.NotAuthorized {
		oauthError(w, http.StatusForbidden, "access_denied", fmt.Sprintf("Client is not authorized to access %q. You need to create a "+
			"\"client-grant\" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants", p.Audience))
		return
	}
	token := s.tokens.issue(p.Audience, client.ID, client.Scopes, s.tokenTTL)
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": token, "token_type": "Bearer", "expires_in": int(s.tokenTTL.Seconds()), "scope": joinScopes(client.Scopes),
	})
}

func (s *Server) listKeys(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.tenant.list())
}

func (s *Server) getKey(w http.ResponseWriter, r *http.Request) {
	k, err := s.tenant.get(r.PathValue("kid"))
	if err != nil {
		keyError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, k)
}

func (s *Server) rotateKey(w http.ResponseWriter, _ *http.Request) {
	k, err := s.tenant.rotate()
	if err != nil {
		keyError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"cert": k.Cert, "kid": k.KID})
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request) {
	k, err := s.tenant.revoke(r.PathValue("kid"))
	if err != nil {
		keyError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"cert": k.Cert, "kid": k.KID})
}

// unixCeil is t in whole Unix seconds, rounded up, as X-RateLimit-Reset
// says when a limit resets.
func unixCeil(t time.Time) int64 {
	s := t.Unix()
	if time.Unix(s, 0).Before(t) {
		s++
	}
	return s
}

func keyError(w http.ResponseWriter, err error) {
	var limited rotationLimitError
	switch {
	case errors.As(err, &limited):
		// A 429 of its own: the rotation was not carried out, and may be
		// sent again once the limit resets.
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(unixCeil(limited.Reset), 10))
		apiError(w, http.StatusTooManyRequests, "Too Many Requests", "Rate limit of signing key rotations has been reached: "+limited.Error()+".",
			"too_many_requests")
	case errors.Is(err, errKeyNotFound):
		apiError(w, http.StatusNotFound, "Not Found", "Signing key not found", "inexistent_signing_key")
	case errors.Is(err, errNotRevocable):
		apiError(w, http.StatusBadRequest, "Bad Request", "The current or next signing key cannot be revoked.", "invalid_body")
	case errors.Is(err, errNoNextKey):
		apiError(w, http.StatusConflict, "Conflict", err.Error(), "")
	default:
		apiError(w, http.StatusInternalServerError, "Internal Server Error", err.Error(), "")
	}
}

// apiError writes the Management API's error body.
func apiError(w http.ResponseWriter, status int, title, message, code string) {
	body := map[string]any{"statusCode": status, "error": title, "message": message}
	if code != "" {
		body["errorCode"] = code
	}
	writeJSON(w, status, body)
}

// oauthError writes the token endpoint's error body.
func oauthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// capturedAnswer holds an operation's answer while a fault decides what
// the client gets instead.
type capturedAnswer struct {
	header http.Header
	status int
	body   []byte
}

func (c *capturedAnswer) Header() http.Header { return c.header }
func (c *capturedAnswer) Write(b []byte) (int, error) {
	c.body = append(c.body, b...)
	return len(b), nil
}
func (c *capturedAnswer) WriteHeader(status int) { c.status = status }

func (c *capturedAnswer) replay(w http.ResponseWriter) {
	for k, v := range c.header {
		w.Header()[k] = v
	}
	w.WriteHeader(c.status)
	_, _ = w.Write(c.body)
}

package management

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/sync/singleflight"
)

// Config says how to reach and authenticate to one tenant.
type Config struct {
	// Domain is the tenant's host, optionally with a port.
	Domain string
	// ClientID and ClientSecret authenticate with the client-credentials grant.
	ClientID     string
	ClientSecret string
	// Audience of the Management API; https://DOMAIN/api/v2/ when empty.
	Audience string
	// ClientAssertionPrivateKey (PEM) authenticates the client-credentials
	// grant with Private Key JWT instead of ClientSecret, signing each
	// token request's assertion with ClientAssertionSigningAlg (RS256,
	// RS384 or PS256; RS256 when empty).
	ClientAssertionPrivateKey string
	ClientAssertionSigningAlg string
	// APIToken is a static Management API token, used instead of client credentials.
	APIToken string
	// MaxRetries is how many times a failed request is tried again.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound one wait between tries; 250ms and
	// 30s when zero. With MaxRetries they bound the total wait of one call.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// ExtraRootCAs are PEM certificates trusted in addition to the
	// system's roots, such as a local emulator's CA.
	ExtraRootCAs []byte
	// UserAgent sent with every request.
	UserAgent string
	// Log receives one line per HTTP attempt; never headers or bodies.
	Log LogFunc
}

// LogFunc writes a debug log line with structured fields.
type LogFunc func(ctx context.Context, msg string, fields map[string]any)

// Client calls the Management API of one tenant. It is safe for concurrent use.
type Client struct {
	domain  string
	baseURL string
	log     LogFunc
	// repeatable retries 429, 5xx and connection errors; notRepeatable
	// retries only 429, for calls never sent again after they may have run.
	repeatable    *retryablehttp.Client
	notRepeatable *retryablehttp.Client
	auth          tokenSource
	// lists lets concurrent readers share one list request, sent
	// listGather after the first of them asked.
	lists      singleflight.Group
	listGather time.Duration
}

// New checks the configuration and returns a client. It sends nothing: the
// token is fetched by the first call that needs it.
func New(cfg Config) (*Client, error) {
	if err := ValidateDomain(cfg.Domain); err != nil {
		return nil, err
	}
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin = 250 * time.Millisecond
	}
	if cfg.RetryWaitMax == 0 {
		cfg.RetryWaitMax = 30 * time.Second
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("max_retries must not be negative")
	}
	if cfg.Log == nil {
		cfg.Log = func(context.Context, string, map[string]any) {}
	}
	c := &Client{
		domain:     cfg.Domain,
		baseURL:    "https://" + cfg.Domain,
		log:        cfg.Log,
		listGather: listGatherWindow,
	}
	transport := cleanhttp.DefaultPooledTransport()
	transport.ForceAttemptHTTP2 = true
	if len(cfg.ExtraRootCAs) > 0 {
		roots, err := x509.SystemCertPool()
		if err != nil {
			roots = x509.NewCertPool()
		}
		if !roots.AppendCertsFromPEM(cfg.ExtraRootCAs) {
			return nil, ErrNoCACertificate
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	paced := pacedReads{host: cfg.Domain, pacer: &readPacer{}, next: transport}
	httpClient := &http.Client{Transport: userAgent{cfg.UserAgent, paced}, Timeout: 60 * time.Second, CheckRedirect: httpsRedirectsOnly}
	c.repeatable = c.retryingClient(httpClient, cfg, true)
	c.notRepeatable = c.retryingClient(httpClient, cfg, false)

	switch {
	case cfg.APIToken != "":
		c.auth = staticToken(cfg.APIToken)
	case cfg.ClientID != "" && cfg.ClientSecret != "":
		c.auth = newClientCredentials(cfg, c.repeatable.StandardClient(), false)
	case cfg.ClientID != "" && cfg.ClientAssertionPrivateKey != "":
		signer, err := newAssertionSigner(cfg)
		if err != nil {
			return nil, err
		}
		signing := *httpClient
		signing.Transport = signedAssertions{signer: signer, next: httpClient.Transport}
		c.auth = newClientCredentials(cfg, c.retryingClient(&signing, cfg, true).StandardClient(), true)
	default:
		return nil, errors.New("no credentials: set api_token, or client_id with client_secret or client_assertion_private_key")
	}
	return c, nil
}

// ErrNoCACertificate is New's error when Config.ExtraRootCAs holds no PEM
// certificate.
var ErrNoCACertificate = errors.New("the extra CA certificates hold no PEM certificate")

// Domain is the tenant this client calls, as it was given.
func (c *Client) Domain() string { return c.domain }

// Tenant names the tenant this client calls, the same for every spelling
// of its domain: for locks and records shared by the clients of several
// provider configurations.
func (c *Client) Tenant() string { return TenantName(c.domain) }

// TenantName is a tenant domain in lower case, without a final dot or the
// HTTPS port.
func TenantName(domain string) string {
	host, port, hasPort := strings.Cut(strings.ToLower(domain), ":")
	host = strings.TrimSuffix(host, ".")
	if hasPort && port != "443" {
		return host + ":" + port
	}
	return host
}

// call describes one Management API request.
type call struct {
	operation string
	method    string
	path      string // already escaped
	kid       string
	scopes    []string
	// repeatable is false for requests that must not run twice (rotate).
	repeatable bool
	// check, when set, runs right before each attempt; its error stops
	// the call before it is sent.
	check func(context.Context) error
}

// maxAnswerSize bounds the body of one answer.
const maxAnswerSize = 8 << 20

// readAnswer reads an answer's body, refusing one over maxAnswerSize
// rather than cutting it short; sender names who sent it.
func readAnswer(body io.Reader, sender string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(body, maxAnswerSize+1))
	if err == nil && len(b) > maxAnswerSize {
		err = fmt.Errorf("%s sent an answer larger than %d MiB", sender, maxAnswerSize>>20)
	}
	return b, err
}

// do sends a request and decodes a successful answer into out. An error for
// which OutcomeUnknown is true means the tenant may have carried the
// request out: it was sent, and no readable answer came back to it or to
// an earlier attempt of a write. A token the
// tenant refuses (401) is renewed once when it was cached, or when the
// tenant says it expired; a 401 is never carried out, so the request is
// sent again with the new token.
func (c *Client) do(ctx context.Context, req call, out any) error {
	token, fresh, err := c.auth.token(ctx)
	if err != nil {
		return err
	}
	return c.doWithToken(ctx, req, out, token, fresh)
}

// doWithToken is do with a token already at hand; fresh says it was
// fetched for this call.
func (c *Client) doWithToken(ctx context.Context, req call, out any, token string, fresh bool) error {
	attempts := &attemptLog{} // across a renewal too
	for renewed := false; ; renewed = true {
		err := c.send(ctx, req, token, out, attempts)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
			return err
		}
		apiErr.Credential = c.auth.credential()
		if renewed || (fresh && !apiErr.expired()) || !c.auth.forget(token) {
			return err
		}
		c.log(ctx, "Auth0 refused the access token; fetching a new one", map[string]any{"operation": req.operation, "expired": apiErr.expired()})
		if token, fresh, err = c.auth.token(ctx); err != nil {
			return attempts.settle(req, err)
		}
	}
}

// send makes one call with a token, retrying as the call allows; attempts
// records what its attempts leave open.
func (c *Client) send(ctx context.Context, req call, token string, out any, attempts *attemptLog) error {
	if req.check != nil {
		if err := req.check(ctx); err != nil {
			return err
		}
		// Before each retry too, with the caller's context: the check's
		// own requests must not carry this call's trace or check.
		checkCtx := ctx
		ctx = context.WithValue(ctx, checkKey{}, func() error { return req.check(checkCtx) })
	}
	ctx = httptrace.WithClientTrace(context.WithValue(ctx, attemptLogKey{}, attempts), &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { attempts.wrote.Store(true) },
	})
	httpReq, err := retryablehttp.NewRequestWithContext(ctx, req.method, c.baseURL+req.path, nil)
	if err != nil {
		return fmt.Errorf("cannot %s: %w", req.operation, err)
	}
	httpReq.Header.Set("Authorization", "Bearer "+token)
	httpReq.Header.Set("Accept", "application/json")
	if req.method != http.MethodGet {
		httpReq.Header.Set("Content-Type", "application/json")
	}
	client := c.repeatable
	if !req.repeatable {
		client = c.notRepeatable
	}
	resp, err := client.Do(httpReq)
	if err != nil {
		return attempts.settle(req, c.sendError(ctx, req, err, attempts.inFlight()))
	}
	defer resp.Body.Close()
	body, err := readAnswer(resp.Body, "Auth0 tenant "+c.domain)
	if err != nil {
		return &UncertainError{err: fmt.Errorf("cannot %s: reading the answer: %w", req.operation, err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return attempts.settle(req, c.apiError(ctx, req, resp, body))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &UncertainError{err: fmt.Errorf("cannot %s: Auth0 tenant %s sent an answer that is not the expected JSON: %w", req.operation, c.domain, err)}
	}
	return nil
}

// sendError is the error of a call whose last attempt got no answer to
// read: the check's own when it stopped a retry, and otherwise one whose
// outcome is unknown when that attempt was sent (a refused redirect
// aside). What earlier attempts left open is attemptLog.settle's to add.
func (c *Client) sendError(ctx context.Context, req call, err error, sent bool) error {
	var stopped *checkFailed
	if errors.As(err, &stopped) {
		return stopped.err // the refused attempt before it carried nothing out
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		err = fmt.Errorf("cannot %s: %w", req.operation, ctxErr)
	} else {
		err = fmt.Errorf("cannot %s on Auth0 tenant %s: %w", req.operation, c.domain, stripURLError(err))
	}
	if sent && !errors.Is(err, errInsecureRedirect) {
		return &UncertainError{err: err}
	}
	return err
}

// attemptLog is what a call's attempts leave open. wrote is whether the
// current attempt was written to the connection, and answered whether an
// answer to it arrived (both are cleared before each attempt): kept apart,
// since Go's transport may report the write only after the answer has
// been read. uncertain is whether an attempt was written and got a 5xx or
// no answer, so the tenant may have carried it out.
type attemptLog struct {
	wrote, answered, uncertain atomic.Bool
}

// inFlight reports whether the current attempt was written and has no
// answer yet.
func (a *attemptLog) inFlight() bool { return a.wrote.Load() && !a.answered.Load() }

// attemptLogKey holds a call's attemptLog in its requests' context.
type attemptLogKey struct{}

// settle is the error of a write that stopped on err: one whose outcome
// is unknown when an earlier attempt may have been carried out, since err
// speaks for the last attempt only.
func (a *attemptLog) settle(req call, err error) error {
	if !a.uncertain.Load() || req.method == http.MethodGet || OutcomeUnknown(err) {
		return err
	}
	return &UncertainError{err: fmt.Errorf("%w; an earlier attempt got no usable answer, so it may have been carried out", err)}
}

// checkKey holds, in a request's context, the check to run before each
// retry of the call.
type checkKey struct{}

// checkFailed is a check's error that stopped a retry.
type checkFailed struct{ err error }

func (e *checkFailed) Error() string { return e.err.Error() }

// checkBeforeRetry runs the call's check, if any, before a retry.
func checkBeforeRetry(r *http.Request) error {
	if check, ok := r.Context().Value(checkKey{}).(func() error); ok {
		if err := check(); err != nil {
			return &checkFailed{err: err}
		}
	}
	return nil
}

func markUnsent(r *http.Request) {
	if attempts, ok := r.Context().Value(attemptLogKey{}).(*attemptLog); ok {
		attempts.wrote.Store(false)
		attempts.answered.Store(false)
	}
}

// noteUncertainAttempt records an attempt the tenant may have carried out:
// one written that got no answer, or a 5xx. An attempt that got an answer
// is no longer in flight: a call stopped while it waits to try again was
// not lost in flight.
func noteUncertainAttempt(ctx context.Context, resp *http.Response, err error) {
	attempts, ok := ctx.Value(attemptLogKey{}).(*attemptLog)
	if !ok {
		return
	}
	noAnswer := err != nil && resp == nil && attempts.inFlight() // a refused redirect did answer
	if noAnswer || (resp != nil && resp.StatusCode >= 500) {
		attempts.uncertain.Store(true)
	}
	if resp != nil {
		attempts.answered.Store(true)
	}
}

func (c *Client) apiError(ctx context.Context, req call, resp *http.Response, body []byte) error {
	e := &APIError{StatusCode: resp.StatusCode, Operation: req.operation, KID: req.kid, Domain: c.domain, RequiredScopes: req.scopes,
		NotRepeatable: !req.repeatable}
	if e.StatusCode == http.StatusTooManyRequests {
		e.ResetAt, e.BeyondDeadline = resetAfterDeadline(ctx, resp.Header)
	}
	var parsed struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &parsed) == nil {
		e.ErrorText, e.Message = parsed.Error, parsed.Message
	} else if len(body) > 0 && len(body) < 200 && !bytes.ContainsAny(body, "<>") {
		e.Message = string(bytes.TrimSpace(body))
	}
	return e
}

// stripURLError keeps the cause of a transport error; the caller's message
// names the tenant.
func stripURLError(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}

// errInsecureRedirect refuses a redirect away from HTTPS: the request,
// its token included, would travel in the clear.
var errInsecureRedirect = errors.New("refused to follow a redirect to a URL that is not https://")

// httpsRedirectsOnly follows redirects to https:// URLs only, at most 10.
func httpsRedirectsOnly(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "https" {
		return fmt.Errorf("%w (%s)", errInsecureRedirect, req.URL.Redacted())
	}
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// userAgent names the provider on every request, the token's included.
type userAgent struct {
	value string
	next  http.RoundTripper
}

func (u userAgent) RoundTrip(r *http.Request) (*http.Response, error) {
	if u.value != "" {
		r = r.Clone(r.Context())
		r.Header.Set("User-Agent", u.value)
	}
	return u.next.RoundTrip(r)
}

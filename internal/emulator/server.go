package emulator

import (
	"context"
	"crypto/rsa"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/scopes"
)

// ExpiredTokenMessage is the message of Auth0's 401 for an expired token.
const ExpiredTokenMessage = "Expired token received for JSON Web Token validation" //nolint:gosec // a message, not a credential

// Client is a machine-to-machine application registered with the tenant.
type Client struct {
	ID     string
	Secret string
	Scopes []string
	// NotAuthorized is an application with no client grant for the
	// Management API: the tenant refuses it a token (403).
	NotAuthorized bool
	// AssertionKey and AssertionAlg are the credential for Private Key
	// JWT; without one the client authenticates with its secret only.
	AssertionKey *rsa.PublicKey
	AssertionAlg string
}

// Options configure a new emulator.
type Options struct {
	// CA signs the server's TLS certificate; a new one is made when nil.
	CA *CA
	// Addr to listen on; loopback only. Defaults to 127.0.0.1:0.
	Addr string
	// Keys seed the tenant; FreshTenant() when nil.
	Keys []KeySpec
	// Clients that may ask for tokens; DefaultClient() when nil.
	Clients []Client
	// TokenTTL is the lifetime of issued access tokens (expires_in); 24h when zero.
	TokenTTL time.Duration
	// RateLimit is the tenant's Management API rate limit; a request the
	// bucket cannot serve is answered 429, carrying nothing out, with an
	// X-RateLimit-Reset of when the bucket is full again. An enterprise
	// tenant's when zero: a burst of 50 and 16 a second.
	RateLimit RateLimit
	// APIs the tenant lists; the Auth0 Management API alone when nil.
	APIs []API
	// Applications the tenant lists.
	Applications []Application
}

// DefaultClient is the machine-to-machine client a new emulator accepts,
// with the scopes of every feature of the provider.
func DefaultClient() Client {
	return Client{ID: "emulator-client", Secret: "emulator-secret-do-not-use",
		Scopes: append([]string{scopes.ReadResourceServers, scopes.ReadClients}, scopes.SigningKeys...)}
}

// Server is a running emulated tenant.
type Server struct {
	ca        *CA
	listener  net.Listener
	http      *http.Server
	tenant    *tenant
	clientsMu sync.Mutex
	clients   []Client
	tokenTTL  time.Duration
	tokens    *tokenStore
	limits    *rateBucket
	faults    *faultSet
	log       *requestLog
	done      chan struct{}
	// assertions verifies Private Key JWT assertions and their jti.
	assertions assertionCheck
	// directoryMu guards the APIs and applications the tenant lists.
	directoryMu  sync.Mutex
	apis         []API
	applications []Application
	// handshakes counts the TLS handshakes clients began.
	handshakes atomic.Int64
	// gatewayJWKS is what the emulated gateway serves (GatewayJWKSPath).
	gatewayMu   sync.Mutex
	gatewayJWKS []byte
}

// withDefaults fills in what opts leave out, and checks the rest.
func (opts Options) withDefaults() (Options, error) {
	if opts.CA == nil {
		ca, err := NewCA()
		if err != nil {
			return opts, err
		}
		opts.CA = ca
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if err := requireLoopback(opts.Addr); err != nil {
		return opts, err
	}
	if opts.Keys == nil {
		opts.Keys = FreshTenant()
	}
	if opts.Clients == nil {
		opts.Clients = []Client{DefaultClient()}
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = 24 * time.Hour
	}
	if opts.RateLimit == (RateLimit{}) {
		opts.RateLimit = RateLimit{Burst: 50, PerSecond: 16}
	}
	return opts, opts.RateLimit.validate()
}

// Start creates a tenant and serves it over HTTPS until Close.
func Start(opts Options) (*Server, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	cert, err := opts.CA.ServerCertificate()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, err
	}
	t, err := newTenant("emulator.auth0keys.test", opts.Keys)
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	s := &Server{
		ca: opts.CA, listener: ln, tenant: t, clients: opts.Clients, tokenTTL: opts.TokenTTL,
		tokens: newTokenStore(), limits: newRateBucket(opts.RateLimit, time.Now()), faults: &faultSet{}, log: &requestLog{},
		done: make(chan struct{}), apis: opts.APIs, applications: opts.Applications,
	}
	if s.apis == nil {
		s.apis = []API{ManagementAPI(ln.Addr().String())}
	}
	s.http = &http.Server{
		Handler: s.routes(),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12,
			GetConfigForClient: s.countHandshake},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          nil,
	}
	go func() {
		defer close(s.done)
		_ = s.http.ServeTLS(ln, "", "")
	}()
	return s, nil
}

func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("emulator listens on loopback only, not %q", host)
	}
	return nil
}

// Close stops the server.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.http.Shutdown(ctx)
	<-s.done
}

// Domain is the tenant's domain as the provider's `domain` takes it (host:port).
func (s *Server) Domain() string { return s.listener.Addr().String() }

// URL is the tenant's base URL.
func (s *Server) URL() string { return "https://" + s.Domain() }

// Audience is the Management API audience of this tenant.
func (s *Server) Audience() string { return s.URL() + "/api/v2/" }

// CACertPEM is the certificate clients must trust.
func (s *Server) CACertPEM() []byte { return s.ca.CertPEM }

// Keys returns the tenant's keys as stored (no list quirks applied).
func (s *Server) Keys() []Key {
	s.tenant.mu.Lock()
	defer s.tenant.mu.Unlock()
	out := make([]Key, len(s.tenant.keys))
	for i, k := range s.tenant.keys {
		out[i] = *k
	}
	return out
}

// Key returns one stored key by kid.
func (s *Server) Key(kid string) (Key, bool) {
	return s.KeyWhere(func(k Key) bool { return k.KID == kid })
}

// KeyWhere returns the first stored key the predicate accepts.
func (s *Server) KeyWhere(match func(Key) bool) (Key, bool) {
	for _, k := range s.Keys() {
		if match(k) {
			return k, true
		}
	}
	return Key{}, false
}

// AddKey seeds one more key.
func (s *Server) AddKey(spec KeySpec) (Key, error) { return s.tenant.add(spec) }

// ForgetKey removes a key from the tenant entirely.
func (s *Server) ForgetKey(kid string) bool { return s.tenant.forget(kid) }

// ChangeKey changes a stored key, as an action outside Terraform would.
func (s *Server) ChangeKey(kid string, change func(*Key)) bool { return s.tenant.set(kid, change) }

// ListRevokedLimit keeps only the n most recently revoked keys in list
// answers (0: all), as the dashboard does; older ones are found by kid only.
func (s *Server) ListRevokedLimit(n int) {
	s.tenant.mu.Lock()
	defer s.tenant.mu.Unlock()
	s.tenant.listRevokedLimit = n
}

// ListTwice makes list answers name the key kid twice: first a copy
// changed by change, then the key itself, as a malformed answer might. It
// reports false for an unknown kid.
func (s *Server) ListTwice(kid string, change func(*Key)) bool {
	s.tenant.mu.Lock()
	defer s.tenant.mu.Unlock()
	k := s.tenant.find(kid)
	if k == nil {
		return false
	}
	copied := *k
	change(&copied)
	s.tenant.listedTwice = append(s.tenant.listedTwice, copied)
	return true
}

// LimitRotationsPerDay makes the tenant carry out at most n rotations in
// any 24 hours (0: no limit), as some plans limit them, counting those of
// the last 24 hours. A rotation beyond it, through the API or out of band,
// is refused with a 429 whose X-RateLimit-Reset is when the oldest of them
// leaves the day.
func (s *Server) LimitRotationsPerDay(n int) {
	s.tenant.mu.Lock()
	defer s.tenant.mu.Unlock()
	s.tenant.rotationsPerDay = n
}

// SetRateLimit changes the tenant's Management API rate limit, starting
// with a full bucket.
func (s *Server) SetRateLimit(limit RateLimit) error {
	if err := limit.validate(); err != nil {
		return err
	}
	s.limits.set(limit, time.Now())
	return nil
}

// MarkCurrentAsPrevious reproduces real tenants that mark the current key
// "previous": true as well.
func (s *Server) MarkCurrentAsPrevious(on bool) {
	s.tenant.mu.Lock()
	defer s.tenant.mu.Unlock()
	s.tenant.currentAlsoPrevious = on
}

// client returns the registered client with these credentials.
func (s *Server) client(id, secret string) (Client, bool) {
	c, ok := s.clientByID(id)
	return c, ok && secret != "" && c.Secret == secret
}

func (s *Server) clientByID(id string) (Client, bool) {
	s.clientsMu.Lock()
	defer s.clientsMu.Unlock()
	for _, c := range s.clients {
		if c.ID == id {
			return c, true
		}
	}
	return Client{}, false
}

// SetClientScopes changes the scopes a registered client's next tokens
// carry, as granting or removing them in the dashboard would. It reports
// false for an unknown client.
func (s *Server) SetClientScopes(id string, scopes []string) bool {
	s.clientsMu.Lock()
	defer s.clientsMu.Unlock()
	for i := range s.clients {
		if s.clients[i].ID == id {
			s.clients[i].Scopes = append([]string(nil), scopes...)
			return true
		}
	}
	return false
}

// ChangeApplication changes an application the tenant lists, as editing
// it in the dashboard would. It reports false for an unknown client id.
func (s *Server) ChangeApplication(clientID string, change func(*Application)) bool {
	s.directoryMu.Lock()
	defer s.directoryMu.Unlock()
	for i := range s.applications {
		if s.applications[i].ClientID == clientID {
			change(&s.applications[i])
			return true
		}
	}
	return false
}

// Rotate rotates the tenant's signing key outside the Management API, as
// the dashboard does, and returns the new next key. The request log does
// not record it; Rotations counts it.
func (s *Server) Rotate() (Key, error) { return s.tenant.rotate() }

// Rotations is how many rotations the tenant carried out, through the API
// or out of band.
func (s *Server) Rotations() int {
	s.tenant.mu.Lock()
	defer s.tenant.mu.Unlock()
	return s.tenant.rotations
}

// Revocations is how many keys the tenant revoked.
func (s *Server) Revocations() int {
	s.tenant.mu.Lock()
	defer s.tenant.mu.Unlock()
	return s.tenant.revocations
}

// IssueToken makes an access token with the given scopes, as a user would
// copy one from the dashboard for api_token.
func (s *Server) IssueToken(scopes []string, ttl time.Duration) string {
	return s.tokens.issue(s.Audience(), "dashboard", scopes, ttl)
}

// IssuedTokens returns every access token handed out so far.
func (s *Server) IssuedTokens() []string { return s.tokens.all() }

// InjectFault adds a fault to serve instead of (or after) the next matching requests.
func (s *Server) InjectFault(f Fault) { s.faults.add(f) }

// SetLatency delays every response by d.
func (s *Server) SetLatency(d time.Duration) { s.faults.setLatency(d) }

// Handshakes is how many TLS handshakes clients began, whether or not they
// went on to trust the tenant's certificate: a client that refuses it
// sends no request the log could show.
func (s *Server) Handshakes() int { return int(s.handshakes.Load()) }

// countHandshake counts a handshake as it begins, and keeps the server's
// TLS configuration for it.
func (s *Server) countHandshake(*tls.ClientHelloInfo) (*tls.Config, error) {
	s.handshakes.Add(1)
	return nil, nil
}

// Requests returns the request log in the order the requests arrived. (A
// request is logged when its answer ends, and under load one answer may
// end after the next request's.)
func (s *Server) Requests() []Request { return s.log.all() }

// Count returns how many requests reached the operation.
func (s *Server) Count(op Operation) int { return s.log.count(op) }

// RoundTrips is the longest chain of requests of the log that had to wait
// for one another, each sent after the one before it was answered: how
// many round trips the client spent one after the other.
func RoundTrips(log []Request) int {
	sort.Slice(log, func(i, j int) bool { return log[i].At.Before(log[j].At) })
	chain := make([]int, len(log))
	longest := 0
	for i, r := range log {
		chain[i] = 1
		for j := range i {
			if !r.At.Before(log[j].Done) && chain[j]+1 > chain[i] {
				chain[i] = chain[j] + 1
			}
		}
		longest = max(longest, chain[i])
	}
	return longest
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() { s.log.reset() }

// SetKeyDates changes when a key became and stopped being current, so that
// tests need not wait; a zero time leaves the date out. It reports false
// for an unknown kid.
func (s *Server) SetKeyDates(kid string, since, until time.Time) bool {
	return s.tenant.setDates(kid, since, until)
}

// SetGatewayJWKS sets the JSON Web Key Set the emulated gateway serves at
// GatewayJWKSPath, as a service that copied the tenant's keys would.
func (s *Server) SetGatewayJWKS(jwks []byte) {
	s.gatewayMu.Lock()
	defer s.gatewayMu.Unlock()
	s.gatewayJWKS = append([]byte(nil), jwks...)
}

// PublishedJWKS is the tenant's /.well-known/jwks.json document.
func (s *Server) PublishedJWKS() []byte {
	b, _ := json.Marshal(s.tenant.published()) // each key was checked as it was made
	return b
}

// Operation names an endpoint of the emulator.
type Operation string

// The endpoints.
const (
	OpToken  Operation = "token"
	OpList   Operation = "list"
	OpGet    Operation = "get"
	OpRotate Operation = "rotate"
	OpRevoke Operation = "revoke"
	// OpAPIs lists resource servers, OpApplications applications.
	OpAPIs         Operation = "resource-servers"
	OpApplications Operation = "clients"
	// OpJWKS is the tenant's public key set, OpGateway the emulated
	// gateway's copy of it.
	OpJWKS    Operation = "jwks"
	OpGateway Operation = "gateway-jwks"
	OpUnknown Operation = "unknown"
)

// Operations are the endpoints a fault can name.
var Operations = []Operation{OpToken, OpList, OpGet, OpRotate, OpRevoke, OpAPIs, OpApplications, OpJWKS, OpGateway}

// Request is one entry of the request log.
type Request struct {
	Op     Operation
	Method string
	Path   string
	Status int // 0 when the connection was dropped
	At     time.Time
	// Done is when the answer began, before any of it reached the client
	// (or when the connection was dropped).
	Done time.Time
	// Fault is true when an injected fault answered.
	Fault bool
	// EmptiedBucket is true for a Management API request that the tenant's
	// rate limit served with its last request left.
	EmptiedBucket bool
	// UserAgent as received.
	UserAgent string
	// Authorized is true when the request carried an Authorization header.
	Authorized bool
}

type requestLog struct {
	mu      sync.Mutex
	entries []Request
}

func (l *requestLog) add(r Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, r)
}

func (l *requestLog) all() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	entries := append([]Request(nil), l.entries...)
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].At.Before(entries[j].At) })
	return entries
}

func (l *requestLog) count(op Operation) int {
	n := 0
	for _, r := range l.all() {
		if r.Op == op {
			n++
		}
	}
	return n
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = nil
}

func hasAll(have []string, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func joinScopes(s []string) string { return strings.Join(s, " ") }

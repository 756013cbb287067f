// Package emulator runs a local Auth0 tenant over HTTPS on loopback: the
// client-credentials token endpoint, the four application signing key
// endpoints of the Management API and its lists of APIs and applications,
// and the key set the tenant publishes at /.well-known/jwks.json (built
// with go-jose), with Auth0's status codes, error bodies, its per-tenant
// rate limit (a token bucket, with its headers) and the quirks real tenants
// show, a daily limit of rotations included, and refuses a token to an
// application the Management API has no grant for. Tests and the demo use
// it in place of a tenant. It injects faults (429s with their reset, 5xx,
// redirects, dropped, garbled, oversized and late answers, before or after
// the work is done, expired tokens, out-of-band rotations, keys listed
// twice), counts the rotations and revocations it carried out, records
// every API request, counts the TLS handshakes clients begin (one that
// refuses the certificate sends no request), and serves an admin endpoint
// (AdminPath) for the same faults by hand.
package emulator

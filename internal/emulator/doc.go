// Package emulator runs a local Auth0 tenant over HTTPS on loopback: the
// client-credentials token endpoint and the four application signing key
// endpoints of the Management API, with Auth0's status codes, error bodies,
// rate-limit headers and the quirks real tenants show. Tests and the demo use
// it in place of a tenant; it also injects faults (429 bursts, 5xx, latency,
// dropped connections) and records every request so tests can count calls.
package emulator

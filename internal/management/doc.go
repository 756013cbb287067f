// Package management is a client for the part of the Auth0 Management API
// that manages application signing keys: list, get by kid, rotate and
// revoke. It also reads the token lifetimes of the tenant's APIs and
// applications (how long a retired key's tokens stay valid), derives each
// key's JSON Web Key and reads key sets that gateways serve. It speaks
// HTTPS only, redirects included; authenticates with client credentials (a
// secret, or a Private Key JWT assertion signed afresh for every attempt)
// or a static token, and renews a refused token once; retries what is safe
// to retry (a rotation only after a 429, checked again by the caller first)
// within the caller's deadline; holds reads back while the tenant's
// rate-limit headers say its bucket is empty; tells a write whose outcome
// is unknown (OutcomeUnknown) from one that was refused, a refusal of an
// attempt sent again after a lost answer counting as unknown; checks a key list
// before a write trusts it (CheckList); turns Auth0's error bodies into
// errors that say what to fix; and lets concurrent readers share one list
// request, whose token it fetches while they gather. It knows nothing of
// Terraform.
package management

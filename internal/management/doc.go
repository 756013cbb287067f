// Package management is a client for the part of the Auth0 Management API
// that manages application signing keys: list, get by kid, rotate and
// revoke. It authenticates with client credentials or a static token,
// retries what is safe to retry, turns Auth0's error bodies into errors that
// say what to fix, and shares one key list among concurrent readers.
package management

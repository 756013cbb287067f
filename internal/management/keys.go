package management

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/scopes"
)

// SigningKey is an application signing key as the Management API returns it.
type SigningKey struct {
	KID          string    `json:"kid"`
	Cert         string    `json:"cert"`
	PKCS7        string    `json:"pkcs7"`
	Fingerprint  string    `json:"fingerprint"`
	Thumbprint   string    `json:"thumbprint"`
	Current      bool      `json:"current"`
	Next         bool      `json:"next"`
	Previous     bool      `json:"previous"`
	Revoked      bool      `json:"revoked"`
	CurrentSince Timestamp `json:"current_since"`
	CurrentUntil Timestamp `json:"current_until"`
	RevokedAt    Timestamp `json:"revoked_at"`
}

// Timestamp is an optional date-time as Auth0 sends it; empty when absent.
type Timestamp string

// UnmarshalJSON accepts a string, null, or any other JSON value as its text.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		*t = Timestamp(b)
		return nil //nolint:nilerr // a non-string date is kept as written
	}
	if s == nil {
		*t = ""
	} else {
		*t = Timestamp(*s)
	}
	return nil
}

// KeyRef names a key, as the rotate and revoke calls return it.
type KeyRef struct {
	KID  string `json:"kid"`
	Cert string `json:"cert"`
}

// ListSigningKeys returns every signing key of the tenant. Callers that ask
// while a list request is gathering readers (listGatherWindow) or in flight
// share its answer; a caller that asks after it arrived, or after a write
// through this client, gets a new one.
// Nothing is kept between requests: a list read before a write, by this
// process or any other, is never returned after it.
func (c *Client) ListSigningKeys(ctx context.Context) ([]SigningKey, error) {
	ch := c.lists.DoChan(listKey, func() (any, error) {
		// The request belongs to every caller waiting for it, so one
		// caller's cancellation does not fail the others; the first
		// caller's deadline still bounds its retries and waits.
		shared := context.WithoutCancel(ctx)
		if deadline, ok := ctx.Deadline(); ok {
			var cancel context.CancelFunc
			shared, cancel = context.WithDeadline(shared, deadline)
			defer cancel()
		}
		// Terraform starts the reads of a plan at nearly the same moment,
		// but not at once: wait a moment for them to join before sending.
		// Whoever joins gets an answer sent after it asked. A token
		// fetched meanwhile counts towards the wait.
		began := time.Now()
		token, fresh, err := c.auth.token(shared)
		if err != nil {
			return nil, err
		}
		select {
		case <-time.After(c.listGather - time.Since(began)):
		case <-shared.Done():
			return nil, shared.Err()
		}
		var keys []SigningKey
		err = c.doWithToken(shared, listKeysCall(), &keys, token, fresh)
		return keys, err
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return append([]SigningKey(nil), res.Val.([]SigningKey)...), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// ReadSigningKeys lists the tenant's keys with a request of its own, sent
// after the call began: what checks that gate a write read.
func (c *Client) ReadSigningKeys(ctx context.Context) ([]SigningKey, error) {
	var keys []SigningKey
	err := c.do(ctx, listKeysCall(), &keys)
	return keys, err
}

const listKey = "list"

// listGatherWindow is how long a shared list request waits for other
// readers to join before it is sent, the time to fetch a token included.
// On a busy machine Terraform has been seen to start a plan's readers 17 ms
// apart.
const listGatherWindow = 30 * time.Millisecond

func listKeysCall() call {
	return call{
		operation: "list signing keys", method: http.MethodGet, path: "/api/v2/keys/signing",
		scopes: []string{scopes.ReadSigningKeys}, repeatable: true,
	}
}

// GetSigningKey reads one key by kid from the tenant.
func (c *Client) GetSigningKey(ctx context.Context, kid string) (SigningKey, error) {
	var key SigningKey
	if err := ValidateKID(kid); err != nil {
		return key, err
	}
	err := c.do(ctx, call{
		operation: "read signing key " + kid, method: http.MethodGet, path: keyPath(kid), kid: kid,
		scopes: []string{scopes.ReadSigningKeys}, repeatable: true,
	}, &key)
	return key, err
}

// RotateSigningKey makes the next key current and returns the new next key.
// It is sent once: never again after a 5xx, a timeout or a dropped
// connection, since a repeated rotation rotates twice. Only a call Auth0
// refused without carrying it out (a 429, or a 401 for an expired token)
// is sent again, after the wait the refusal asks for. check, when not nil,
// runs right before every attempt, with a fresh read of its own (what was
// read before a wait is stale after it): when it returns an error, nothing
// more is sent and RotateSigningKey returns that error.
func (c *Client) RotateSigningKey(ctx context.Context, check func(context.Context) error) (KeyRef, error) {
	defer c.lists.Forget(listKey)
	var ref KeyRef
	err := c.do(ctx, call{
		operation: "rotate the signing key", method: http.MethodPost, path: "/api/v2/keys/signing/rotate",
		scopes: []string{scopes.CreateSigningKeys, scopes.UpdateSigningKeys}, repeatable: false, check: check,
	}, &ref)
	return ref, err
}

// RevokeSigningKey revokes a previous key for good.
func (c *Client) RevokeSigningKey(ctx context.Context, kid string) error {
	if err := ValidateKID(kid); err != nil {
		return err
	}
	defer c.lists.Forget(listKey)
	return c.do(ctx, call{
		operation: "revoke signing key " + kid, method: http.MethodPut, path: keyPath(kid) + "/revoke", kid: kid,
		scopes: []string{scopes.UpdateSigningKeys}, repeatable: true,
	}, nil)
}

// keyPath is the path of one key, its kid escaped as a path segment. The
// kid validator already refuses what would need escaping; this keeps a
// path one segment whatever reaches it.
func keyPath(kid string) string { return "/api/v2/keys/signing/" + url.PathEscape(kid) }

// ListThenGetSigningKey returns the key with this kid from a list, and
// asks the tenant for it by kid when the list does not hold it (a tenant
// may leave older revoked keys out). A kid the tenant does not know gives an
// error for which IsNotFound is true.
func (c *Client) ListThenGetSigningKey(ctx context.Context, kid string) (SigningKey, error) {
	if err := ValidateKID(kid); err != nil {
		return SigningKey{}, err
	}
	keys, err := c.ListSigningKeys(ctx)
	if err != nil {
		return SigningKey{}, err
	}
	return c.KeyFromList(ctx, keys, kid)
}

// KeyFromList returns the key with this kid from a list the tenant gave,
// and asks the tenant for it by kid when the list does not hold it.
func (c *Client) KeyFromList(ctx context.Context, keys []SigningKey, kid string) (SigningKey, error) {
	if k, ok := FindKey(keys, kid); ok {
		return k, nil
	}
	return c.GetSigningKey(ctx, kid)
}

// FindKey returns the first key with this kid in keys.
func FindKey(keys []SigningKey, kid string) (SigningKey, bool) {
	for _, k := range keys {
		if k.KID == kid {
			return k, true
		}
	}
	return SigningKey{}, false
}

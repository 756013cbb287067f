package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

// revokeKey revokes kid. A call whose outcome is unknown (no readable
// answer, a 5xx, the apply interrupted after it was sent, or any answer to
// an attempt sent again after one of those) is settled by reading the key,
// with a read of its own that a cancelled apply does not stop: a key found
// revoked counts as revoked, with a warning added. So is a 400, which a
// tenant may answer for a key another process revoked since the check. The
// error of a revocation that did not happen says so; after one whose
// outcome is still unknown, revocationUnsettled is true.
func revokeKey(ctx context.Context, client *management.Client, kid string, diags *diag.Diagnostics) error {
	sendErr := client.RevokeSigningKey(ctx, kid)
	unknown := management.OutcomeUnknown(sendErr)
	if sendErr == nil || (!unknown && !management.IsBadRequest(sendErr)) {
		return sendErr
	}
	readCtx, cancel := settlingContext(ctx)
	defer cancel()
	key, err := client.GetSigningKey(readCtx, kid)
	switch {
	case (err != nil || !key.Revoked) && !unknown:
		return sendErr // the refusal stands
	case err != nil:
		return &unsettledRevocationError{send: sendErr, read: err}
	case !key.Revoked:
		return fmt.Errorf("%w. Reading the tenant afterwards shows it is not revoked, so applying again is safe", sendErr)
	case !unknown:
		diags.AddWarning("Auth0 refused the revoke call; the key is revoked",
			fmt.Sprintf("The revoke call was refused (%s), but reading the tenant shows signing key %s is revoked: another process revoked "+
				"it since this apply checked it. The revocation is recorded.", sendErr, kid))
		return nil
	}
	diags.AddWarning("Auth0's answer to the revocation was lost; the key is revoked",
		fmt.Sprintf("The revoke call got no usable answer (%s). Reading the tenant shows signing key %s is revoked: the revocation is recorded.",
			sendErr, kid))
	return nil
}

// unsettledRevocationError is the error of a revoke call whose outcome
// neither its answer nor a read of the key afterwards could tell: the key
// may be revoked or not.
type unsettledRevocationError struct {
	send, read error
}

func (e *unsettledRevocationError) Error() string {
	return fmt.Sprintf("%v; reading the tenant afterwards failed too (%v)", e.send, e.read)
}

func (e *unsettledRevocationError) Unwrap() error { return e.send }

// revocationUnsettled reports whether err, from revokeKey, leaves unknown
// whether the key is revoked.
func revocationUnsettled(err error) bool {
	var unsettled *unsettledRevocationError
	return errors.As(err, &unsettled)
}

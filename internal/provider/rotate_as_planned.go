package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/filelock"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

// reconcileTimeout bounds a read that finds out what a write whose answer
// was lost did.
const reconcileTimeout = 30 * time.Second

// settlingContext is the context of a read that finds out what a write
// whose answer was lost did: it runs even when the apply was cancelled, for
// at most reconcileTimeout.
func settlingContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), reconcileTimeout)
}

// unsettledAdvice is what a resource that rotates tells its user when a
// rotate call's answer was lost and reading the tenant afterwards cannot
// tell whether it rotated, or shows keys moved otherwise than planned:
// what keeps the next apply from rotating a second time, and what to do.
type unsettledAdvice struct {
	// unknown follows "Auth0 may have rotated: kid may be current now."
	unknown func(kid string) string
	// moved follows "No rotation is recorded:".
	moved string
}

// plannedMoves are the keys a planned rotation moves: the current key it
// retires (empty when the tenant had none) and the next key it makes
// current.
type plannedMoves struct {
	retires, current string
}

// from reports whether the tenant's keys are still the ones the plan
// rotates from.
func (m plannedMoves) from(roles management.KeyRoles) bool {
	return roleKID(roles.Next) == m.current && roleKID(roles.Current) == kidOrNone(m.retires)
}

// rotateAsPlanned rotates the tenant exactly once, as planned, or not at
// all. It reads the tenant with a request of its own right before the
// rotate call (a list read before this apply began may be stale), holding
// the tenant's lock against other provider processes of this machine, and
// sends the call only if the current and next keys are still those moves
// rotates from. A call Auth0
// refused without carrying it out, and sends again after a wait, is
// checked again the same way first. A call whose answer is lost is never
// sent again: the tenant is read, and a rotation that happened as planned
// is recorded with a warning; unsettled says what to do when the read
// cannot tell. It returns the new next key's kid, and false, with an error
// added, when the tenant did not rotate as planned.
func rotateAsPlanned(ctx context.Context, client *management.Client, timeout string, moves plannedMoves, unsettled unsettledAdvice,
	diags *diag.Diagnostics,
) (string, bool) {
	// Another provider configuration of the tenant, in another process of
	// this machine, may be rotating it too: the read and the call are one
	// step for each of them.
	release, err := filelock.Acquire(ctx, "tenant "+client.Tenant())
	if err != nil {
		diags.AddError("Cannot rotate the signing key", err.Error()+"\n\nNothing was sent: the tenant did not rotate.")
		return "", false
	}
	defer release()
	var checked diag.Diagnostics
	attempts := 0
	ref, err := client.RotateSigningKey(ctx, func(ctx context.Context) error {
		attempts++
		checked = checkAsPlanned(ctx, client, timeout, moves, attempts > 1)
		if checked.HasError() {
			return errNotAsPlanned
		}
		return nil
	})
	diags.Append(checked...)
	switch {
	case err == nil:
		return ref.KID, true
	case errors.Is(err, errNotAsPlanned):
		return "", false
	case !management.OutcomeUnknown(err):
		diags.AddError("Cannot rotate the signing key", tenantErrorDetail(err, timeout)+
			"\n\nNo rotation was carried out: Auth0 refused the call, so the tenant's keys are as they were and applying again is safe.")
		return "", false
	}
	return reconcile(ctx, client, moves, err, unsettled, diags)
}

// errNotAsPlanned stops a rotate call whose check found the tenant other
// than planned; the check's diagnostics say how.
var errNotAsPlanned = errors.New("the tenant is not as planned")

// checkAsPlanned reads the tenant right before a rotate call and refuses
// the call unless its current and next keys are those moves rotates from.
// again is true before a call is sent again after Auth0 refused it
// without carrying it out.
func checkAsPlanned(ctx context.Context, client *management.Client, timeout string, moves plannedMoves, again bool) diag.Diagnostics {
	var diags diag.Diagnostics
	notSent := "Nothing was sent"
	if again {
		notSent = "Auth0 refused the rotate call without carrying it out (a rate limit or an expired token), and it was not sent again"
	}
	keys, err := client.ReadSigningKeys(ctx)
	if err != nil {
		diags.AddError("Cannot rotate the signing key", tenantErrorDetail(err, timeout)+"\n\n"+notSent+": the tenant did not rotate.")
		return diags
	}
	roles, problems := rotationRoles(client.Domain(), keys)
	diags.Append(problems...)
	if !problems.HasError() && !moves.from(roles) {
		diags.AddError("The tenant's signing keys changed since the plan",
			fmt.Sprintf("The plan rotates Auth0 tenant %s from current key %s and next key %s, but the tenant now has current key %s "+
				"and next key %s. Someone rotated it since the plan was made. %s: plan again to see what a rotation "+
				"would do now.", client.Domain(), kidOrNone(moves.retires), moves.current, roleKID(roles.Current), roleKID(roles.Next), notSent))
	}
	return diags
}

// rotationRoles decides the keys' roles for a rotation, refusing a list
// that does not say for sure which key is current and which is next.
func rotationRoles(domain string, keys []management.SigningKey) (management.KeyRoles, diag.Diagnostics) {
	var diags diag.Diagnostics
	if err := management.CheckList(keys); err != nil {
		diags.AddError("Cannot rotate: the tenant's key list is inconsistent",
			fmt.Sprintf("Auth0 tenant %s: %s. Which key a rotation retires and which it makes current cannot be decided "+
				"from such a list, so nothing is sent. Check the keys in the Auth0 dashboard.", domain, err))
	}
	return management.Roles(keys), diags
}

// reconcile finds out what a rotate call whose answer was lost did, with a
// read of its own that a cancelled apply does not stop. It returns the new
// next key and true when the rotation happened as planned; otherwise it
// adds an error that says what the tenant shows and, from unsettled, what
// to do.
func reconcile(ctx context.Context, client *management.Client, moves plannedMoves, sendErr error, unsettled unsettledAdvice,
	diags *diag.Diagnostics,
) (string, bool) {
	readCtx, cancel := settlingContext(ctx)
	defer cancel()
	keys, err := client.ReadSigningKeys(readCtx)
	if err != nil {
		diags.AddError("The rotation's outcome is unknown",
			fmt.Sprintf("The rotate call got no usable answer (%s), and reading the tenant afterwards failed too (%s). "+
				"Auth0 may have rotated: %s may be current now. %s", sendErr, err, moves.current, unsettled.unknown(moves.current)))
		return "", false
	}
	roles := management.Roles(keys)
	if listErr := management.CheckList(keys); listErr != nil {
		diags.AddError("The rotation's outcome is unknown",
			fmt.Sprintf("The rotate call got no usable answer (%s), and the tenant's list of keys afterwards cannot be trusted (%s). "+
				"Auth0 may have rotated: %s may be current now. %s", sendErr, listErr, moves.current, unsettled.unknown(moves.current)))
		return "", false
	}
	switch {
	case roleKID(roles.Current) == moves.current && roles.Next != nil:
		diags.AddWarning("Auth0's answer to the rotation was lost; the tenant rotated",
			fmt.Sprintf("The rotate call got no usable answer (%s). Reading the tenant shows the rotation happened as planned: "+
				"%s is current and Auth0 queued %s as the next key. The rotation is recorded; it is not sent again.",
				sendErr, roles.Current.KID, roles.Next.KID))
		return roles.Next.KID, true
	case moves.from(roles):
		diags.AddError("Cannot rotate the signing key",
			fmt.Sprintf("The rotate call got no usable answer (%s). Reading the tenant shows it did not rotate: %s is still current "+
				"and %s still next. No rotation happened, and applying again is safe.",
				sendErr, kidOrNone(moves.retires), moves.current))
	default:
		diags.AddError("The tenant's signing keys moved otherwise than planned",
			fmt.Sprintf("The rotate call got no usable answer (%s). The plan made %s current; the tenant now has current key %s "+
				"and next key %s, so something else rotated it too. No rotation is recorded: %s",
				sendErr, moves.current, roleKID(roles.Current), roleKID(roles.Next), unsettled.moved))
	}
	return "", false
}

func roleKID(k *management.SigningKey) string {
	if k == nil {
		return "(none)"
	}
	return k.KID
}

func kidOrNone(kid string) string {
	if kid == "" {
		return "(none)"
	}
	return kid
}

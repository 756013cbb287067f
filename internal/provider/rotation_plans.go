package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/walkclaim"
)

// plannedRotation is a rotation a plan proposes: which keys it moves, and
// the list of keys the plan was made from.
type plannedRotation struct {
	retires string // the current key's kid; empty when the tenant had none
	current string // the next key's kid, which becomes current
	keys    []management.SigningKey
}

// rotationPlans records the one rotation of a tenant a walk may plan, so a
// second one is refused and a revocation of the key it retires is accepted.
type rotationPlans struct {
	mu      sync.Mutex
	planned *plannedRotation
	applied bool
}

// claim records r as the walk's rotation. It returns false, with the
// rotation claimed first, when the walk already plans one.
func (p *rotationPlans) claim(r plannedRotation) (plannedRotation, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.planned != nil {
		return *p.planned, false
	}
	p.planned = &r
	return r, true
}

// release forgets the walk's rotation, refused after it was recorded.
func (p *rotationPlans) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.planned = nil
}

// retiring returns the key with this kid, as the plan saw it, when a
// rotation this walk planned and has not carried out retires it.
func (p *rotationPlans) retiring(kid string) (management.SigningKey, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.planned == nil || p.applied || p.planned.retires != kid {
		return management.SigningKey{}, false
	}
	return management.FindKey(p.planned.keys, kid)
}

// done marks the walk's rotation as carried out (or attempted): from now
// on the tenant, not the plan, says what each key is.
func (p *rotationPlans) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.applied = true
}

// thisWalk is this process's membership of its Terraform walk, joined once
// as the process starts; nil, with the error, when the records cannot be
// kept (the in-process record still works).
var thisWalk = sync.OnceValues(walkclaim.Join)

// claimRotation records the rotation a walk plans for the tenant through
// this provider configuration, refusing a second one: in this process, and
// in the processes that serve the walk's other provider configurations.
// A configuration whose process starts after every other one of the walk
// has ended is not seen; its rotation is stopped at apply, before anything
// is sent, by the compare right before the rotate call.
func (t tenantData) claimRotation(ctx context.Context, what string, r plannedRotation) diag.Diagnostics {
	var diags diag.Diagnostics
	if first, ok := t.rotations.claim(r); !ok {
		diags.AddError(secondRotation, fmt.Sprintf("This plan already rotates Auth0 tenant %s (%s becomes current); %s would rotate "+
			"it again, and both plans would promise the same new current key. Keep one rotation resource or policy per tenant "+
			"(change a rotation's triggers to rotate again), or apply the second one in a later run.", t.client.Domain(), first.current, what))
		return diags
	}
	first, ok, err := claimInWalk(t.client.Tenant(), r.current)
	switch {
	case err != nil:
		tflog.Warn(ctx, "Cannot see the rotations other provider configurations plan", map[string]any{"error": err.Error()})
	case !ok:
		t.rotations.release()
		diags.AddError(secondRotation, fmt.Sprintf("Another provider configuration of Auth0 tenant %s already plans to rotate it in "+
			"this run (%s becomes current); %s would rotate it again, and both plans would promise the same new current key. "+
			"Rotate each tenant through one provider configuration, or apply the second rotation in a later run.", t.client.Domain(), first, what))
	}
	return diags
}

// claimInWalk claims key with value among the processes of this process's
// walk; see walkclaim.Walk.Claim.
func claimInWalk(key, value string) (string, bool, error) {
	walk, err := thisWalk()
	if err != nil {
		return "", false, err
	}
	return walk.Claim(key, value)
}

// secondRotation is the summary of a plan's refused second rotation of a
// tenant.
const secondRotation = "More than one rotation of the tenant in one plan"

package provider

import (
	"sync"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

// tenantData is what a configured provider gives its resources: the
// tenant's client, and the rotation this provider configuration planned.
// Terraform configures a provider anew for each walk (the plan, and the
// apply's final plan), so the record spans exactly one walk.
type tenantData struct {
	client    *management.Client
	rotations *rotationPlans
}

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

// retiring returns the key with this kid, as the plan saw it, when a
// rotation this walk planned and has not carried out retires it.
func (p *rotationPlans) retiring(kid string) (management.SigningKey, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.planned == nil || p.applied || p.planned.retires != kid {
		return management.SigningKey{}, false
	}
	for _, k := range p.planned.keys {
		if k.KID == kid {
			return k, true
		}
	}
	return management.SigningKey{}, false
}

// done marks the walk's rotation as carried out (or attempted): from now
// on the tenant, not the plan, says what each key is.
func (p *rotationPlans) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.applied = true
}

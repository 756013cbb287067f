# Deny revoking, in the plan that rotates, the key the rotation retires
# (the dashboard's "Rotate & Revoke": every token that key signed stops
# validating at apply) unless the change is labelled an emergency with the
# root module variable emergency_change = true.
package auth0keys.emergency_rotation

import rego.v1

import data.auth0keys.plan

emergency if plan.doc.variables.emergency_change.value == true

emergency if plan.doc.variables.emergency_change.value == "true"

# Kids of the keys that rotations in this plan retire.
retired_by_rotation contains kid if {
	some rc in plan.doc.resource_changes
	rc.type == "auth0keys_signing_key_rotation"
	"create" in rc.change.actions
	kid := rc.change.after.previous_kid
	is_string(kid)
}

deny contains msg if {
	some rc in plan.doc.resource_changes
	rc.type == "auth0keys_signing_key_revocation"
	"create" in rc.change.actions
	rc.change.after.kid in retired_by_rotation
	not emergency
	msg := sprintf("%s revokes signing key %s, which a rotation in this plan retires, so tokens it signed stop validating at once; label the change an emergency (-var emergency_change=true) or revoke it in a later change", [rc.address, rc.change.after.kid])
}

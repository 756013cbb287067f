# Deny "Rotate & Revoke" (auth0keys_signing_key_rotation with
# revoke_previous = true) unless the change is labelled an emergency with
# the root module variable emergency_change = true.
package auth0keys.emergency_rotation

import rego.v1

emergency if input.variables.emergency_change.value == true

emergency if input.variables.emergency_change.value == "true"

deny contains msg if {
	some rc in input.resource_changes
	rc.type == "auth0keys_signing_key_rotation"
	some action in rc.change.actions
	action in {"create", "update"}
	rc.change.after.revoke_previous == true
	not emergency
	msg := sprintf("%s rotates and revokes the current signing key at once; label the change an emergency (-var emergency_change=true) or rotate now and revoke later", [rc.address])
}

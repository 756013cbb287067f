# Deny revoking a signing key that stopped being current less than
# data.config.min_retired_hours ago (24 by default), by a revocation or a
# rotation policy: tokens it signed may still be live. Reads the plan JSON
# of `terraform show -json PLANFILE`, or Terraform Cloud's input.plan.
package auth0keys.revocation_age

import rego.v1

import data.auth0keys.plan

import data.auth0keys.emergency_rotation

default min_retired_hours := 24

min_retired_hours := data.config.min_retired_hours

# The plan's own time, so that a plan is judged as of when it was made.
now_ns := time.parse_rfc3339_ns(plan.doc.timestamp) if plan.doc.timestamp

else := time.now_ns()

# Revocations a rotation policy plans: keys whose act is "revoked".
deny contains msg if {
	some rc in plan.doc.resource_changes
	rc.type == "auth0keys_signing_key_rotation_policy"
	some action in rc.change.actions
	action in {"create", "update"}
	some key in rc.change.after.keys
	key.act == "revoked"
	hours := (now_ns - time.parse_rfc3339_ns(key.retired_at)) / (3600 * 1000000000)
	hours < min_retired_hours
	msg := sprintf(
		"%s revokes signing key %s, which stopped being current %.1f hours ago; wait until it has been retired %v hours",
		[rc.address, key.kid, hours, min_retired_hours],
	)
}

# Revocations this plan would send: an adopted, already revoked key plans
# a known revoked_at and sends nothing.
revocations contains rc if {
	some rc in plan.doc.resource_changes
	rc.type == "auth0keys_signing_key_revocation"
	"create" in rc.change.actions
	object.get(rc.change.after_unknown, "revoked_at", false) == true
}

deny contains msg if {
	some rc in revocations
	until := rc.change.after.current_until
	is_string(until)
	hours := (now_ns - time.parse_rfc3339_ns(until)) / (3600 * 1000000000)
	hours < min_retired_hours
	msg := sprintf(
		"%s revokes signing key %s, which stopped being current %.1f hours ago; wait until it has been retired %v hours",
		[rc.address, rc.change.after.kid, hours, min_retired_hours],
	)
}

# A key a rotation in this plan retires is judged by emergency_rotation.
deny contains msg if {
	some rc in revocations
	not is_string(rc.change.after.current_until)
	not rc.change.after.kid in emergency_rotation.retired_by_rotation
	msg := sprintf("%s revokes signing key %v, and the plan does not say when it stopped being current", [rc.address, rc.change.after.kid])
}

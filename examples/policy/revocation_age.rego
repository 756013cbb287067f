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

# Keys a rotation policy revokes: those whose act is "revoked", by policy
# change, with when each stopped being current: Auth0's retired_at, else
# when the policy first saw it retired (it was retired no later).
policy_revocations contains [rc, key] if {
	some rc in plan.doc.resource_changes
	rc.type == "auth0keys_signing_key_rotation_policy"
	some action in rc.change.actions
	action in {"create", "update"}
	some key in rc.change.after.keys
	key.act == "revoked"
}

retired_at(rc, key) := key.retired_at if is_string(key.retired_at)

else := rc.change.after.first_seen_previous[key.kid] if is_string(rc.change.after.first_seen_previous[key.kid])

deny contains msg if {
	some [rc, key] in policy_revocations
	hours := (now_ns - time.parse_rfc3339_ns(retired_at(rc, key))) / (3600 * 1000000000)
	hours < min_retired_hours
	msg := sprintf(
		"%s revokes signing key %s, which stopped being current %.1f hours ago; wait until it has been retired %v hours",
		[rc.address, key.kid, hours, min_retired_hours],
	)
}

# A policy being created dates undated keys only at its apply.
deny contains msg if {
	some [rc, key] in policy_revocations
	not retired_at(rc, key)
	msg := sprintf("%s revokes signing key %s, and the plan does not say when it stopped being current", [rc.address, key.kid])
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

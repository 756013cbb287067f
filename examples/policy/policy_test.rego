# Runs against plan JSON from real plans, loaded as data.plans.NAME (the
# policy tests in internal/policy make them against the emulator).
package auth0keys.policy_test

import rego.v1

import data.auth0keys.emergency_rotation
import data.auth0keys.fingerprint
import data.auth0keys.revocation_age

all_denies(plan) := denies if {
	denies := (revocation_age.deny | emergency_rotation.deny) | fingerprint.deny with input as plan
}

test_revoking_a_key_retired_days_ago_passes if {
	count(all_denies(data.plans.old_revocation)) == 0
}

test_revoking_a_key_retired_hours_ago_is_denied if {
	denies := revocation_age.deny with input as data.plans.recent_revocation
	count(denies) == 1
	some msg in denies
	contains(msg, "auth0keys_signing_key_revocation.recent revokes signing key")
	contains(msg, "wait until it has been retired 24 hours")
}

test_the_age_is_configurable if {
	denies := revocation_age.deny with input as data.plans.old_revocation with data.config.min_retired_hours as 1000
	count(denies) == 1
}

test_adopting_a_revoked_key_is_not_a_revocation if {
	count(all_denies(data.plans.adoption)) == 0
}

test_adopting_a_key_revoked_an_hour_ago_is_not_a_revocation if {
	count(all_denies(data.plans.recent_adoption)) == 0
}

test_a_plan_is_judged_as_of_its_own_time if {
	later := object.union(data.plans.recent_revocation, {"timestamp": "2200-01-01T00:00:00Z"})
	count(revocation_age.deny) == 0 with input as later
}

test_a_plan_without_a_readable_time_is_judged_as_of_now if {
	unreadable := object.union(data.plans.recent_revocation, {"timestamp": "the year 3000"})
	count(revocation_age.deny) == 1 with input as unreadable
	count(revocation_age.deny) == 1 with input as object.remove(data.plans.recent_revocation, ["timestamp"])
}

test_rotate_and_revoke_needs_an_emergency_label if {
	denies := emergency_rotation.deny with input as data.plans.rotate_and_revoke
	count(denies) == 1
	some msg in denies
	contains(msg, "auth0keys_signing_key_revocation.leaked revokes signing key")
	contains(msg, "which a rotation in this plan retires")
}

test_rotate_and_revoke_labelled_emergency_passes if {
	count(all_denies(data.plans.rotate_and_revoke_emergency)) == 0
}

test_plain_rotation_passes if {
	count(all_denies(data.plans.rotation)) == 0
}

test_revocation_without_a_known_fingerprint_is_denied if {
	denies := fingerprint.deny with input as data.plans.unknown_kid
	count(denies) == 1
	some msg in denies
	contains(msg, "auth0keys_signing_key_revocation.later does not name the certificate it revokes: make its kid known at plan time")
}

test_revocation_in_a_tenant_known_only_at_apply_is_denied if {
	denies := fingerprint.deny with input as data.plans.unknown_tenant
	count(denies) == 1
	some msg in denies
	contains(msg, "auth0keys_signing_key_revocation.old does not name the certificate it revokes: its tenant is read only at apply")
}

test_a_fingerprint_in_another_form_is_denied if {
	other_form := json.patch(data.plans.old_revocation, [{
		"op": "replace",
		"path": "/resource_changes/0/change/after/fingerprint",
		"value": "e0a6f5c2",
	}])
	denies := fingerprint.deny with input as other_form
	count(denies) == 1
	some msg in denies
	contains(msg, `its fingerprint "e0a6f5c2" is not a SHA-1 fingerprint`)
}

test_real_plans_carry_fingerprints if {
	count(fingerprint.deny) == 0 with input as data.plans.old_revocation
	count(fingerprint.deny) == 0 with input as data.plans.recent_revocation
}

# Terraform Cloud's OPA policy sets pass the same plan as input.plan.
tfc(name) := {"plan": data.plans[name]}

test_terraform_cloud_shape_revocation_age if {
	count(revocation_age.deny) == 1 with input as tfc("recent_revocation")
	count(revocation_age.deny) == 0 with input as tfc("old_revocation")
}

test_terraform_cloud_shape_emergency_rotation if {
	count(emergency_rotation.deny) == 1 with input as tfc("rotate_and_revoke")
	count(emergency_rotation.deny) == 0 with input as tfc("rotate_and_revoke_emergency")
}

test_terraform_cloud_shape_fingerprint if {
	count(fingerprint.deny) == 1 with input as tfc("unknown_kid")
	count(fingerprint.deny) == 0 with input as tfc("old_revocation")
}

test_a_rotation_policy_revoking_a_key_retired_hours_ago_is_denied if {
	denies := revocation_age.deny with input as data.plans.policy_recent_revocation
	count(denies) == 1
	some msg in denies
	contains(msg, "auth0keys_signing_key_rotation_policy.tenant revokes signing key retiredHoursAgo")
}

test_a_rotation_policy_revoking_old_keys_passes if {
	count(all_denies(data.plans.policy_old_revocation)) == 0
}

test_a_rotation_policy_revoking_an_undated_key_counts_from_its_first_sight if {
	denies := revocation_age.deny with input as data.plans.policy_undated_revocation
	count(denies) == 1
	some msg in denies
	contains(msg, "auth0keys_signing_key_rotation_policy.tenant revokes signing key undated, which stopped being current 0.0 hours ago")
}

test_a_rotation_policy_created_revoking_an_undated_key_is_denied if {
	denies := revocation_age.deny with input as data.plans.policy_undated_at_create
	count(denies) == 1
	some msg in denies
	contains(msg, "auth0keys_signing_key_rotation_policy.tenant revokes signing key undated, and the plan does not say when it stopped being current")
}

# Require every revocation in a plan to name the certificate it revokes:
# a reviewer approves a fingerprint, not a reference that resolves at apply.
package auth0keys.fingerprint

import rego.v1

import data.auth0keys.plan

deny contains msg if {
	some rc in plan.doc.resource_changes
	rc.type == "auth0keys_signing_key_revocation"
	"create" in rc.change.actions
	not known_fingerprint(rc)
	msg := sprintf("%s does not name the certificate it revokes: make its kid known at plan time", [rc.address])
}

known_fingerprint(rc) if {
	object.get(rc.change.after_unknown, "fingerprint", false) == false
	fp := rc.change.after.fingerprint
	regex.match(`^([0-9A-F]{2}:){19}[0-9A-F]{2}$`, fp)
}

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
	msg := sprintf("%s does not name the certificate it revokes: %s", [rc.address, remedy(rc)])
}

known_fingerprint(rc) if {
	not unknown(rc, "fingerprint")
	regex.match(`^([0-9A-F]{2}:){19}[0-9A-F]{2}$`, rc.change.after.fingerprint)
}

unknown(rc, attribute) if object.get(rc.change.after_unknown, attribute, false) == true

# What makes the plan name the certificate.
remedy(rc) := "make its kid known at plan time" if {
	unknown(rc, "kid")
} else := "its tenant is read only at apply: give the provider's configuration as known values" if {
	unknown(rc, "fingerprint")
} else := sprintf("its fingerprint %q is not a SHA-1 fingerprint in uppercase hex pairs", [object.get(rc.change.after, "fingerprint", null)])

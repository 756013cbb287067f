# The dashboard's "Rotate & Revoke" in one apply, for a signing key that
# leaked: the next key becomes current, then the key that was current is
# revoked at once. Every token it signed stops validating.
#
# Two resources on one provider configuration: the rotation, then the
# revocation of the key it retires. If the revocation fails, the apply
# fails and the next plan proposes only the revocation; the rotation is
# never sent twice.
terraform {
  required_providers {
    auth0keys = {
      source  = "auth0keys/auth0keys"
      version = "~> 0.1"
    }
  }
}

resource "auth0keys_signing_key_rotation" "emergency" {}

resource "auth0keys_signing_key_revocation" "leaked" {
  kid          = auth0keys_signing_key_rotation.emergency.previous_kid
  grace_period = "0s" # revoke at once: the key leaked
}

output "revoked_fingerprint" {
  value = auth0keys_signing_key_revocation.leaked.fingerprint
}

output "current_kid" {
  value = auth0keys_signing_key_rotation.emergency.current_kid
}

# The dashboard's "Rotate & Revoke" in one apply, for a signing key that
# leaked: the next key becomes current and the key that was current is
# revoked at once. Every token it signed stops validating.
terraform {
  required_providers {
    auth0keys = {
      source = "auth0keys/auth0keys"
    }
  }
}

provider "auth0keys" {}

resource "auth0keys_signing_key_rotation" "emergency" {
  revoke_previous = true
}

output "revoked_kid" {
  value = auth0keys_signing_key_rotation.emergency.revoked_kid
}

output "current_kid" {
  value = auth0keys_signing_key_rotation.emergency.current_kid
}

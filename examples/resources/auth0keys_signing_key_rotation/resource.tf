# Rotate the signing key every 90 days: a new value of the trigger rotates
# again (time_rotating comes from the hashicorp/time provider).
resource "time_rotating" "signing_key" {
  rotation_days = 90
}

resource "auth0keys_signing_key_rotation" "scheduled" {
  triggers = {
    rotation = time_rotating.signing_key.id
  }
}

# The one-step "Rotate & Revoke", for a key that leaked: tokens signed with
# the current key stop validating at apply.
resource "auth0keys_signing_key_rotation" "emergency" {
  revoke_previous = true
}

# Rotate the signing key on a schedule: a new value of a trigger rotates
# again. Here the quarter comes from a variable the pipeline sets; a
# time_rotating resource of the hashicorp/time provider serves as well.
variable "rotation_quarter" {
  type    = string
  default = "2026-Q4"
}

resource "auth0keys_signing_key_rotation" "scheduled" {
  triggers = {
    quarter = var.rotation_quarter
  }
}

# The one-step "Rotate & Revoke", for a key that leaked: tokens signed with
# the current key stop validating at apply.
resource "auth0keys_signing_key_rotation" "emergency" {
  revoke_previous = true
}

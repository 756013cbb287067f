# Rotate the signing key on a schedule: a new value of a trigger rotates
# again. Here the quarter comes from a variable the pipeline sets; a
# time_rotating resource of the hashicorp/time provider serves as well.
# One rotation resource per tenant: a plan that rotates a tenant twice is
# refused.
variable "rotation_quarter" {
  type    = string
  default = "2026-Q4"
}

resource "auth0keys_signing_key_rotation" "scheduled" {
  triggers = {
    quarter = var.rotation_quarter
  }
  # A plan fails rather than rotate a tenant whose current key became
  # current less than this long ago (the default is 1h).
  min_rotation_interval = "24h"
}

# Revoke the key the rotation retires once its tokens have expired; the
# plan fails until it has been retired for grace_period.
resource "auth0keys_signing_key_revocation" "retired" {
  kid          = auth0keys_signing_key_rotation.scheduled.previous_kid
  grace_period = "720h"
}

# Auth0's documented procedure for the application signing key, in two applies:
#
#   1. terraform apply
#        rotates: the next key becomes current. Publish next_kid and jwks to
#        applications and APIs, and wait until tokens signed by the previous
#        key have expired.
#   2. terraform apply -var revoke_previous_key=true
#        revokes the key the rotation retired. The plan names its fingerprint,
#        and fails while it was retired less than grace_period ago: by
#        default the tenant's longest token lifetime.
#
# Credentials come from AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET;
# the application needs read:signing_keys, create:signing_keys and
# update:signing_keys, and read:resource_servers and read:clients for the
# default grace_period.
terraform {
  required_providers {
    auth0keys = {
      source  = "auth0keys/auth0keys"
      version = "~> 0.1"
    }
  }
}

variable "revoke_previous_key" {
  description = "Revoke the key the rotation retired (step 2)."
  type        = bool
  default     = false
}

variable "grace_period" {
  description = "How long the retired key must have been out of use before it may be revoked: \"auto\" waits the tenant's longest token lifetime; \"0s\" revokes at once."
  type        = string
  default     = "auto"
}

resource "auth0keys_signing_key_rotation" "this" {}

resource "auth0keys_signing_key_revocation" "retired" {
  count        = var.revoke_previous_key ? 1 : 0
  kid          = auth0keys_signing_key_rotation.this.previous_kid
  grace_period = var.grace_period
}

data "auth0keys_signing_keys" "tenant" {
  depends_on = [auth0keys_signing_key_rotation.this, auth0keys_signing_key_revocation.retired]
}

output "current_kid" {
  description = "The key that signs tokens since the rotation."
  value       = auth0keys_signing_key_rotation.this.current_kid
}

output "next_kid" {
  description = "The key queued for the next rotation: publish it now."
  value       = auth0keys_signing_key_rotation.this.next_kid
}

output "jwks" {
  description = "The key set applications and gateways should trust."
  value       = data.auth0keys_signing_keys.tenant.jwks
}

output "revoked" {
  description = "The key revoked in step 2, with its fingerprint."
  value = [for r in auth0keys_signing_key_revocation.retired : {
    kid         = r.kid
    fingerprint = r.fingerprint
  }]
}

output "revoked_kids" {
  description = "Every key of the tenant that is revoked, step 2's included."
  value       = data.auth0keys_signing_keys.tenant.revoked_kids
}

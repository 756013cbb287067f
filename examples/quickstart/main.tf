# Lists the tenant's application signing keys. The provider reads the
# tenant and credentials from AUTH0_DOMAIN, AUTH0_CLIENT_ID and
# AUTH0_CLIENT_SECRET; the application needs the scope read:signing_keys.
terraform {
  required_providers {
    auth0keys = {
      source  = "auth0keys/auth0keys"
      version = "~> 0.1"
    }
  }
}

data "auth0keys_signing_keys" "tenant" {}

output "current_kid" {
  description = "The key that signs new tokens."
  value       = data.auth0keys_signing_keys.tenant.current_kid
}

output "next_kid" {
  description = "The key that becomes current at the next rotation."
  value       = data.auth0keys_signing_keys.tenant.next_kid
}

output "keys" {
  description = "Every key with its state and fingerprint: current, next, previous (retired, not revoked yet) or revoked."
  value = [
    for k in data.auth0keys_signing_keys.tenant.signing_keys : {
      kid         = k.kid
      state       = k.revoked ? "revoked" : k.current ? "current" : k.next ? "next" : "previous"
      fingerprint = k.fingerprint
    }
  ]
}

output "published_kids" {
  description = "The kids in the JSON Web Key Set the tenant publishes."
  value       = [for k in jsondecode(data.auth0keys_signing_keys.tenant.jwks).keys : k.kid]
}

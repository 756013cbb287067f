data "auth0keys_signing_keys" "tenant" {}

# The key set a gateway should trust, the next key included.
output "jwks" {
  value = data.auth0keys_signing_keys.tenant.jwks
}

output "current_kid" {
  value = data.auth0keys_signing_keys.tenant.current_kid
}

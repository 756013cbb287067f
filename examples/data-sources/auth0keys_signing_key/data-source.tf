# The key that becomes current at the next rotation, to publish ahead of it.
data "auth0keys_signing_key" "next" {
  status = "next"
}

# A key by its kid.
data "auth0keys_signing_key" "by_kid" {
  kid = "21hi274Rp02112mgkUGma"
}

output "next_jwk" {
  value = data.auth0keys_signing_key.next.jwk
}

# Credentials from the environment: AUTH0_DOMAIN, AUTH0_CLIENT_ID and
# AUTH0_CLIENT_SECRET (or AUTH0_API_TOKEN).
provider "auth0keys" {}

# Or in the configuration, with the secret from a variable.
variable "auth0_client_secret" {
  type      = string
  sensitive = true
}

provider "auth0keys" {
  alias         = "eu"
  domain        = "example.eu.auth0.com"
  client_id     = "AaiyAPdpYdesoKnqjj8HJqRn4T5titww"
  client_secret = var.auth0_client_secret
}

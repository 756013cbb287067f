terraform {
  required_providers {
    auth0keys = {
      source  = "auth0keys/auth0keys"
      version = "~> 0.1"
    }
  }
}

# Credentials from the environment, as the official Auth0 provider reads
# them: AUTH0_DOMAIN, then AUTH0_API_TOKEN, or AUTH0_CLIENT_ID with
# AUTH0_CLIENT_SECRET or AUTH0_CLIENT_ASSERTION_PRIVATE_KEY.
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

# Or with Private Key JWT: the private key of a credential registered for
# the application, instead of a client secret.
variable "auth0_client_assertion_private_key" {
  type      = string
  sensitive = true
}

provider "auth0keys" {
  alias                        = "us"
  domain                       = "example.us.auth0.com"
  client_id                    = "Xq3QkTTcZ9aVjzTqBuvo1nTGPvmLr8Ry"
  client_assertion_private_key = var.auth0_client_assertion_private_key
  client_assertion_signing_alg = "RS256"
}

# Terraform Cloud policy set configuration: connect this folder as an OPA
# policy set. Each query returns the messages of the changes it denies.
policy "revocation_age" {
  query             = "data.auth0keys.revocation_age.deny"
  enforcement_level = "mandatory"
}

policy "emergency_rotation" {
  query             = "data.auth0keys.emergency_rotation.deny"
  enforcement_level = "mandatory"
}

policy "fingerprint" {
  query             = "data.auth0keys.fingerprint.deny"
  enforcement_level = "mandatory"
}

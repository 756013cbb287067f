# Revoke the key the last rotation retired, once tokens it signed have
# expired. The plan names the key's fingerprint and fails while the key was
# retired less than grace_period ago, or if it is the current or next key.
data "auth0keys_signing_keys" "tenant" {}

resource "auth0keys_signing_key_revocation" "previous" {
  kid          = data.auth0keys_signing_keys.tenant.previous_kids[0]
  grace_period = "24h"
}

# Revoke a key a rotation retired, once tokens it signed have expired. Name
# the key by its kid, as previous_kids of the auth0keys_signing_keys data
# source or the dashboard shows it: a kid taken from that list by position
# would move on to another key once this one is revoked. The plan names the
# key's fingerprint and fails while the key was retired less than
# grace_period ago, or if it is the current or next key.
resource "auth0keys_signing_key_revocation" "previous" {
  kid          = "Kx3Zq8WpT0vRm4YbN6sLd"
  grace_period = "24h"
}

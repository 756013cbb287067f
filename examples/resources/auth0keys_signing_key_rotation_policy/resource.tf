# Rotate every 90 days, and revoke a retired key once no token it signed
# can still be live: "auto" takes the tenant's longest token lifetime (it
# needs read:resource_servers and read:clients). Plan on a schedule (a
# Terraform Cloud scheduled run, or a CI cron running plan and apply): a plan
# with nothing due is empty, and a due plan names every act.
resource "auth0keys_signing_key_rotation_policy" "tenant" {
  rotate_after = "2160h"
  revoke_after = "auto"

  # A gateway that copies keys instead of reading the tenant's JWKS must
  # serve the next key before a rotation goes ahead.
  jwks_urls = ["https://gateway.example.com/.well-known/jwks.json"]
}

output "rotation_due_at" {
  value = auth0keys_signing_key_rotation_policy.tenant.rotation_due_at
}

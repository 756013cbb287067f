# Adopt a key that is already revoked, by its kid.
terraform import auth0keys_signing_key_revocation.previous 21hi274Rp02112mgkUGma

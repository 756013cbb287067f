# Record a rotation made elsewhere by the kid it made current.
terraform import auth0keys_signing_key_rotation.scheduled 21hi274Rp02112mgkUGma

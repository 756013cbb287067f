# Record a rotation made in the dashboard, or by an apply that was stopped
# before it recorded it, by the kid it made current. Importing sends no
# rotation.
import {
  to = auth0keys_signing_key_rotation.scheduled
  id = "21hi274Rp02112mgkUGma"
}

"""Admin login protection: lockout after repeated failures (django-axes) and optional TOTP two-factor (django-otp).

Imported by casualtytracker/settings.py. Unlock: the admin's "Access attempts" (delete the record) or
`manage.py axes_reset` (all), `axes_reset_username NAME`, `axes_reset_ip ADDRESS`. Two-factor: DJANGO_OTP_REQUIRED=1
(casualtytracker/admin_site.py); enrolment is described in the README.
"""

import datetime
import os

from django.utils.translation import gettext_lazy as _

from casualtytracker.env import env_bool

__all__ = [
    "AUTHENTICATION_BACKENDS", "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "AXES_LOCKOUT_PARAMETERS", "AXES_RESET_ON_SUCCESS",
    "AXES_LOCKOUT_CALLABLE", "AXES_COOLOFF_MESSAGE", "AXES_PERMALOCK_MESSAGE", "AXES_CLIENT_IP_CALLABLE",
    "TRUSTED_PROXY_COUNT", "OTP_REQUIRED", "OTP_TOTP_ISSUER",
]

# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesBackend", "django.contrib.auth.backends.ModelBackend"]
# After this many failed logins of one username from one address, that pair is locked out...
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
# ...for this long (minutes; 0: until an administrator unlocks it).
_COOLOFF_MINUTES = int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "30"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_COOLOFF_MINUTES) if _COOLOFF_MINUTES else None
# Username and address together: an attacker guessing one editor's password from many addresses is stopped at each,
# and cannot lock every editor out from one address with wrong passwords for their names (each pair counts apart).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout page: translated, says how long and what to do (status 429).
AXES_LOCKOUT_CALLABLE = "casualtytracker.admin_site.lockout_response"
AXES_COOLOFF_MESSAGE = _("Too many failed logins: this account is locked from your address for a while. Try again later.")
AXES_PERMALOCK_MESSAGE = _("Too many failed logins: this account is locked from your address until an administrator unlocks it.")
# Behind N reverse proxies the client's address is the Nth from the right of X-Forwarded-For (0: REMOTE_ADDR).
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "casualtytracker.admin_site.client_address"

# Two-factor for staff: with this on, the admin only opens to a login verified by a TOTP device.
OTP_REQUIRED = env_bool("DJANGO_OTP_REQUIRED", default=False)
# The name authenticator apps show next to the code.
OTP_TOTP_ISSUER = os.environ.get("DJANGO_OTP_ISSUER", "Casualty Tracker")

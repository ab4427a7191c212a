"""The admin site with optional two-factor (settings.OTP_REQUIRED), and the client address django-axes counts by.

With OTP_REQUIRED on, the admin is django-otp's OTPAdminSite: its login asks for a TOTP token as well, and a staff
user whose login was not verified by a device is treated as not staff (no admin page opens). Off (the default), it is
Django's plain admin, so `make run` and the tests log in with a password alone. The setting is read per request.
"""

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.admin import AdminSite
from django.shortcuts import render
from django_otp.admin import OTPAdminSite


class EditorsAdminSite(OTPAdminSite):
    """django-otp's admin site when settings.OTP_REQUIRED, Django's otherwise (same name, same URLs: "admin")."""

    @property
    def login_form(self):
        return OTPAdminSite.login_form if settings.OTP_REQUIRED else None

    @property
    def login_template(self):
        return OTPAdminSite.login_template if settings.OTP_REQUIRED else None

    def has_permission(self, request):
        if settings.OTP_REQUIRED:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)


def use_editors_admin_site(site) -> None:
    """Turn the default admin site (with every model already registered on it) into an EditorsAdminSite.

    django-otp documents the same move (`admin.site.__class__ = OTPAdminSite`); the site keeps its name "admin".
    """
    site.__class__ = EditorsAdminSite


def client_address(request) -> str | None:
    """The client's address for login lockouts: REMOTE_ADDR, or behind settings.TRUSTED_PROXY_COUNT proxies the
    address the outermost trusted proxy saw (X-Forwarded-For, counted from the right: the left part is the client's
    to forge)."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): a translated page, 429 Too Many Requests,
    saying how many failures locked it, for how long, and that an administrator can lift the lock."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else 0,
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response

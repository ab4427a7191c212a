"""Production settings: HTTPS, cookies, security headers and the Content-Security-Policy, read from the environment.

Imported by casualtytracker/settings.py. Production (DJANGO_DEBUG off) gets every protection by default, so that
`manage.py check --deploy` passes with no warning given only a secret and the allowed hosts; development
(DJANGO_DEBUG=1: runserver, the tests' client) keeps plain http, or every request would be redirected to https.
Each variable is listed in the README's table.
"""

import os
from urllib.parse import urlsplit

from csp.constants import NONE, SELF

from casualtytracker.env import debug_on, env_bool

DATA = "data:"  # a scheme source (django-csp 4.0 has constants for keywords only)

__all__ = [
    "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS",
    "PERMISSIONS_POLICY",
]

_PRODUCTION = not debug_on()


def proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """DJANGO_SECURE_PROXY_SSL_HEADER "X-Forwarded-Proto: https" → Django's ("HTTP_X_FORWARDED_PROTO", "https").

    Empty: the request's own scheme is believed (no proxy). Only set it when a proxy in front of the site always
    sets or overwrites this header: otherwise a client could send it and pass for https.
    """
    if not value.strip():
        return None
    name, _, expected = value.partition(":")
    return "HTTP_" + name.strip().upper().replace("-", "_"), expected.strip()


# The site is served over https only: http is redirected (the proxy's header tells Django the original scheme).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=_PRODUCTION)
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(
    os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https" if _PRODUCTION else ""),
)
# HSTS: browsers refuse plain http to this host for this many seconds (a year by default in production; 0 sends none).
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(365 * 24 * 3600) if _PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
# Session and CSRF cookies travel over https only; the session cookie is never readable from JavaScript.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Headers on every answer, in development too.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = os.environ.get("DJANGO_SECURE_REFERRER_POLICY", "same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page of the site uses, switched off for it and anything it could embed (security.py sends it).
PERMISSIONS_POLICY = os.environ.get(
    "DJANGO_PERMISSIONS_POLICY",
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=(), interest-cohort=()",
)


def tile_source(tile_url: str) -> str | None:
    """The CSP source of the map's tile server: "https://tile.openstreetmap.org" for its URL template.

    A Leaflet subdomain placeholder ({s}.tile.example.org) becomes a wildcard (*.tile.example.org). No URL: none.
    """
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def content_security_policy(tile_url: str) -> dict:
    """The site's Content-Security-Policy (django-csp 4 format): its own files only, no inline script or style.

    Images may also be data: URLs (Leaflet's and Swagger UI's icons) and the map's tiles. The admin and DRF's
    browsable API add inline styles only (security.py: RELAXED); nothing anywhere runs an inline script.
    """
    tiles = tile_source(tile_url)
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            "img-src": [SELF, DATA] + ([tiles] if tiles else []),
            "font-src": [SELF],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        },
    }

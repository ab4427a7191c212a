"""Security headers the settings alone cannot give: the CSP chosen per path, a Permissions-Policy, TRACE refused.

The policy itself is in casualtytracker/production.py (settings.CONTENT_SECURITY_POLICY).
"""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.utils.translation import gettext as _

# What the relaxed pages add to the policy: inline styles, never inline scripts. The admin's templates (Django's
# widgets, simple-history's, and our editors' forms) and DRF's browsable API write `style` attributes and <style>
# blocks; both are read by staff or developers, and script-src stays 'self' there too, so injected markup still
# cannot run.
RELAXED = {"style-src": [UNSAFE_INLINE]}


def admin_prefixes() -> tuple[str, ...]:
    """The admin's addresses in every language: /admin/ and /ar/admin/ (i18n_patterns, English unprefixed)."""
    others = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    return ("/admin/", *(f"/{code}/admin/" for code in others))


def is_relaxed(request, response) -> bool:
    """Whether this answer is an admin page or DRF's browsable API (HTML of the API, `?format=api`)."""
    renderer = getattr(response, "accepted_renderer", None)
    return request.path_info.startswith(admin_prefixes()) or getattr(renderer, "format", None) == "api"


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with inline styles allowed on the relaxed pages only (see RELAXED)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and is_relaxed(request, response):
            parts.update = {**RELAXED, **(parts.update or {})}
        return parts


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY: camera, microphone, geolocation and the rest off for every page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


# Methods no address answers: TRACE echoes the request (cookies included) back, TRACK is its old IIS spelling.
REFUSED_METHODS = {"TRACE", "TRACK"}


class RefuseTraceMiddleware:
    """405 for TRACE (and TRACK) on every address, static files included: before any view or WhiteNoise sees it.

    Django's function views would otherwise answer TRACE like GET.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in REFUSED_METHODS:
            response = HttpResponseNotAllowed(["GET", "HEAD", "POST", "OPTIONS"], _("This method is not allowed."))
            response["Content-Type"] = "text/plain; charset=utf-8"
            return response
        return self.get_response(request)

"""Abuse limits: requests per client on the data endpoints, and how many exports run at once.

A civilian-harm database is a target: a client looping an export or the API must not take the site down for the
people reading it. Two rules, each counted in Django's cache, so every app server shares them when REDIS_URL is set:

- **Rate limits** (`RateLimitMiddleware`): each URL in `SCOPE_BY_URL_NAME` belongs to a scope (the API, the exports,
  the downloads, the chart and map data, a future submission form) whose rate (`RATE_LIMITS`, "120/m") is counted per
  client (`client_key`) by django-ratelimit's fixed windows (atomic add + incr in the cache). Past it: 429 with
  Retry-After and a translated message.
- **Exports at once** (`acquire_export_slot`): a cache-based semaphore of `EXPORTS_AT_ONCE` slots, each a key that
  expires by itself (a crashed worker frees its slot) and is renewed while the export streams. All slots taken: 503
  with Retry-After, "too many exports at once".

Tests turn the limits off (tests/conftest.py); tests/test_rate_limits.py turns them on.
"""

import ipaddress
import logging
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext
from django_ratelimit import ALL, UNSAFE
from django_ratelimit.core import get_usage

from casualtytracker.admin_site import client_address

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scope:
    """A group of addresses sharing one rate per client; `methods` are the requests that count."""

    name: str
    methods: object = ALL


API = Scope("api")
EXPORTS = Scope("exports")
DOWNLOADS = Scope("downloads")
DATA = Scope("data")
# The hook for a public submission form: only its posts count, so reading the form is never limited.
SUBMISSIONS = Scope("submissions", methods=UNSAFE)

# Which addresses are limited, by URL name (the namespace "api" is the whole API). A new submission form names its URL
# here ("submission": SUBMISSIONS) and is limited with no other change.
SCOPE_BY_NAMESPACE = {"api": API}
SCOPE_BY_URL_NAME = {
    "export_csv": EXPORTS, "export_hxl": EXPORTS, "export_claims": EXPORTS, "export_json": EXPORTS, "export_geojson": EXPORTS,
    "data_file": DOWNLOADS,
    "map_data": DATA, "chart_monthly_json": DATA, "chart_monthly_csv": DATA, "belligerent_gap_json": DATA,
    "belligerent_gap_csv": DATA, "sdg_table_csv": DATA,
    "submission": SUBMISSIONS,
}


def client_key(request) -> str:
    """Who the client is, for every limit: its address as the login lockouts read it (`admin_site.client_address`:
    REMOTE_ADDR, or behind `TRUSTED_PROXY_COUNT` proxies the hop the outermost one added). IPv6 addresses count by
    their /64, which one subscriber usually holds whole."""
    address = client_address(request) or ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def scope_of(request) -> Scope | None:
    """The scope the resolved address belongs to, or None when it is not limited."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    for namespace in match.namespaces:
        if namespace in SCOPE_BY_NAMESPACE:
            return SCOPE_BY_NAMESPACE[namespace]
    return SCOPE_BY_URL_NAME.get(match.url_name)


def seconds_to_wait(request, scope: Scope) -> int | None:
    """Count this request in its scope; the seconds until the client may ask again when it is over the rate, else None.

    A cache that fails answers "not limited" (logged): an outage of Redis must not close the site."""
    if not settings.RATE_LIMITS_ENABLED:
        return None
    rate = settings.RATE_LIMITS.get(scope.name)
    if not rate:
        return None
    try:
        usage = get_usage(request, group=f"ct:{scope.name}", key=lambda group, request: client_key(request), rate=rate,
                          method=scope.methods, increment=True)
    except Exception:
        logger.exception("Rate limit not counted: the cache failed")
        return None
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, usage["time_left"])


def too_many_requests(request, seconds: int, *, api: bool = False):
    """429 with Retry-After: JSON for the API (DRF's error shape), a page for the rest."""
    message = ngettext(
        "Too many requests from your address. Please wait %(seconds)d second and try again.",
        "Too many requests from your address. Please wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}
    if api:
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "429.html", {"message": message, "seconds": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response


class RateLimitMiddleware:
    """Counts each request to a limited address (`scope_of`) against its client's rate; 429 past it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        scope = scope_of(request)
        if scope is None:
            return None
        seconds = seconds_to_wait(request, scope)
        if seconds is None:
            return None
        return too_many_requests(request, seconds, api=scope is API)


# --- Exports at once ---------------------------------------------------------------------------------------------

SLOT_KEY = "ct:export-slot:{}"


@dataclass
class ExportSlot:
    """One of the `EXPORTS_AT_ONCE` slots, held by one export while it streams."""

    key: str
    token: str

    def renew(self) -> None:
        """Keep the slot while the export is alive (it expires `EXPORT_SLOT_SECONDS` after the last renewal)."""
        try:
            cache.touch(self.key, settings.EXPORT_SLOT_SECONDS)
        except Exception:
            logger.exception("Export slot not renewed: the cache failed")

    def release(self) -> None:
        """Free the slot if it is still this export's (an expired slot may already be another's)."""
        try:
            if cache.get(self.key) == self.token:
                cache.delete(self.key)
        except Exception:
            logger.exception("Export slot not released (it expires by itself): the cache failed")


def acquire_export_slot() -> ExportSlot | None:
    """A free slot, or None when `EXPORTS_AT_ONCE` exports already run on all the app servers sharing the cache.

    `cache.add` is atomic (Redis SET NX), so two servers never take the same slot. A cache that fails gives a slot
    that holds nothing (logged): an outage of Redis must not stop the exports."""
    if not settings.RATE_LIMITS_ENABLED or settings.EXPORTS_AT_ONCE <= 0:
        return ExportSlot("", "")
    token = uuid.uuid4().hex
    try:
        for number in range(settings.EXPORTS_AT_ONCE):
            key = SLOT_KEY.format(number)
            if cache.add(key, token, settings.EXPORT_SLOT_SECONDS):
                return ExportSlot(key, token)
    except Exception:
        logger.exception("Export slot not counted: the cache failed")
        return ExportSlot("", "")
    return None


def holding_slot(lines: Iterable[str], slot: ExportSlot, *, renew_every: int = 500) -> Iterator[str]:
    """The export's lines, renewing its slot as they go and freeing it when the stream ends, fails or is closed
    (the client went away: the WSGI server closes the response, which closes this generator)."""
    try:
        for count, line in enumerate(lines, 1):
            if slot.key and count % renew_every == 0:
                slot.renew()
            yield line
    finally:
        if slot.key:
            slot.release()


def too_many_exports(request):
    """503 with Retry-After when every export slot is taken: try again shortly, nothing is wrong with the request."""
    seconds = settings.EXPORT_RETRY_AFTER
    message = gettext("Too many exports are running at once. Please try again in a few seconds.")
    response = render(request, "429.html", {"message": message, "seconds": seconds}, status=503)
    response["Retry-After"] = str(seconds)
    return response

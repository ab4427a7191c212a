"""Abuse limits: per-client rates on the API, exports, downloads and chart/map data (429 + Retry-After), the cap on
exports at once (503 + Retry-After), the unfiltered export from its prebuilt file, exports read from a server-side cursor.

Every other test runs with the limits off (tests/conftest.py); these turn them on with small rates."""

import csv
import io
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.test import Client
from django.urls import path, reverse
from django.utils import translation

from casualtytracker import limits
from casualtytracker.urls import urlpatterns as site_urlpatterns
from incidents import exports, full_exports
from incidents.models import Incident
from tests import factories
from tests.dataworld import build_world, hidden_strings, published_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def rate_limits(settings):
    """The limits on, small enough to reach in a test, from a clean cache."""
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {"api": "3/m", "exports": "2/m", "downloads": "2/m", "data": "3/m", "submissions": "2/h"}
    settings.EXPORTS_AT_ONCE = 2
    cache.clear()
    yield settings
    cache.clear()


def client_at(address: str, **extra) -> Client:
    return Client(REMOTE_ADDR=address, **extra)


def test_api_answers_429_with_retry_after_past_the_rate(rate_limits):
    client = client_at("203.0.113.5")
    url = reverse("api:incident-list")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(url)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many requests from your address" in response.json()["detail"]


def test_each_client_has_its_own_count(rate_limits):
    url = reverse("api:incident-list")
    first, second = client_at("203.0.113.5"), client_at("203.0.113.6")
    for _ in range(3):
        first.get(url)
    assert first.get(url).status_code == 429
    assert second.get(url).status_code == 200


@pytest.mark.parametrize("name, kwargs", [
    ("export_csv", {}), ("export_json", {}), ("map_data", {}), ("chart_monthly_json", {}),
    ("data_file", {"name": "casualty-tracker-2026-01-01.zip"}),
])
def test_exports_downloads_and_chart_data_are_limited(rate_limits, name, kwargs):
    client = client_at("198.51.100.7")
    url = reverse(name, kwargs=kwargs)
    statuses = [client.get(url, {"country": "IQ"} if name.startswith("export") else {}).status_code for _ in range(4)]
    assert statuses[-1] == 429, statuses
    assert 429 not in statuses[:2]  # every limit here is at least 2 a minute


def test_the_limited_answer_is_a_page_saying_how_long_to_wait(rate_limits):
    client = client_at("198.51.100.8")
    for _ in range(2):
        client.get(reverse("export_csv"), {"country": "IQ"})
    response = client.get(reverse("export_csv"), {"country": "IQ"})
    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert f"Please wait {seconds} second" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_the_message_is_translated(rate_limits, rf):
    request = rf.get("/ar/")
    with translation.override("ar"):
        response = limits.too_many_requests(request, 30, api=True)
    detail = response.content.decode("unicode_escape")
    assert "Too many" not in detail
    assert "٣٠" in detail or "30" in detail


def test_pages_are_not_limited(rate_limits, published_incident):
    client = client_at("198.51.100.9")
    for _ in range(8):
        assert client.get(reverse("incident_list")).status_code == 200


def test_limits_off_by_setting(rate_limits):
    rate_limits.RATE_LIMITS_ENABLED = False
    client = client_at("198.51.100.10")
    assert {client.get(reverse("api:incident-list")).status_code for _ in range(6)} == {200}


def test_an_empty_rate_turns_one_limit_off(rate_limits):
    rate_limits.RATE_LIMITS = {**rate_limits.RATE_LIMITS, "api": ""}
    client = client_at("198.51.100.11")
    assert {client.get(reverse("api:incident-list")).status_code for _ in range(6)} == {200}


def test_forwarded_for_is_ignored_without_a_trusted_proxy(rate_limits, rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert limits.client_key(request) == "10.0.0.1"


def test_behind_one_proxy_the_client_is_the_hop_the_proxy_added(rate_limits, rf):
    rate_limits.TRUSTED_PROXY_COUNT = 1
    # The client wrote the first hop itself to pass as someone else; the proxy appended the address it saw.
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.66, 203.0.113.9")
    assert limits.client_key(request) == "203.0.113.9"


def test_a_spoofed_forwarded_for_does_not_escape_the_limit(rate_limits):
    rate_limits.TRUSTED_PROXY_COUNT = 1
    url = reverse("api:incident-list")
    statuses = [
        client_at("10.0.0.1").get(url, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9").status_code for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_ipv6_clients_count_by_their_64(rf):
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert limits.client_key(one) == limits.client_key(other) == "2001:db8:1:2::"


def _submission(request):
    return HttpResponse("thanks")


# The site's addresses and a stand-in for the future submission form, under the URL name the hook expects.
urlpatterns = [path("submit/", _submission, name="submission"), *site_urlpatterns]


@pytest.mark.urls("tests.test_rate_limits")
def test_submission_hook_counts_posts_only(rate_limits):
    client = client_at("198.51.100.12")
    assert {client.get("/submit/").status_code for _ in range(5)} == {200}
    assert [client.post("/submit/").status_code for _ in range(3)] == [200, 200, 429]


def test_a_failing_cache_does_not_close_the_site(rate_limits, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", broken)
    client = client_at("198.51.100.13")
    assert {client.get(reverse("api:incident-list")).status_code for _ in range(5)} == {200}


# --- Exports at once ---------------------------------------------------------------------------------------------

def stream(response) -> str:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content).decode("utf-8")


def test_exports_past_the_cap_get_503_with_retry_after(rate_limits, published_incident):
    rate_limits.EXPORTS_AT_ONCE = 1
    client = client_at("198.51.100.20")
    running = client.get(reverse("export_csv"), {"country": published_incident.country})
    next(iter(running.streaming_content))  # the first export is streaming: it holds the only slot
    refused = client_at("198.51.100.21").get(reverse("export_json"), {"country": published_incident.country})
    assert refused.status_code == 503
    assert int(refused["Retry-After"]) == rate_limits.EXPORT_RETRY_AFTER
    assert "Too many exports are running at once" in refused.content.decode()
    b"".join(running.streaming_content)
    running.close()
    again = client_at("198.51.100.21").get(reverse("export_json"), {"country": published_incident.country})
    assert again.status_code == 200


def test_a_slot_is_freed_when_the_client_goes_away(rate_limits, published_incident):
    rate_limits.EXPORTS_AT_ONCE = 1
    response = client_at("198.51.100.22").get(reverse("export_csv"), {"country": published_incident.country})
    next(iter(response.streaming_content))
    assert limits.acquire_export_slot() is None
    response.close()  # what the WSGI server does when the download is cut
    slot = limits.acquire_export_slot()
    assert slot is not None
    slot.release()


def test_a_lost_slot_expires_by_itself(rate_limits, monkeypatch):
    rate_limits.EXPORTS_AT_ONCE = 1
    rate_limits.EXPORT_SLOT_SECONDS = 1
    assert limits.acquire_export_slot() is not None  # taken, then its worker dies: never released
    assert limits.acquire_export_slot() is None
    cache.delete(limits.SLOT_KEY.format(0))  # what the expiry does after EXPORT_SLOT_SECONDS
    assert limits.acquire_export_slot() is not None


# --- The unfiltered export from its prebuilt file ------------------------------------------------------------------

@pytest.fixture
def prebuilt(settings, tmp_path):
    settings.DOWNLOADS_DIR = tmp_path / "downloads"
    settings.SITE_URL = "http://testserver"
    factories.IncidentFactory.create_batch(3, status="published")
    return full_exports.build_full_exports()


def test_unfiltered_export_is_served_from_the_prebuilt_file(client, prebuilt, django_assert_max_num_queries):
    live = stream(client.get(reverse("export_csv"), {"bom": "0"}))  # a query string: live
    with django_assert_max_num_queries(1):  # the data version, nothing else
        response = client.get(reverse("export_csv"))
    assert isinstance(response, FileResponse)
    served = b"".join(response.streaming_content).decode("utf-8")
    assert served == live
    assert response["Content-Disposition"].startswith('attachment; filename="casualty-tracker-incidents-')
    assert len(list(csv.DictReader(io.StringIO(served)))) == 3


def test_every_format_is_prebuilt(client, prebuilt):
    assert len(prebuilt) == len(exports.FORMATS)
    for name in ("export_csv", "export_hxl", "export_claims", "export_json", "export_geojson"):
        assert isinstance(client.get(reverse(name)), FileResponse)


@pytest.mark.django_db(transaction=True)  # PostgreSQL moves the data version at COMMIT
def test_a_write_makes_the_prebuilt_file_stale(client, prebuilt):
    newer = factories.IncidentFactory(status="published", title="Published after the build")
    response = client.get(reverse("export_csv"))
    assert isinstance(response, StreamingHttpResponse) and not isinstance(response, FileResponse)
    assert newer.code in stream(response)


@pytest.mark.django_db(transaction=True)  # PostgreSQL moves the data version at COMMIT
def test_a_new_build_replaces_the_old_files(prebuilt):
    Incident.objects.filter(pk=Incident.objects.first().pk).update(title="changed")
    again = full_exports.build_full_exports()
    assert not any(path.exists() for path in prebuilt)
    assert all(path.exists() for path in again)


def test_build_downloads_prebuilds_the_exports(settings, tmp_path, published_incident):
    from incidents.downloads import build_downloads

    settings.DOWNLOADS_DIR = tmp_path / "downloads"
    build_downloads(day=published_incident.date_start)
    assert full_exports.fresh_full_export("json") is not None


# --- Server-side cursor ----------------------------------------------------------------------------------------------

@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side cursors are PostgreSQL's")
def test_export_reads_from_a_server_side_cursor(client, monkeypatch, settings):
    assert not settings.DATABASES["default"].get("DISABLE_SERVER_SIDE_CURSORS")
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    factories.IncidentFactory.create_batch(5, status="published")
    lines = iter(client.get(reverse("export_csv"), {"sort": "date"}).streaming_content)
    next(lines), next(lines)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors WHERE name LIKE %s", ["\\_django\\_curs\\_%"])
        assert cursor.fetchone()[0] >= 1
    b"".join(lines)


# --- Shared through Redis --------------------------------------------------------------------------------------------

def _redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_limits_and_slots_are_shared_through_redis(rate_limits):
    """Two app servers share one Redis: what one counted, the other sees (here: the same cache, two clients)."""
    rate_limits.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                      "LOCATION": "redis://127.0.0.1:6379/0", "KEY_PREFIX": f"ct-test-{uuid.uuid4().hex}"}}
    url = reverse("api:incident-list")
    assert [client_at("203.0.113.77").get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    rate_limits.EXPORTS_AT_ONCE = 1
    slot = limits.acquire_export_slot()
    assert slot is not None and limits.acquire_export_slot() is None
    slot.release()
    assert limits.acquire_export_slot() is not None
    cache.delete(limits.SLOT_KEY.format(0))


def test_prebuilt_exports_hold_only_what_the_public_may_see(client, settings, tmp_path):
    """The files served for the unfiltered exports pass through the same gate as the live ones."""
    settings.DOWNLOADS_DIR = tmp_path / "downloads"
    world = build_world()
    paths = full_exports.build_full_exports()
    for built in paths:
        text = built.read_text(encoding="utf-8")
        for hidden in hidden_strings(world):
            assert hidden not in text, (built.name, hidden)
    served = b"".join(client.get(reverse("export_claims")).streaming_content).decode("utf-8")
    assert all(hidden not in served for hidden in hidden_strings(world))
    assert any(code in served for code in published_codes())

"""Two app servers, one PostgreSQL database, one Redis: a publish through one is visible through the other at once.

Server B reads through the replica router (DATABASE_REPLICA_URL pointing at the same database), so the per-request
routing runs in a real server too. Needs PostgreSQL (SQLite's in-memory test database is not shared with other
processes) and a Redis server (REDIS_URL, default redis://127.0.0.1:6379/13).
"""

import datetime
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from incidents import choices
from incidents.models import Incident
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("CT_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
TOTALS = "/api/v1/incidents/totals/"
STARTUP_SECONDS = 20


def _redis_reachable() -> str:
    """Why Redis cannot be used, or "" when it answers."""
    try:
        import redis
    except ImportError:
        return "the redis package is not installed"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as error:
        return f"Redis at {REDIS_URL} is unreachable ({error})"
    return ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    """The test database, as the servers must reach it (pytest-django's test_ name)."""
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{urllib.parse.quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Server:
    """One gunicorn process serving the site on a free port."""

    def __init__(self, name: str, **env):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix=f"ct-server-{name}-", suffix=".log", delete=False)  # noqa: SIM115
        environment = {**os.environ, "DJANGO_DEBUG": "1", "REDIS_URL": REDIS_URL, "DATABASE_URL": _database_url(), **env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "casualtytracker.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--timeout", "30"],
            cwd=settings.BASE_DIR, env=environment, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(f"{self.url}{TOTALS}", timeout=5).close()
                return
            except OSError:  # not listening yet (URLError is an OSError), or still starting
                time.sleep(0.2)
        raise AssertionError(f"server on {self.url} did not start:\n{self.output()}")

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        os.unlink(self.log.name)

    def request(self, path: str, *, data: dict | None = None, cookies: dict | None = None) -> tuple[int, str, dict]:
        """(status, body, cookies set); redirects are not followed."""
        headers = {"Cookie": "; ".join(f"{key}={value}" for key, value in (cookies or {}).items())} if cookies else {}
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=body, headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            set_cookies = {}
            for header in response.headers.get_all("Set-Cookie") or []:
                key, _, rest = header.partition("=")
                set_cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, response.read().decode(), set_cookies

    def totals(self, **filters) -> dict:
        query = f"?{urllib.parse.urlencode(filters)}" if filters else ""
        status, body, _ = self.request(f"{TOTALS}{query}")
        assert status == 200, body
        return json.loads(body)["all"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def servers():
    if connection.vendor != "postgresql":
        pytest.skip("two server processes need one shared database: run on PostgreSQL (DATABASE_URL)")
    if reason := _redis_reachable():
        pytest.skip(f"two server processes need a shared cache: {reason}")
    a = Server("a")
    b = Server("b", DATABASE_REPLICA_URL=_database_url())  # B's public reads go through the replica router
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        a.wait_ready(deadline)
        b.wait_ready(deadline)
        yield a, b
    finally:
        a.stop()
        b.stop()


def _session_cookie(user) -> dict:
    """A logged-in session, stored in the shared database, for a browser talking to any server."""
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def _publish_through(server: Server, incident: Incident, cookies: dict) -> None:
    """What a reviewer's browser does: open the publish step's page, then confirm it."""
    path = f"/admin/incidents/incident/{incident.pk}/workflow/publish/"
    status, body, set_cookies = server.request(path, cookies=cookies)
    assert status == 200, body[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]
    cookies = {**cookies, **set_cookies}
    status, body, set_cookies = server.request(path, data={"csrfmiddlewaretoken": token, "reason": ""}, cookies=cookies)
    assert status == 302, body[:500]
    assert "ct_wrote" not in set_cookies  # A has no replica: its router and middleware are not in use


def test_a_publish_through_one_server_is_visible_through_the_other_at_once(servers):
    a, b = servers
    reviewer = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-chief-123")
    factories.IncidentFactory(status=choices.Status.PUBLISHED, date_start=datetime.date(2017, 3, 17), country="IQ")
    waiting = factories.IncidentFactory(status=choices.Status.IN_REVIEW, date_start=datetime.date(2017, 3, 20), country="SY")
    Incident.objects.filter(country="IQ").update(reported_killed_min=83, reported_killed_max=137)
    Incident.objects.filter(pk=waiting.pk).update(reported_killed_min=1000, reported_killed_max=2000)

    # Warm B's cached totals (all, filtered, the home page's) and see the record in review is not public.
    assert (b.totals()["incidents"], b.totals()["reported_max"]) == (1, 137)
    assert b.totals(country="SY")["incidents"] == 0
    assert b.request("/")[1].count('<span class="value">1</span>') == 1
    assert b.request(f"/incidents/{waiting.code}/")[0] == 404

    _publish_through(a, waiting, _session_cookie(reviewer))

    assert Incident.objects.get(pk=waiting.pk).status == choices.Status.PUBLISHED
    assert (b.totals()["incidents"], b.totals()["reported_min"], b.totals()["reported_max"]) == (2, 1083, 2137)
    assert b.totals(country="SY")["incidents"] == 1
    assert b.request("/")[1].count('<span class="value">2</span>') == 1
    status, body, _ = b.request(f"/incidents/{waiting.code}/")
    assert status == 200 and waiting.code in body
    # And A, which shares the cache, agrees.
    assert a.totals()["reported_max"] == 2137

"""Faults: the database going away gives a styled 503 with Retry-After (never a 500 page), and an export it cuts
ends with a visible marker, not a silently short file. bench/faults.py tries the same on a real restart."""

import csv
import io
import json

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql import compiler
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse

from casualtytracker.urls import handler500  # noqa: F401 (the site's own handler, for this test URLconf)
from casualtytracker.urls import urlpatterns as site_urlpatterns
from incidents import exports
from incidents.exports import INCOMPLETE_MARKER
from tests import factories

pytestmark = pytest.mark.django_db


def _lost(request):
    raise OperationalError("server closed the connection unexpectedly")


def _closed(request):
    raise InterfaceError("connection already closed")


def _bug(request):
    raise ValueError("a bug, not an outage")


class LosesTheDatabaseMiddleware:
    """Stands for a middleware that reads the database (sessions, auth) when it is away: outside any view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/middleware-lost/":
            raise OperationalError("could not connect to server: Connection refused")
        return self.get_response(request)


urlpatterns = [
    path("lost/", _lost), path("closed/", _closed), path("bug/", _bug),
    path("middleware-lost/", lambda request: HttpResponse("unreached")),
    *site_urlpatterns,
]


@pytest.mark.urls("tests.test_faults")
@pytest.mark.parametrize("url", ["/lost/", "/closed/"])
def test_database_away_in_a_view_is_a_503_page_with_retry_after(client, url, settings):
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.DATABASE_RETRY_AFTER)
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert "Briefly unavailable" in text and "<html" in text and "Traceback" not in text


@pytest.mark.urls("tests.test_faults")
def test_database_away_outside_a_view_is_a_503_too(settings):
    settings.DEBUG = False  # handler500 answers only with DEBUG off (with it on, Django shows its debug page)
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_faults.LosesTheDatabaseMiddleware"]
    response = Client(raise_request_exception=False).get("/middleware-lost/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.DATABASE_RETRY_AFTER)


@pytest.mark.urls("tests.test_faults")
def test_other_errors_stay_500(settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/bug/")
    assert response.status_code == 500
    assert "Briefly unavailable" not in response.content.decode()


def test_a_real_page_without_its_database_is_a_503(client, monkeypatch, published_incident):
    def refuse(self, *args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    response = client.get(reverse("incident_detail", args=[published_incident.code]))
    assert response.status_code == 503


def test_the_503_page_is_in_arabic_under_ar(client, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    response = client.get("/ar/incidents/")
    assert response.status_code == 503
    text = response.content.decode()
    assert 'lang="ar"' in text and "Briefly unavailable" not in text


# --- An export cut part-way --------------------------------------------------------------------------------------

@pytest.fixture
def cut_after_first_chunk(monkeypatch):
    """The database goes away after the export's first chunk of rows, as a restart would (the next fetch fails)."""
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    real = compiler.cursor_iter

    def failing(cursor, sentinel, col_count, itersize):
        for number, chunk in enumerate(real(cursor, sentinel, col_count, itersize)):
            if number and itersize == exports.CHUNK_SIZE:  # the export's own rows, read chunk by chunk
                raise OperationalError("server closed the connection unexpectedly")
            yield chunk

    monkeypatch.setattr(compiler, "cursor_iter", failing)


def body(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def incidents():
    return factories.IncidentFactory.create_batch(5, status="published")


def test_a_complete_export_has_no_marker(client, incidents):
    text = body(client.get(reverse("export_csv"), {"sort": "date"}))
    assert INCOMPLETE_MARKER not in text
    assert len(list(csv.DictReader(io.StringIO(text)))) == 5


def test_a_cut_csv_ends_with_the_incomplete_line(client, incidents, cut_after_first_chunk):
    text = body(client.get(reverse("export_csv"), {"sort": "date"}))
    last = text.rstrip("\n").splitlines()[-1]
    assert last.startswith(INCOMPLETE_MARKER)
    assert "database connection was lost" in last
    assert text.count("\r\n") == 3  # the header and the two rows read before the cut


@pytest.mark.parametrize("name", ["export_json", "export_geojson"])
def test_a_cut_json_export_is_invalid_json_ending_with_the_marker(client, incidents, cut_after_first_chunk, name):
    text = body(client.get(reverse(name), {"sort": "date"}))
    assert text.rstrip("\n").splitlines()[-1].startswith(INCOMPLETE_MARKER)
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates a PostgreSQL backend")
@pytest.mark.django_db(transaction=True)
def test_an_export_whose_connection_is_killed_says_so(client, monkeypatch):
    """The real thing: another session terminates the export's backend (as a restart does) while it streams."""
    import psycopg2

    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    factories.IncidentFactory.create_batch(6, status="published")
    lines = iter(client.get(reverse("export_csv"), {"sort": "date"}).streaming_content)
    first = [next(lines), next(lines)]
    pid = connection.connection.get_backend_pid()
    params = connection.get_connection_params()
    other = psycopg2.connect(**{key: value for key, value in params.items() if key != "cursor_factory"})
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        other.commit()
    finally:
        other.close()
    text = b"".join([*first, *lines]).decode("utf-8")
    assert text.rstrip("\n").splitlines()[-1].startswith(INCOMPLETE_MARKER)
    connection.close()  # the broken connection; the next use reconnects, as the site does after a restart

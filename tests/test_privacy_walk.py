"""The privacy walk: every public surface, walked over a world holding every kind of hidden record, shows none of them.

The world (tests.dataworld) has a draft, an in-review and a retracted incident, an excluded claim, a private victim,
a confidential source whose report is cited by a published claim and by a published aggregate claim, and an actor,
a conflict and a source named only on a draft — each with a marker string of its own (`dataworld.hidden_strings`),
plus `redactions(world)`: the redactions made after publication, whose old values must not show either.

`SURFACES` is the one list of public addresses: pages in both languages, every filter of the list with a value
that would match a hidden record, search, the API and its browsable form, the schema, every export format, feeds,
change logs with as-of and known-on views at several dates, map and chart data, sitemap and robots. The downloads
are built into a temporary folder and unpacked, every file and every table read. A new public route that is not
walked fails `test_every_public_route_is_walked`: add it to `SURFACES` (or, if it shows no data, to `NOT_WALKED`
with the reason).
"""

import datetime
import sqlite3
import zipfile
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from rest_framework.test import APIClient

from incidents import downloads
from incidents.filters import IncidentFilter
from tests import dataworld, redacted_world
from tests.test_publication import API, EXPORTS, FEEDS, PAGES

pytestmark = pytest.mark.django_db


def redactions(world) -> list[str]:
    """Markers of redactions made after publication (a victim made private, a location coarsened, a claim excluded,
    a source made confidential after it was named): each makes a change to a published record in `world` and
    returns the old value that no public view of the past may show (tests/redacted_world.py)."""
    reviewer = get_user_model().objects.create_user("walk-reviewer", "walk-reviewer@example.org", "pw-walk-reviewer-123",
                                                    is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewer"))
    world["redacted"] = redacted_world.build_redacted(reviewer)["incident"]
    return [marker for markers in redacted_world.MARKERS.values() for marker in markers]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = dataworld.build_world()
        built["markers"] = [*dataworld.hidden_strings(built), *redactions(built)]
        yield built
        transaction.set_rollback(True)


def assert_no_marker(text: str, world, where: str) -> None:
    found = [marker for marker in world["markers"] if marker in text]
    assert not found, f"hidden text on {where}: {found}"


# Filters: each parameter of the one FilterSet with a value that would match a hidden record (drafts are in Iraq,
# Nineveh, on 18 March 2017, by the coalition, reported by the outlet; the draft-only world's statement denies).
HIDDEN_MATCH = {
    "q": "Hidden", "date_from": "2017-03-18", "date_to": "2017-03-18", "country": "IQ", "admin1": "Nineveh",
    "conflict": "iraq-war", "belligerent": "coalition", "event_type": "airstrike", "grade": "fair", "stance": "denies",
    "stance_by": "coalition", "conceded": "yes", "killed_min": "50", "source": "outlet", "has_victims": "yes",
    "victim": "Private", "sort": "-updated",
}
FILTERED = {  # the surfaces that read IncidentFilter
    "list": lambda: reverse("incident_list"), "map data": lambda: reverse("map_data"), "API": lambda: "/api/v1/incidents/",
    "CSV": lambda: reverse("export_csv"), "GeoJSON": lambda: reverse("export_geojson"), "chart": lambda: reverse("chart_monthly_json"),
    "SDG table": lambda: reverse("sdg_table"), "SDG CSV": lambda: reverse("sdg_table_csv"), "SDG API": lambda: "/api/v1/incidents/sdg/",
    "overlap": lambda: reverse("overlap"), "overlap CSV": lambda: reverse("overlap_csv"),
}
# Words of the hidden records (never a whole marker: a list echoes its search words back in its search box).
SEARCHED = ["Hidden", "Secret", "secret", "Private", "Brigade", "Gazette", "Campaign", "dispatch", "excluded words", "witness",
            "testimony"]
DAYS = ["2016-01-01", "2017-03-17", "2017-03-18", redacted_world.BEFORE, "2017-04-01", "2018-06-01", datetime.date.today().isoformat(), "2099-01-01"]
# Zoom levels, each with an area a map shows at it (a whole-world box is refused beyond the lowest zooms).
ZOOMS = {1: "-180,-85,180,85", 3: "-180,-85,180,85", 6: "35,30,50,40", 10: "42.5,36,43.7,36.7", 14: "43.1,36.3,43.16,36.36"}


def _ar(url: str) -> str:
    return "/ar" + url


def _incident(key: str, query: str = ""):
    return lambda world: reverse("incident_detail", args=[world[key].code]) + query


def _surfaces() -> dict:
    """Every public address to walk, by name (callables of the world). The one list: add new public surfaces here."""
    surfaces = {f"page: {name}": url for name, url in PAGES.items()}
    surfaces.update({f"page: ar {name}": (lambda world, url=url: _ar(url(world))) for name, url in PAGES.items()
                     if not name.startswith("ar ") and not name.startswith(("browsable API", "API docs", "robots", "sitemap"))})
    surfaces.update({
        "page: belligerents": lambda world: reverse("belligerent_list"),
        "page: conflicts": lambda world: reverse("conflict_list"),
        "page: ar conflicts": lambda world: _ar(reverse("conflict_list")),
        "page: ar sources": lambda world: _ar(reverse("source_list")),
        "page: ar methodology": lambda world: _ar(reverse("methodology")),
        "page: ar data": lambda world: _ar(reverse("data")),
        "page: ar map": lambda world: _ar(reverse("map")),
        "page: timeline, a year": lambda world: reverse("timeline") + "?year=2017",
        "page: ar overlap": lambda world: _ar(reverse("overlap")),
    })
    for by in ("none", "month", "admin1"):  # the confidential sources as a system, the datasets, by each stratum
        for url in ("overlap", "overlap_csv"):
            surfaces[f"{url}: by {by}"] = lambda world, url=url, by=by: (
                reverse(url) + f"?system=confidential&system=source:outlet&system=dataset:ucdp_ged&by={by}")
    for name, value in HIDDEN_MATCH.items():
        for surface, url in FILTERED.items():
            surfaces[f"filter {name}: {surface}"] = lambda world, url=url, name=name, value=value: f"{url()}?{name}={value}"
    for word in SEARCHED:
        surfaces[f"search {word}: list"] = lambda world, word=word: reverse("incident_list") + f"?q={word}"
        surfaces[f"search {word}: ar list"] = lambda world, word=word: _ar(reverse("incident_list")) + f"?q={word}"
        surfaces[f"search {word}: sources"] = lambda world, word=word: reverse("source_list") + f"?q={word}"
        surfaces[f"search {word}: map"] = lambda world, word=word: reverse("map") + f"?q={word}"
        surfaces[f"search {word}: API"] = lambda world, word=word: f"/api/v1/incidents/?q={word}"
    for name, url in API.items():
        surfaces[f"API: {name}"] = url
        surfaces[f"API browsable: {name}"] = lambda world, url=url: url(world) + ("&" if "?" in url(world) else "?") + "format=api"
    surfaces["API: root"] = lambda world: "/api/v1/"
    surfaces["API: totals"] = lambda world: "/api/v1/incidents/totals/"
    surfaces["API: totals, filtered"] = lambda world: "/api/v1/incidents/totals/?conflict=iraq-war"
    surfaces["API: schema"] = lambda world: "/api/v1/schema/"
    surfaces["API: schema JSON"] = lambda world: "/api/v1/schema/?format=json"
    surfaces["API: docs"] = lambda world: "/api/v1/docs/"
    for export in EXPORTS:
        for query in ("", "?bom=1", "?q=Hidden", "?conflict=iraq-war&bom=1"):
            surfaces[f"export: {export}{query}"] = lambda world, export=export, query=query: reverse(export) + query
    for name, (feed, query) in FEEDS.items():
        surfaces[f"feed: {name}"] = lambda world, feed=feed, query=query: reverse(feed) + query
    for key in ("mosul", "aleppo", "yemen", "redacted"):
        surfaces[f"change log: {key}"] = _incident(key)
        surfaces[f"change log: ar {key}"] = lambda world, key=key: _ar(_incident(key)(world))
        for day in DAYS:
            surfaces[f"as of {day}: {key}"] = _incident(key, f"?as_of={day}")
            surfaces[f"known on {day}: {key}"] = _incident(key, f"?known_on={day}")
    for zoom, box in ZOOMS.items():
        surfaces[f"map data, zoom {zoom}"] = lambda world, zoom=zoom, box=box: reverse("map_data") + f"?bbox={box}&zoom={zoom}"
        surfaces[f"map data, zoom {zoom}, searching"] = lambda world, zoom=zoom, box=box: reverse("map_data") + f"?bbox={box}&zoom={zoom}&q=Hidden"
    for actor in ("coalition", "russia"):
        surfaces[f"chart: gap JSON {actor}"] = lambda world, actor=actor: reverse("belligerent_gap_json", args=[actor])
        surfaces[f"chart: gap CSV {actor}"] = lambda world, actor=actor: reverse("belligerent_gap_csv", args=[actor])
    surfaces["chart: monthly CSV, searching"] = lambda world: reverse("chart_monthly_csv") + "?q=Hidden"
    surfaces["chart: monthly JSON, a source"] = lambda world: reverse("chart_monthly_json") + "?source=outlet"
    # The public form for submissions (tests/test_submissions*.py: a hidden record's code given to it is ignored).
    surfaces["submit"] = lambda world: reverse("submission")
    surfaces["submit: ar"] = lambda world: _ar(reverse("submission"))
    surfaces["submit: a correction of a published record"] = lambda world: reverse("submission") + f"?incident={world['mosul'].code}"
    surfaces["submit: thanks"] = lambda world: reverse("submission_thanks")
    return surfaces


SURFACES = _surfaces()
# Addresses that may not exist (yet): walked when they answer, skipped on 404.
OPTIONAL = {"sitemap": "/sitemap.xml", "robots": "/robots.txt"}
# Public routes the walk does not request, each with the reason.
NOT_WALKED = {
    "api:redoc": "a permanent redirect to api:docs, which is walked",
    "favicon": "the site's icon: an image, no records",
    "data_file": "the download files, built and unpacked by test_downloads_hold_no_marker (and fetched there)",
}


def _get(url: str):
    """The address as a visitor gets it, following redirects (e.g. ?year= to that year's page)."""
    return APIClient().get(url, follow=True)


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig", errors="replace")


@pytest.mark.parametrize("surface", SURFACES)
def test_surface_shows_no_marker(world, surface):
    url = SURFACES[surface](world)
    response = _get(url)
    # An as-of day before the record existed, or a filter refused, answers without data; nothing else may fail.
    assert response.status_code in (200, 404) if surface.startswith(("as of", "known on")) else response.status_code == 200, (
        url, response.status_code)
    assert_no_marker(_text(response), world, f"{surface} ({url})")


@pytest.mark.parametrize("name", OPTIONAL)
def test_optional_surface_shows_no_marker(world, name):
    response = _get(OPTIONAL[name])
    if response.status_code == 404:
        pytest.skip(f"{OPTIONAL[name]} does not exist")
    assert response.status_code == 200
    assert_no_marker(_text(response), world, OPTIONAL[name])


def test_downloads_hold_no_marker(world, settings, tmp_path):
    """The full downloads, built as the site builds them, then every ZIP member and every SQLite table read."""
    settings.DOWNLOADS_DIR = tmp_path
    zip_path, sqlite_path = downloads.build_downloads(day=datetime.date(2026, 11, 24))
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        assert {f"{table.name}.csv" for table in downloads.TABLES} <= set(names)
        for name in names:
            assert_no_marker(archive.read(name).decode("utf-8-sig"), world, f"download {name}")
    connection = sqlite3.connect(sqlite_path)
    try:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert {table.name for table in downloads.TABLES} <= set(tables)
        for table in tables:
            rows = connection.execute(f'SELECT * FROM "{table}"').fetchall()  # noqa: S608 (names read from the file itself)
            assert_no_marker(repr(rows), world, f"download table {table}")
    finally:
        connection.close()
    for path in (zip_path, sqlite_path):  # and served as they are
        response = _get(reverse("data_file", args=[path.name]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == path.read_bytes()


def test_the_world_is_shown_where_it_is_public(world):
    """The walk reads real pages: the published records and the confidential report's label are there."""
    assert world["mosul"].title in _text(_get(reverse("incident_detail", args=[world["mosul"].code])))
    page = _text(_get(reverse("belligerent_detail", args=["coalition"])))
    assert "Nineveh plains" in page and "a confidential source" in page


def test_every_filter_is_walked():
    assert set(IncidentFilter.base_filters) == set(HIDDEN_MATCH), "give each new filter a value matching a hidden record"


def _routes(patterns, namespace: str = "", prefix: str = ""):
    """(route, name) of every URL pattern, namespaced as reverse() names it."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}" if pattern.name else prefix + str(pattern.pattern)


def public_routes() -> set[str]:
    """The names of every route outside the admin (the editors' interface needs a login)."""
    return {name for route, name in _routes(get_resolver().url_patterns) if not route.startswith(("admin/", "ar/admin/")) and
            "admin/" not in route}


def _view_name(url: str) -> str:
    """The route's name; an Arabic address (/ar/…) names the same route as its English one."""
    path = urlsplit(url).path
    return resolve(path.removeprefix("/ar") if path.startswith("/ar/") else path).view_name


def test_the_route_list_is_read_from_the_urlconf():
    routes = public_routes()
    assert {"home", "incident_detail", "api:incident-list", "api:schema", "export_csv", "feed_new_atom", "data_file"} <= routes
    assert not {name for name in routes if name.startswith("admin:")}


def test_every_public_route_is_walked(world):
    walked = {_view_name(SURFACES[surface](world)) for surface in SURFACES}
    walked |= {_view_name(path) for path in OPTIONAL.values() if _resolves(path)}
    missing = public_routes() - walked - set(NOT_WALKED)
    assert not missing, f"public routes the privacy walk does not visit (add them to SURFACES): {sorted(missing)}"


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Exception:  # noqa: BLE001 (Resolver404: the optional address does not exist)
        return False
    return True

"""Secondary lists (sources, a source's reports and incidents, a belligerent's and a conflict's incidents, the API's reports,
sources, actors and conflicts) move by keyset cursor like /incidents/: every row once, in order, both ways; bad links never fail."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from incidents import display, pagination
from incidents.models import Incident, IncidentReport
from incidents.totals import totals_of
from incidents.views import accountability as accountability_views
from sources import views as source_views
from sources.models import Source
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def busy_world(django_db_setup, django_db_blocker):
    """A source with 7 reports over 7 published incidents of one conflict and belligerent, and 7 more sources (built once)."""
    with django_db_blocker.unblock(), transaction.atomic():
        actor, conflict = factories.ActorFactory(slug="busy-force"), factories.ConflictFactory(slug="busy-war")
        source = factories.SourceFactory(slug="busy-outlet", name="Busy Outlet")
        incidents = []
        for n in range(7):
            incident = factories.IncidentFactory(status="published", conflict=conflict, date_start=datetime.date(2017, 1, 1 + n % 3))
            factories.BelligerentRoleFactory(incident=incident, actor=actor)
            published_on = None if n in (2, 5) else datetime.date(2017, 2, 1 + n % 2)  # undated reports and equal dates
            IncidentReport.objects.create(incident=incident, report=factories.ReportFactory(source=source, published_on=published_on))
            other = factories.SourceFactory(name=f"Source {n}")
            IncidentReport.objects.create(incident=incident, report=factories.ReportFactory(source=other))
            incidents.append(incident)
        yield {"source": source, "incidents": incidents}
        transaction.set_rollback(True)


@pytest.fixture
def busy(busy_world, monkeypatch):
    """The busy world, with pages of 3 rows."""
    for name in ("SOURCES_PER_PAGE", "REPORTS_PER_PAGE", "INCIDENTS_PER_PAGE"):
        monkeypatch.setattr(source_views, name, 3)
    monkeypatch.setattr(accountability_views, "INCIDENTS_PER_PAGE", 3)
    return busy_world


def walk_page(client, url: str, rows: str, prefix: str = "", **query) -> list[list]:
    """Follow the `next` links of a page's list to the end, then the `previous` links back; return the pages."""
    pages, params = [], dict(query)
    while True:
        page = client.get(url, params).context[rows]
        pages.append([row.pk for row in page.rows])
        if not page.next:
            break
        params = {**query, f"{prefix}after": page.next.encode()}
    back, params = [], {**query, f"{prefix}before": page.previous.encode()} if page.previous else None
    while params:
        page = client.get(url, params).context[rows]
        back.insert(0, [row.pk for row in page.rows])
        params = {**query, f"{prefix}before": page.previous.encode()} if page.previous else None
    assert back == pages[:-1]
    return pages


def newest_first(incidents) -> list[int]:
    return [i.pk for i in sorted(incidents, key=lambda i: (i.date_start, i.pk), reverse=True)]


@pytest.mark.parametrize("sort", ["name", "-name", "incidents", "-incidents"])
def test_source_index_pages_cover_every_source_once(client, busy, sort):
    pages = walk_page(client, reverse("source_list"), "page", sort=sort)
    listed = [pk for page in pages for pk in page]
    assert len(listed) == len(set(listed)) == 8 and [len(page) for page in pages] == [3, 3, 2]
    names = dict(Source.objects.values_list("pk", "name"))
    if sort in ("name", "-name"):
        assert [names[pk] for pk in listed] == sorted(names.values(), reverse=sort == "-name")
    if sort == "-incidents":
        assert listed[0] == busy["source"].pk  # 7 incidents; every other source has one


def test_source_page_reports_and_incidents_page_independently(client, busy):
    url = reverse("source_detail", args=["busy-outlet"])
    incidents = walk_page(client, url, "incidents_page")
    assert [pk for page in incidents for pk in page] == newest_first(busy["incidents"])
    reports = walk_page(client, url, "reports_page", prefix="reports_")
    listed = [pk for page in reports for pk in page]
    expected = sorted(busy["source"].reports.all(), key=lambda r: (r.published_on is None, -(r.published_on or datetime.date.min).toordinal(), -r.pk))
    assert listed == [report.pk for report in expected]  # newest first, undated last
    # Moving in one list keeps the other's position.
    second = client.get(url, {"after": client.get(url).context["incidents_page"].next.encode()})
    assert 'reports_after=' in second.content.decode() and "after=" in second.content.decode()


@pytest.mark.parametrize("page, slug", [("belligerent_detail", "busy-force"), ("conflict_detail", "busy-war")])
def test_belligerent_and_conflict_incidents_page_by_cursor(client, busy, page, slug):
    pages = walk_page(client, reverse(page, args=[slug]), "page")
    assert [pk for rows in pages for pk in rows] == newest_first(busy["incidents"])


@pytest.mark.parametrize("query", ["?page=2", "?after=garbage", "?before=2017-13-01~4", "?after=2999-01-01~99999999999999999999",
                                   "?after=1000-01-01~1"])
def test_bad_or_stale_cursors_show_the_first_page_and_say_so(client, busy, query):
    for url, rows in (("/sources/", "page"), ("/sources/busy-outlet/", "incidents_page"), ("/belligerents/busy-force/", "page"),
                      ("/conflicts/busy-war/", "page")):
        response = client.get(url + query)
        assert response.status_code == 200
        assert "Showing the first page" in response.content.decode(), url
        assert response.context[rows].rows


def test_odd_cursors_on_source_pages_never_fail(client, busy):
    for query in ("?reports_after=%00~1", "?reports_before=x~1", "?reports_page=3", "?after=none~1", "?sort=name&after=%00~1",
                  "?sort=-incidents&after=zz~1", "?sort=name&after=" + "a" * 600 + "~1"):
        for url in ("/sources/", "/sources/busy-outlet/"):
            assert client.get(url + query).status_code == 200, (url, query)


@pytest.mark.parametrize("endpoint", ["sources", "actors", "conflicts", "reports"])
def test_api_secondary_lists_page_by_cursor(busy, endpoint):
    api = APIClient()
    first = api.get(f"/api/v1/{endpoint}/", {"page_size": 3}).json()
    pages, body = [first], first
    while body["next"]:
        body = api.get(body["next"]).json()
        pages.append(body)
    keys = [row.get("slug", row.get("id")) for page in pages for row in page["results"]]
    everything = [row.get("slug", row.get("id")) for row in api.get(f"/api/v1/{endpoint}/", {"page_size": 200}).json()["results"]]
    assert keys == everything and len(keys) == len(set(keys)) == first["count"]
    if len(pages) > 1:
        back = api.get(pages[-1]["previous"]).json()
        assert back["results"] == pages[-2]["results"]


@pytest.mark.parametrize("query, field", [({"page": "2"}, "page"), ({"after": "garbage"}, "after"), ({"before": "x~0"}, "before"),
                                          ({"after": "a\x00b~1"}, "after"), ({"page_size": "0"}, "page_size")])
def test_api_secondary_lists_refuse_bad_pages_with_a_reason(db, query, field):
    for endpoint in ("sources", "actors", "conflicts", "reports"):
        response = APIClient().get(f"/api/v1/{endpoint}/", query)
        assert response.status_code == 400 and field in response.json(), endpoint


def test_api_lists_ordered_by_name_and_newest_report_first(busy):
    api = APIClient()
    names = [row["name"] for row in api.get("/api/v1/sources/", {"page_size": 200}).json()["results"]]
    assert names == sorted(names)
    dates = [row["published_on"] for row in api.get("/api/v1/reports/", {"page_size": 200}).json()["results"]]
    dated = [day for day in dates if day]
    assert dated == sorted(dated, reverse=True) and dates[len(dated):] == [None] * (len(dates) - len(dated))


def test_secondary_pages_queries_do_not_grow(client, busy, django_assert_max_num_queries):
    for url in ("/sources/", "/sources/busy-outlet/"):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200
    for endpoint in ("sources", "actors", "conflicts", "reports"):
        # count, the rows (reports: dated then undated, each with its incidents), whatever the number of rows
        with django_assert_max_num_queries(5):
            assert APIClient().get(f"/api/v1/{endpoint}/").status_code == 200


# Totals: one definition, one answer for "nothing known".

def test_totals_of_an_empty_set_are_counts_of_zero_and_sums_of_none(db):
    totals = totals_of(Incident.objects.published().filter(code="no-such-code"))
    assert totals["all"] == {"incidents": 0, "reported_min": None, "reported_max": None, "with_reported": 0, "reported_open": 0,
                             "conceded_min": None, "conceded_max": None, "with_conceded": 0, "conceded_open": 0,
                             "related_groups": 0, "related_incidents": 0}
    assert totals["graded"] == totals["all"]


def test_a_total_with_no_number_reads_no_number_on_every_page(client):
    factories.IncidentFactory(status="published")  # published, with no figure at all
    for url in ("/", "/incidents/", "/timeline/"):
        html = client.get(url).content.decode()
        assert '<span class="value">no number</span>' in html and "0–0" not in html, url


def test_api_totals_match_the_list_page_for_the_same_filters(client, busy):
    Incident.objects.filter(pk=busy["incidents"][0].pk).update(reported_killed_min=83, reported_killed_max=137, grade="fair")
    api = APIClient()
    for query in ({}, {"belligerent": "busy-force"}, {"q": "nothing-matches-this"}):
        assert api.get("/api/v1/incidents/totals/", query).json() == client.get("/incidents/", query).context["totals"]
    assert api.get("/api/v1/incidents/totals/", {"grade": "excellent"}).status_code == 400
    assert api.get("/api/v1/incidents/totals/").json()["all"]["reported_max"] == 137


# Display rules written once.

@pytest.mark.parametrize("low, high, words", [(None, None, "no number"), (137, 137, "137"), (101, None, "101+"), (None, 200, "up to 200"),
                                              (83, 137, "83–137"), (1000, 12000, "1,000–12,000")])
def test_range_wording(low, high, words):
    assert display.format_range(low, high) == words


def test_range_wording_takes_the_word_for_nothing_known():
    assert display.format_range(None, None) == display.NO_NUMBER == display.format_total(None, None) == "no number"
    assert display.format_range(None, None, unknown="—") == "—"


@pytest.mark.parametrize("code, name", [("IQ", "Iraq"), ("sy", "Syria"), ("IR", "Iran"), ("PS", "State of Palestine"), ("TR", "Türkiye"),
                                        ("CD", "Democratic Republic of the Congo"), ("XK", "Kosovo"), ("ZZ", "ZZ"), ("", ""), (None, "")])
def test_country_names_come_from_iso_3166(code, name):
    assert display.country_name(code) == name


def test_place_text_is_written_once():
    incident = Incident(neighbourhood="Zanjili", locality="Mosul", admin2="Mosul", admin1="Nineveh", country="IQ")
    assert display.place_words(incident) == "Zanjili, Mosul, Nineveh"
    assert display.format_place(incident) == "Zanjili, Mosul, Nineveh, Iraq"
    assert display.format_place(Incident()) == "Unknown"


def test_cursor_round_trips_for_every_kind():
    order = pagination.Order("name", descending=False, kind="text")
    cursor = pagination.Cursor("Daily ~ Outlet", 7)
    assert pagination.Cursor.decode(cursor.encode(), order, Incident) == cursor
    assert pagination.Cursor.decode("none~3", order, Incident) == pagination.Cursor("none", 3)  # a name, not a missing value
    nullable = pagination.Order("reported_killed_max", descending=True, nullable=True)
    assert pagination.Cursor.decode("none~3", nullable, Incident) == pagination.Cursor(None, 3)

"""Drafts and private fields never leak anywhere: every public surface, on one world with every kind of hidden record.

The world (tests.dataworld) is built once per module and rolled back at its end; each test runs inside it.
"""

import sqlite3
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from incidents import downloads, totals
from incidents.models import Actor, Conflict, Incident
from sources.models import Report, Source
from tests import dataworld, factories

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = dataworld.build_world()
        built["hidden_strings"] = dataworld.hidden_strings(built)
        yield built
        transaction.set_rollback(True)


def assert_nothing_hidden(text: str, world) -> None:
    found = [hidden for hidden in world["hidden_strings"] if hidden in text]
    assert not found, f"hidden text on a public surface: {found}"


def _incident(key):
    return lambda world: reverse("incident_detail", args=[world[key].code])


PAGES = {
    "home": lambda world: reverse("home"),
    "incident list": lambda world: reverse("incident_list"),
    "incident list, every row": lambda world: reverse("incident_list") + "?sort=-updated",
    "incident search matching hidden titles": lambda world: reverse("incident_list") + "?q=strike",
    "incident Mosul": _incident("mosul"),
    "incident Aleppo": _incident("aleppo"),
    "incident Yemen": _incident("yemen"),
    "incident Mosul as of today": lambda world: reverse("incident_detail", args=[world["mosul"].code]) + "?as_of=2099-01-01",
    "incident Mosul as known today": lambda world: reverse("incident_detail", args=[world["mosul"].code]) + "?known_on=2099-01-01",
    "incident list by a victim's name": lambda world: reverse("incident_list") + "?victim=a",
    "incident list by any actor's stance": lambda world: reverse("incident_list") + "?stance=denies&stance=acknowledges_strike",
    "timeline": lambda world: reverse("timeline"),
    "SDG 16.1.2 table": lambda world: reverse("sdg_table"),
    "SDG 16.1.2 table CSV": lambda world: reverse("sdg_table_csv"),
    "timeline, a year's page (its strip of months)": lambda world: reverse("timeline") + "?before=2018",
    "browsable API root": lambda world: "/api/v1/?format=api",
    "API docs": lambda world: "/api/v1/docs/",
    "map": lambda world: reverse("map"),
    "map searching hidden titles": lambda world: reverse("map") + "?q=strike",
    "map data, the world": lambda world: reverse("map_data"),
    "map data, every incident one by one": lambda world: reverse("map_data") + "?bbox=-180,-85,180,85&zoom=3",
    "map data, searching hidden titles": lambda world: reverse("map_data") + "?q=strike&zoom=3",
    "map data, by source": lambda world: reverse("map_data") + "?source=outlet",
    "sources": lambda world: reverse("source_list"),
    "sources by name": lambda world: reverse("source_list") + "?sort=name",
    "source": lambda world: reverse("source_detail", args=["outlet"]),
    "belligerent coalition": lambda world: reverse("belligerent_detail", args=["coalition"]),
    "belligerent russia": lambda world: reverse("belligerent_detail", args=["russia"]),
    "conflict iraq": lambda world: reverse("conflict_detail", args=["iraq-war"]),
    "conflict syria": lambda world: reverse("conflict_detail", args=["syria-war"]),
    "methodology": lambda world: reverse("methodology"),
    "data": lambda world: reverse("data"),
    "chart data, monthly JSON": lambda world: reverse("chart_monthly_json"),
    "chart data, monthly CSV": lambda world: reverse("chart_monthly_csv"),
    "chart data, monthly JSON by belligerent": lambda world: reverse("chart_monthly_json") + "?belligerent=coalition",
    "chart data, monthly CSV by conflict": lambda world: reverse("chart_monthly_csv") + "?conflict=iraq-war",
    "chart data, monthly JSON by search": lambda world: reverse("chart_monthly_json") + "?q=strike",
    "chart data, gap JSON": lambda world: reverse("belligerent_gap_json", args=["coalition"]),
    "chart data, gap CSV": lambda world: reverse("belligerent_gap_csv", args=["russia"]),
    # The same pages in Arabic (/ar/…): the records' Arabic fields must pass the same gates.
    "ar home": lambda world: "/ar" + reverse("home"),
    "ar incident search matching hidden titles": lambda world: "/ar" + reverse("incident_list") + "?q=strike",
    "ar incident Mosul": lambda world: "/ar" + reverse("incident_detail", args=[world["mosul"].code]),
    "ar timeline": lambda world: "/ar" + reverse("timeline"),
    "ar source": lambda world: "/ar" + reverse("source_detail", args=["outlet"]),
    "ar belligerent coalition": lambda world: "/ar" + reverse("belligerent_detail", args=["coalition"]),
    "ar conflict iraq": lambda world: "/ar" + reverse("conflict_detail", args=["iraq-war"]),
    "ar belligerents": lambda world: "/ar" + reverse("belligerent_list"),
    # What crawlers read: the sitemap lists every public record in both languages, robots.txt points to it.
    "robots.txt": lambda world: reverse("robots_txt"),
    "sitemap index": lambda world: reverse("sitemap_index"),
    **{f"sitemap of {section}": lambda world, section=section: reverse("sitemap_section", args=[section])
       for section in ("pages", "incidents", "belligerents", "conflicts", "sources")},
}
FEEDS = {
    f"{name}{query}": (name, query)
    for name in ("feed_new_atom", "feed_new_rss", "feed_updated_atom", "feed_updated_rss")
    for query in ("", "?conflict=iraq-war", "?belligerent=coalition")
}
EXPORTS = ["export_csv", "export_hxl", "export_claims", "export_json", "export_geojson"]
API = {
    "incidents": lambda world: "/api/v1/incidents/?page_size=200",
    "incident detail": lambda world: f"/api/v1/incidents/{world['mosul'].code}/",
    "reports": lambda world: "/api/v1/reports/?page_size=200",
    "sources": lambda world: "/api/v1/sources/?page_size=200",
    "actors": lambda world: "/api/v1/actors/?page_size=200",
    "conflicts": lambda world: "/api/v1/conflicts/?page_size=200",
    "source detail": lambda world: "/api/v1/sources/outlet/",
    "actor detail": lambda world: "/api/v1/actors/coalition/",
    "conflict detail": lambda world: "/api/v1/conflicts/iraq-war/",
    "report detail": lambda world: f"/api/v1/reports/{Report.objects.get(title='Market hit').pk}/",
    "SDG 16.1.2 table": lambda world: "/api/v1/incidents/sdg/",
}


@pytest.mark.parametrize("page", PAGES)
def test_page_shows_nothing_hidden(client, world, page):
    response = client.get(PAGES[page](world))
    assert response.status_code == 200
    assert_nothing_hidden(response.content.decode(), world)


class InlineCode(HTMLParser):
    """What a Content-Security-Policy without 'unsafe-inline' would block: script bodies, style elements and
    attributes, event-handler attributes. A `json_script` block is data, not code."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        if tag == "script" and "src" not in named and named.get("type") != "application/json":
            self._in_script = True
        if tag == "style":
            self.found.append("<style> element")
        self.found += [f"{tag} {name}=" for name, _ in attrs if name == "style" or name.startswith("on")]

    def handle_endtag(self, tag):
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"inline script: {data.strip()[:60]}")


# DRF's browsable API renders its own inline script (its template is DRF's, not ours).
NOT_OURS = {"browsable API root"}


@pytest.mark.parametrize("page", [name for name in PAGES if name not in NOT_OURS])
def test_page_has_no_inline_script_or_style(client, world, page):
    parser = InlineCode()
    parser.feed(client.get(PAGES[page](world)).content.decode())
    assert parser.found == []


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_shows_nothing_hidden(client, world, feed):
    name, query = FEEDS[feed]
    response = client.get(reverse(name) + query)
    assert response.status_code == 200
    assert_nothing_hidden(response.content.decode(), world)


@pytest.mark.parametrize("export", EXPORTS)
def test_export_shows_nothing_hidden(client, world, export):
    response = client.get(reverse(export))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert world["mosul"].code in text
    assert_nothing_hidden(text, world)


@pytest.mark.parametrize("export", ["export_csv", "export_hxl", "export_claims"])
def test_excel_export_shows_nothing_hidden(client, world, export):
    text = b"".join(client.get(reverse(export), {"bom": "1"}).streaming_content).decode("utf-8-sig")
    assert world["mosul"].code in text
    assert_nothing_hidden(text, world)


@pytest.mark.parametrize("endpoint", API)
def test_api_shows_nothing_hidden(world, endpoint):
    response = APIClient().get(API[endpoint](world))
    assert response.status_code == 200, response.content
    assert_nothing_hidden(response.content.decode(), world)


def test_downloads_hold_nothing_hidden(world, settings, tmp_path):
    settings.DOWNLOADS_DIR = tmp_path
    zip_path, sqlite_path = downloads.build_downloads(day=dataworld.datetime.date(2026, 11, 24))
    text = "".join(downloads.read_member(zip_path, f"{table.name}.csv") for table in downloads.TABLES)
    assert world["mosul"].code in text
    assert_nothing_hidden(text, world)
    connection = sqlite3.connect(sqlite_path)
    try:
        dump = "\n".join(connection.iterdump())
    finally:
        connection.close()
    assert_nothing_hidden(dump, world)


def test_filter_dropdowns_offer_only_public_choices(client, world):
    form = client.get(reverse("incident_list")).context["form"]
    offered = {name: {str(value) for value, _ in form.fields[name].choices if value} for name in ("conflict", "belligerent", "source")}
    assert offered["conflict"] == {"iraq-war", "syria-war"}
    assert {"coalition", "russia"} <= offered["belligerent"]
    assert "outlet" in offered["source"]
    everything = offered["conflict"] | offered["belligerent"] | offered["source"]
    assert not everything & {*dataworld.DRAFT_ONLY_SLUGS.values(), "secret-source"}
    assert offered["belligerent"] == set(Actor.objects.public().values_list("slug", flat=True))


DRAFT_ONLY = [
    ("belligerent_detail", "actor"), ("conflict_detail", "conflict"), ("source_detail", "source"),
]


@pytest.mark.parametrize("page, kind", DRAFT_ONLY)
def test_draft_only_actor_conflict_source_have_no_page(client, world, page, kind):
    assert client.get(reverse(page, args=[dataworld.DRAFT_ONLY_SLUGS[kind]])).status_code == 404


@pytest.mark.parametrize("endpoint, kind", [("actors", "actor"), ("conflicts", "conflict"), ("sources", "source")])
def test_draft_only_actor_conflict_source_are_404_in_the_api(world, endpoint, kind):
    assert APIClient().get(f"/api/v1/{endpoint}/{dataworld.DRAFT_ONLY_SLUGS[kind]}/").status_code == 404


def test_reports_of_drafts_only_and_confidential_sources_are_404_in_the_api(world):
    api = APIClient()
    for title in (dataworld.DRAFT_ONLY_REPORT, "Phantom Gazette exclusive", dataworld.SECRET_TITLE):
        assert api.get(f"/api/v1/reports/{Report.objects.get(title=title).pk}/").status_code == 404


@pytest.mark.parametrize("param, kind", [("belligerent", "actor"), ("conflict", "conflict"), ("source", "source")])
def test_filtering_by_a_draft_only_name_is_refused_not_answered(client, world, param, kind):
    slug = dataworld.DRAFT_ONLY_SLUGS[kind]
    response = client.get(reverse("incident_list"), {param: slug})
    assert response.status_code == 200 and param in response.context["form"].errors
    # The API answers a name it cannot show as one that does not exist (404): a draft-only name is never confirmed.
    api = APIClient()
    hidden, unknown = api.get("/api/v1/incidents/", {param: slug}), api.get("/api/v1/incidents/", {param: "never-was-a-name"})
    assert hidden.status_code == unknown.status_code == 404
    assert client.get(reverse("export_csv"), {param: slug}).status_code == 400


@pytest.mark.parametrize("param, kind", [("belligerent", "actor"), ("conflict", "conflict"), ("source", "source")])
def test_chart_data_for_a_draft_only_name_is_refused(client, world, param, kind):
    slug = dataworld.DRAFT_ONLY_SLUGS[kind]
    for name in ("chart_monthly_json", "chart_monthly_csv"):
        assert client.get(reverse(name), {param: slug}).status_code == 400
    if kind == "actor":
        assert client.get(reverse("belligerent_gap_json", args=[slug])).status_code == 404
        assert client.get(reverse("belligerent_gap_csv", args=[slug])).status_code == 404


def test_chart_data_count_only_published_incidents_and_claims(client, world):
    """Drafts, incidents in review, retracted ones and excluded claims add nothing: the months add up to the totals."""
    expected = totals.totals_of(Incident.objects.published())["all"]
    total = client.get(reverse("chart_monthly_json")).json()["total"]
    for key in ("incidents", "reported_min", "reported_open", "conceded_min", "conceded_open", "with_reported", "with_conceded"):
        assert total[key] == expected[key], key


@pytest.mark.parametrize("query", ["?belligerent=phantom-brigade", "?conflict=phantom-campaign"])
def test_feed_for_a_draft_only_name_is_404(client, world, query):
    assert client.get(reverse("feed_new_atom") + query).status_code == 404


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_unpublished_incident_has_no_page_nor_api_record(client, world, status):
    incident = next(incident for incident in world["hidden"] if incident.status == status)
    assert client.get(reverse("incident_detail", args=[incident.code])).status_code == 404
    assert APIClient().get(f"/api/v1/incidents/{incident.code}/").status_code == 404


def test_retracted_incident_keeps_only_its_notice(client, world):
    incident = next(incident for incident in world["hidden"] if incident.status == "retracted")
    html = client.get(reverse("incident_detail", args=[incident.code])).content.decode()
    assert "wrong" in html and "Hidden report" not in html
    assert APIClient().get(f"/api/v1/incidents/{incident.code}/").status_code == 404


def test_public_sets_are_exactly_the_published_ones(world):
    assert set(Incident.objects.published()) == {world["mosul"], world["aleppo"], world["yemen"]}
    assert set(Conflict.objects.public()) == {world["iraq"], world["syria"]}
    assert {"outlet"} == set(Source.objects.public().filter(slug__in=["outlet", "secret-source", "phantom-gazette"]).values_list("slug", flat=True))
    public_reports = set(Report.objects.public().values_list("title", flat=True))
    assert "Market hit" in public_reports and dataworld.SECRET_TITLE in public_reports  # shown by its label only
    assert not public_reports & {dataworld.DRAFT_ONLY_REPORT, "Phantom Gazette exclusive", "Hidden report draft"}
    assert dataworld.SECRET_TITLE not in set(Report.objects.public().not_confidential().values_list("title", flat=True))


def test_a_published_aggregate_claim_makes_its_actor_conflict_and_source_public(client):
    """One rule for every surface: what a published record names has a page, on the site and in the API alike."""
    actor, conflict = factories.ActorFactory(slug="monitor-named"), factories.ConflictFactory(slug="campaign-named")
    source = factories.SourceFactory(slug="monitor-source")
    factories.AggregateClaimFactory(status="published", actor=actor, conflicts=[conflict], report=factories.ReportFactory(source=source))
    for page, slug, endpoint in (("belligerent_detail", "monitor-named", "actors"), ("conflict_detail", "campaign-named", "conflicts"),
                                 ("source_detail", "monitor-source", "sources")):
        assert client.get(reverse(page, args=[slug])).status_code == 200
        assert APIClient().get(f"/api/v1/{endpoint}/{slug}/").status_code == 200


def test_sitemap_lists_every_published_incident_and_public_record(client, world):
    """The sitemap is complete as well as clean: every published incident, belligerent, conflict and source, twice."""
    text = "".join(client.get(reverse("sitemap_section", args=[section])).content.decode()
                   for section in ("incidents", "belligerents", "conflicts", "sources"))
    for code in dataworld.published_codes():
        assert f"/incidents/{code}/</loc>" in text and f"/ar/incidents/{code}/</loc>" in text
    for record in [*Actor.objects.public(), *Conflict.objects.public(), *Source.objects.public()]:
        assert f"{record.get_absolute_url()}</loc>" in text

"""The map: its data endpoint clusters on a grid, its counts add up to the list's, uncertainty is drawn, bad views are 400s."""

import datetime

import pytest
from django.urls import reverse

from incidents import choices, geo
from tests import factories

pytestmark = pytest.mark.django_db
P = choices.GeoPrecision


def published(**fields):
    return factories.IncidentFactory(status="published", **fields)


@pytest.fixture
def world():
    """Published incidents at every kind of precision, some with no coordinates, beside drafts that must never count."""
    coalition = factories.ActorFactory(slug="coalition", name="Coalition")
    iraq = factories.ConflictFactory(slug="iraq-war", name="Iraq war")
    outlet = factories.SourceFactory(slug="outlet", name="Daily Outlet")
    made = {
        "site": published(title="Market strike", latitude=36.34, longitude=43.13, geo_precision=P.EXACT, grade="fair", conflict=iraq),
        "town": published(title="Village shelling", latitude=36.5, longitude=43.4, geo_precision=P.TOWN, grade="weak", conflict=iraq),
        "province": published(title="Province raid", latitude=35.0, longitude=44.0, geo_precision=P.PROVINCE, conflict=iraq),
        "syria": published(title="Aleppo bakery", country="SY", admin1="Aleppo", locality="Aleppo", latitude=36.2, longitude=37.15,
                           geo_precision=P.CITY, grade="fair", date_start=datetime.date(2016, 6, 1)),
        "yemen_country": published(title="Somewhere in Yemen", country="YE", admin1="", locality="", latitude=15.5, longitude=47.5,
                                   geo_precision=P.COUNTRY),
        "unplaced": published(title="Unplaced market strike", latitude=None, longitude=None, grade="fair"),
        "unplaced_syria": published(title="Unplaced Syrian raid", country="SY", latitude=None, longitude=None),
    }
    factories.BelligerentRoleFactory(incident=made["site"], actor=coalition)
    factories.BelligerentRoleFactory(incident=made["unplaced"], actor=coalition)
    factories.FigureFactory(incident=made["site"], report=factories.ReportFactory(source=outlet), count_min=12, count_max=None,
                            qualifier="at_least", quote="at least 12 killed")
    factories.FigureFactory(incident=made["town"], report=factories.ReportFactory(source=outlet), count_min=3, count_max=5)
    for status in ("draft", "in_review"):
        factories.IncidentFactory(status=status, title=f"Hidden {status} strike", latitude=36.3, longitude=43.1, geo_precision=P.EXACT)
        factories.IncidentFactory(status=status, title=f"Hidden {status} unplaced", latitude=None, longitude=None)
    return made


def map_data(client, query=""):
    response = client.get(reverse("map_data") + query)
    assert response.status_code == 200, response.content
    return response.json()


def list_total(client, query=""):
    response = client.get(reverse("incident_list") + query)
    assert response.status_code == 200
    return response.context["totals"]["all"]["incidents"]


def shown_count(data) -> int:
    return sum(cluster["count"] for cluster in data["clusters"]) + len(data["incidents"])


def test_each_precision_has_one_radius_and_shape():
    assert geo.uncertainty_radius_m(P.EXACT) == 0
    assert geo.uncertainty_shape(P.EXACT) == geo.uncertainty_shape(P.WITHIN_100M) == geo.uncertainty_shape(P.STREET) == "point"
    areas = [P.NEIGHBOURHOOD, P.TOWN, P.CITY, P.DISTRICT, P.PROVINCE]
    assert all(geo.uncertainty_shape(precision) == "area" for precision in areas)
    radii = [geo.uncertainty_radius_m(precision) for precision in areas]
    assert radii == sorted(radii) and len(set(radii)) == len(radii), "a coarser precision is a wider area"
    assert geo.uncertainty_radius_m(P.COUNTRY) is None and geo.uncertainty_shape(P.COUNTRY) == "country"
    assert {row["value"] for row in geo.precision_legend()} == set(P.values)


FILTERS = ["", "?country=IQ", "?country=SY", "?grade=fair", "?q=market", "?belligerent=coalition", "?date_from=2017-01-01",
           "?conflict=iraq-war", "?source=outlet", "?country=YE"]


@pytest.mark.parametrize("query", FILTERS)
@pytest.mark.parametrize("limit", [geo.INDIVIDUAL_LIMIT, 1])
def test_counts_add_up_to_the_lists_total(client, world, monkeypatch, query, limit):
    """Cells (or incidents) + country-only + no coordinates = the list's total for the same filter, drafts never counted."""
    monkeypatch.setattr(geo, "INDIVIDUAL_LIMIT", limit)  # 1: the same set answered as clusters
    data = map_data(client, query)
    counts = data["counts"]
    assert counts["total"] == list_total(client, query)
    assert shown_count(data) == counts["in_view"]
    assert counts["in_view"] + counts["country_only"] + counts["without_coordinates"] == counts["total"]
    assert sum(group["count"] for group in data["country_only"]) == counts["country_only"]
    if limit == 1 and counts["in_view"] > 1:
        assert data["mode"] == "clusters" and not data["incidents"]


def test_the_world_counts_each_kind_apart(client, world):
    counts = map_data(client)["counts"]
    assert counts == {"total": 7, "in_view": 4, "country_only": 1, "without_coordinates": 2}


def test_clusters_are_cells_of_the_grid_with_their_extent(client, world, monkeypatch):
    monkeypatch.setattr(geo, "INDIVIDUAL_LIMIT", 1)
    data = map_data(client, "?zoom=4")
    assert data["mode"] == "clusters" and data["cell_degrees"] == 5.625
    # Iraq's three points share one 5.625° cell; Aleppo (37.15° E) is in the cell west of it.
    assert sorted(cluster["count"] for cluster in data["clusters"]) == [1, 3]
    iraq, aleppo = sorted(data["clusters"], key=lambda cluster: -cluster["count"])
    assert iraq["bounds"] == [33.75, 39.375, 39.375, 45.0]  # south, west, north, east: the cell
    assert aleppo["bounds"] == [33.75, 33.75, 39.375, 39.375]
    assert (iraq["lat"], iraq["lon"]) == (round((36.34 + 36.5 + 35.0) / 3, 5), round((43.13 + 43.4 + 44.0) / 3, 5))
    south, west, north, east = iraq["bounds"]
    assert west <= iraq["lon"] <= east and south <= iraq["lat"] <= north


def test_zooming_in_reveals_the_incidents_with_their_popups(client, world, monkeypatch):
    monkeypatch.setattr(geo, "INDIVIDUAL_LIMIT", 2)
    assert map_data(client, "?zoom=2")["mode"] == "clusters"
    data = map_data(client, "?bbox=43.0,36.2,43.6,36.6&zoom=10")
    assert data["mode"] == "incidents" and not data["clusters"]
    by_code = {incident["code"]: incident for incident in data["incidents"]}
    assert set(by_code) == {world["site"].code, world["town"].code}
    site = by_code[world["site"].code]
    assert site["reported"] == "12+", "an open top stays open, as the pages write it"
    assert site["title"] == "Market strike" and site["url"] == world["site"].get_absolute_url()
    assert site["date"] == "17 March 2017" and site["date_precision"] == "exact day"
    assert site["place"] == "Mosul, Nineveh, Iraq" and site["grade_label"] == "fair" and site["conceded"] is None
    assert (site["shape"], site["radius_m"], site["lat"], site["lon"]) == ("point", 0, 36.34, 43.13)
    town = by_code[world["town"].code]
    assert (town["shape"], town["radius_m"], town["reported"]) == ("area", geo.uncertainty_radius_m(P.TOWN), "3–5")
    assert data["counts"]["in_view"] == 2 and data["counts"]["total"] == 7


def test_a_concession_and_its_open_top_show_in_the_popup(client, world):
    statement = factories.StatementFactory(incident=world["town"], stance=choices.Stance.CREDIBLE)
    factories.FigureFactory(incident=world["town"], statement=statement, report=statement.report, basis=choices.Basis.CONCEDED,
                            count_min=2, count_max=None, qualifier="at_least", attributed_to="the coalition")
    town = next(item for item in map_data(client, "?bbox=43.3,36.4,43.5,36.6&zoom=12")["incidents"] if item["code"] == world["town"].code)
    assert town["conceded"] == "2+"


def test_country_only_incidents_are_counted_apart_never_as_points(client, world):
    data = map_data(client, "?bbox=40,10,55,20&zoom=6")
    assert [incident["code"] for incident in data["incidents"]] == []
    assert data["country_only"] == [{
        "country": "YE", "name": "Yemen", "count": 1, "lat": 15.5, "lon": 47.5, "list_url": reverse("incident_list") + "?country=YE",
    }]
    narrowed = map_data(client, "?grade=fair&country=YE")
    assert narrowed["country_only"] == [] and narrowed["counts"]["total"] == 0


def test_country_only_link_keeps_the_other_filters(client, world):
    data = map_data(client, "?country=IQ&country=YE&conflict=")
    assert data["country_only"][0]["list_url"] == reverse("incident_list") + "?country=YE"
    data = map_data(client, "?q=somewhere&bbox=0,0,10,10&zoom=4")
    assert data["country_only"][0]["list_url"] == reverse("incident_list") + "?q=somewhere&country=YE"
    assert data["list_url"] == reverse("incident_list") + "?q=somewhere"


@pytest.mark.parametrize("query, reason", [
    ("?zoom=21", "zoom must be"), ("?zoom=-1", "zoom must be"), ("?zoom=two", "zoom must be"),
    ("?bbox=1,2,3", "four numbers"), ("?bbox=a,b,c,d", "four numbers"), ("?bbox=1,2,3,nan", "four numbers"),
    ("?bbox=-181,0,10,10", "out of range"), ("?bbox=0,-91,10,10", "out of range"), ("?bbox=10,0,5,10&zoom=5", "west ≤ east"),
    ("?bbox=0,10,10,5&zoom=5", "west ≤ east"), ("?bbox=-180,-90,180,90&zoom=12", "too large"),
    ("?date_from=someday", "filters could not be read"), ("?belligerent=nobody-at-all", "filters could not be read"),
])
def test_bad_parameters_are_400_with_a_reason(client, world, query, reason):
    response = client.get(reverse("map_data") + query)
    assert response.status_code == 400
    assert reason in response.json()["error"]


def test_the_endpoint_sends_a_bounded_number_of_queries(client, world, monkeypatch, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # total, countries, no coordinates; incidents in view
        map_data(client)
    monkeypatch.setattr(geo, "INDIVIDUAL_LIMIT", 1)
    with django_assert_max_num_queries(6):  # + their cells, the conflict filter's lookup
        map_data(client, "?bbox=40,30,50,40&zoom=5&conflict=iraq-war")


def test_a_box_is_widened_to_whole_cells():
    viewport = geo.Viewport.parse("43.05,36.25,43.5,36.5", "8")
    cell = geo.cell_degrees(8)
    west, south, east, north = viewport.bounds
    assert west <= 43.05 < west + cell and east - cell < 43.5 <= east
    assert all(abs(edge / cell - round(edge / cell)) < 1e-9 for edge in viewport.bounds)
    assert geo.Viewport.parse(None, None) == geo.Viewport.parse("-180,-90,180,90", str(geo.DEFAULT_ZOOM))
    assert geo.Viewport.parse(None, None).is_world


def test_the_page_says_the_counts_without_javascript(client, world):
    response = client.get(reverse("map") + "?country=SY")
    text = response.content.decode()
    assert response.status_code == 200
    assert "2 incidents match these filters." in text
    assert "1 is placed on the map." in text
    assert "1 incident has no coordinates." in text
    assert f'href="{reverse("incident_list")}?country=SY"' in text
    assert f'href="{reverse("timeline")}?country=SY"' in text
    assert f'data-url="{reverse("map_data")}?country=SY"' in text
    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in text
    assert "<script>" not in text and " style=" not in text


def test_the_page_lists_the_country_only_incidents_apart(client, world):
    text = client.get(reverse("map")).content.decode()
    assert "Known only to the country" in text and f'href="{reverse("incident_list")}?country=YE"' in text
    assert "2 incidents have no coordinates." in text


def test_tiles_come_from_the_settings(client, world, settings):
    settings.MAP_TILE_URL = ""
    text = client.get(reverse("map")).content.decode()
    assert 'data-tiles=""' in text and "countries-110m" in text


def test_an_invalid_filter_shows_no_map(client, world):
    response = client.get(reverse("map") + "?date_from=someday")
    assert response.status_code == 200
    assert "Some filters could not be read" in response.content.decode()
    assert "map" not in response.context or response.context.get("map") is None


@pytest.mark.parametrize("page", ["incident_list", "timeline"])
def test_list_and_timeline_link_to_the_same_filter_on_the_map(client, world, page):
    text = client.get(reverse(page) + "?country=IQ&grade=fair").content.decode()
    assert f'href="{reverse("map")}?country=IQ&amp;grade=fair"' in text


def test_the_incident_page_draws_its_own_area(client, world):
    text = client.get(world["town"].get_absolute_url()).content.decode()
    assert 'class="incident-minimap"' in text and 'data-shape="area"' in text
    assert f'data-radius="{geo.uncertainty_radius_m(P.TOWN)}"' in text
    assert "known only to the village or town" in text and "36.5, 43.4" in text
    site = client.get(world["site"].get_absolute_url()).content.decode()
    assert 'data-shape="point"' in site


def test_an_incident_with_no_coordinates_has_no_map(client, world):
    text = client.get(world["unplaced"].get_absolute_url()).content.decode()
    assert "incident-minimap" not in text


@pytest.mark.parametrize("name, param, slug", [
    ("source_detail", "source", "outlet"), ("belligerent_detail", "belligerent", "coalition"), ("conflict_detail", "conflict", "iraq-war"),
])
def test_source_belligerent_and_conflict_pages_link_to_their_map(client, world, name, param, slug):
    text = client.get(reverse(name, args=[slug])).content.decode()
    assert f'href="{reverse("map")}?{param}={slug}"' in text
    assert map_data(client, f"?{param}={slug}")["counts"]["total"] == list_total(client, f"?{param}={slug}")


def test_cached_answers_follow_every_write(client, transactional_db, django_assert_max_num_queries):
    """Outside a transaction an answer is kept per data version: a repeat costs one lookup, a publish is seen at once."""
    first = published(latitude=10.0, longitude=10.0, geo_precision=P.CITY)
    assert map_data(client)["counts"]["total"] == 1
    with django_assert_max_num_queries(2):  # the data version, read for each of the two cached parts
        map_data(client)
    factories.IncidentFactory(status="published", latitude=None, longitude=None)
    counts = map_data(client)["counts"]
    assert (counts["total"], counts["without_coordinates"]) == (2, 1)
    first.geo_precision = P.COUNTRY
    first.save()
    assert map_data(client)["counts"]["country_only"] == 1

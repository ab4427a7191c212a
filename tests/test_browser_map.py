"""The map in headless Chromium, offline: country outlines instead of tiles, the filtered incidents, popups, areas.

Runs with no tile server (MAP_TILE_URL empty), as CI has no internet: the outlines shipped with the site give the
context. Screenshots go to test-artifacts/.
"""

import datetime

import pytest

from incidents import choices, geo
from tests import factories
from tests.test_browser import ARTIFACTS, CHROMIUM, browser  # noqa: F401 (the fixture)

P = choices.GeoPrecision
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="Debian's chromium is not installed (apt-get install -y chromium)"),
]


@pytest.fixture
def offline(settings):
    settings.MAP_TILE_URL = ""


@pytest.fixture
def mapped_world(transactional_db):
    outlet = factories.SourceFactory(slug="outlet", name="Daily Outlet")
    made = {
        "site": factories.IncidentFactory(status="published", title="Market strike", latitude=36.34, longitude=43.13, geo_precision=P.EXACT,
                                          grade="fair"),
        "city": factories.IncidentFactory(status="published", title="City shelling", latitude=36.2, longitude=43.6, geo_precision=P.CITY),
        "province": factories.IncidentFactory(status="published", title="Province raid", latitude=35.0, longitude=44.0,
                                              geo_precision=P.PROVINCE),
        "syria": factories.IncidentFactory(status="published", title="Aleppo bakery", country="SY", admin1="Aleppo", locality="Aleppo",
                                           latitude=36.2, longitude=37.15, geo_precision=P.TOWN, date_start=datetime.date(2016, 6, 1)),
        "yemen": factories.IncidentFactory(status="published", title="Somewhere in Yemen", country="YE", admin1="", locality="",
                                           latitude=15.5, longitude=47.5, geo_precision=P.COUNTRY),
        "unplaced": factories.IncidentFactory(status="published", title="Unplaced strike", latitude=None, longitude=None),
    }
    factories.FigureFactory(incident=made["site"], report=factories.ReportFactory(source=outlet), count_min=12, count_max=None,
                            qualifier="at_least", quote="at least 12 killed")
    factories.IncidentFactory(status="draft", title="Hidden draft strike", latitude=36.3, longitude=43.2, geo_precision=P.EXACT)
    return made


def open_map(page, url):
    page.goto(url)
    page.wait_for_selector("#incident-map[data-loaded]")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(400)  # the move after framing the incidents asks once more


def list_total(page, live_server, query):
    page.goto(f"{live_server.url}/incidents/{query}")
    return int(page.locator(".totals .value").first.inner_text().replace(",", ""))


def test_map_shows_the_filtered_incidents_offline(live_server, mapped_world, offline, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    total = list_total(page, live_server, "")
    open_map(page, f"{live_server.url}/map/")
    assert page.locator("#incident-map.outlines-only").count() == 1
    assert page.locator(".leaflet-tile-pane path").count() > 100, "the country outlines are drawn"
    points = page.locator("path.map-point").count()
    areas = page.locator("path.map-area").count()
    countries = page.locator(".map-country-only").count()
    assert (points, areas, countries) == (1, 3, 1)
    assert points + areas + countries + 1 == total == 6, "1 has no coordinates; the draft is nowhere"
    status = page.locator("#map-status").inner_text()
    assert "6" in status and "Map tiles are not available" in status
    assert "1 incident has no coordinates." in page.locator("#map-summary").inner_text()

    # The province's area is drawn about 8 times as wide as the city's (120 km against 15 km): uncertainty, to scale.
    province = page.locator(f"path.map-area.precision-{P.PROVINCE}").bounding_box()
    city = page.locator(f"path.map-area.precision-{P.CITY}").bounding_box()
    ratio = province["width"] / city["width"]
    assert 6 < ratio < 10, ratio
    expected = page.evaluate("""() => {
        const map = document.getElementById('incident-map').leafletMap;
        const centre = L.latLng(35.0, 44.0);
        const east = L.latLng(35.0, 44.0 + 120000 / (111320 * Math.cos(35.0 * Math.PI / 180)));
        return 2 * (map.latLngToLayerPoint(east).x - map.latLngToLayerPoint(centre).x);
    }""")
    assert abs(province["width"] - expected) < max(4, expected * 0.15), (province["width"], expected)
    site = page.locator("path.map-point").bounding_box()
    assert site["width"] < 20, "a known site is a small point, never an area"
    page.screenshot(path=str(ARTIFACTS / "map-world-offline.png"), full_page=True)

    page.locator("path.map-point").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert mapped_world["site"].code in text and "Market strike" in text
    assert "12+" in text and "17 March 2017 (exact day)" in text and "fair" in text
    assert popup.locator(f"a[href='{mapped_world['site'].get_absolute_url()}']").count() == 1
    page.wait_for_timeout(500)  # the popup fades in and the map pans to show it
    page.locator("#incident-map").screenshot(path=str(ARTIFACTS / "map-popup.png"))

    # The same filter as the list: Syria only.
    syria_total = list_total(page, live_server, "?country=SY")
    open_map(page, f"{live_server.url}/map/?country=SY")
    assert page.locator("path.map-area").count() + page.locator("path.map-point").count() == syria_total == 1
    assert page.locator(".map-country-only").count() == 0


def test_clusters_add_up_to_the_list_total(live_server, mapped_world, offline, browser, monkeypatch):  # noqa: F811
    monkeypatch.setattr(geo, "INDIVIDUAL_LIMIT", 1)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    total = list_total(page, live_server, "")
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#incident-map[data-loaded='clusters']")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(400)
    in_clusters = sum(int(text.replace(",", "")) for text in page.locator(".map-cluster span").all_inner_texts())
    country_only = sum(int(text) for text in page.locator(".map-country-only span").all_inner_texts())
    assert in_clusters + country_only + 1 == total
    page.locator("#incident-map").screenshot(path=str(ARTIFACTS / "map-clusters.png"))


def test_the_incident_page_draws_its_own_area(live_server, mapped_world, offline, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1000, "height": 1000})
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"{live_server.url}{mapped_world['city'].get_absolute_url()}")
    page.wait_for_selector(".incident-minimap[data-loaded='area']")
    page.wait_for_load_state("networkidle")
    area = page.locator(".incident-minimap path.map-area").bounding_box()
    frame = page.locator(".incident-minimap").bounding_box()
    assert area["width"] > frame["width"] / 5, "the area fills much of the small map: it is the uncertainty, not a pin"
    assert not errors
    assert "known only to the city" in page.locator(".incident-place").inner_text()
    page.locator(".incident-place").screenshot(path=str(ARTIFACTS / "incident-minimap.png"))
    page.goto(f"{live_server.url}{mapped_world['unplaced'].get_absolute_url()}")
    assert page.locator(".incident-minimap").count() == 0

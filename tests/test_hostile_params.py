"""Hostile numbers in query strings: every public URL, every numeric or cursor parameter, ~30 hostile values: never a 500.

`str.isdigit()` accepts '²' and Arabic-Indic digits while `int('²')` raises; Python refuses to read more than 4,300
digits; a float or a number past 2^63 overflows the database. Each must be a 4xx (or the page's own "not valid" message).
"""

import pytest
from django.urls import reverse

from incidents.params import BadParameter, whole_number
from tests import dataworld

pytestmark = pytest.mark.django_db

HOSTILE = [
    "²", "³", "١٢", "۱۲", "１２", "-1", "0", "+5", " 7", "1.5", "1e3", "nan", "inf", "0x10", "9" * 4000, "9" * 25,
    str(2**63), "", " ", "%", "\x00", "1_000", "abc", "2017-01-01~²", "²~²", "2017-01-01~" + "9" * 4000, "a~1",
    "-200,-100,200,100", "2017-²", "²-01",
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield dataworld.build_world()
        transaction.set_rollback(True)


LIST_FILTERS = ["killed_min", "date_from", "date_to", "conflict", "belligerent", "source", "stance_by", "country"]
# Each public URL with the numeric, date and cursor parameters it reads.
URLS = {
    "incident_list": (lambda: reverse("incident_list"), ["page", "start", "after", "before", *LIST_FILTERS]),
    "timeline": (lambda: reverse("timeline"), ["before", "after", "year", "page", "killed_min"]),
    "map": (lambda: reverse("map"), ["killed_min", "zoom", "bbox"]),
    "map_data": (lambda: reverse("map_data"), ["zoom", "bbox", "killed_min", "date_from"]),
    "chart_monthly_json": (lambda: reverse("chart_monthly_json"), ["killed_min", "date_from", "belligerent"]),
    "chart_monthly_csv": (lambda: reverse("chart_monthly_csv"), ["killed_min", "date_to"]),
    "gap_json": (lambda: reverse("belligerent_gap_json", args=["coalition"]), ["killed_min", "date_from"]),
    "gap_csv": (lambda: reverse("belligerent_gap_csv", args=["coalition"]), ["killed_min"]),
    "export_csv": (lambda: reverse("export_csv"), ["killed_min", "date_from"]),
    "export_claims": (lambda: reverse("export_claims"), ["killed_min"]),
    "export_json": (lambda: reverse("export_json"), ["killed_min", "conflict"]),
    "export_geojson": (lambda: reverse("export_geojson"), ["killed_min"]),
    "feed_new_atom": (lambda: reverse("feed_new_atom"), ["conflict", "belligerent", "killed_min"]),
    "feed_updated_rss": (lambda: reverse("feed_updated_rss"), ["conflict"]),
    "incident_detail": (lambda: reverse("incident_detail", args=["CT-2017-000001"]), ["as_of", "known_on"]),
    "belligerent": (lambda: reverse("belligerent_detail", args=["coalition"]), ["after", "before", "start", "page", "claims_after"]),
    "conflict": (lambda: reverse("conflict_detail", args=["iraq-war"]), ["after", "before", "start", "page"]),
    "belligerent_list": (lambda: reverse("belligerent_list"), ["sort", "page"]),
    "source_list": (lambda: reverse("source_list"), ["after", "before", "start", "page"]),
    "source_detail": (lambda: reverse("source_detail", args=["outlet"]), ["after", "before", "start", "page"]),
    "api_incidents": (lambda: "/api/v1/incidents/", ["page_size", "after", "before", "page", *LIST_FILTERS]),
    "api_incidents_totals": (lambda: "/api/v1/incidents/totals/", ["killed_min", "date_from"]),
    "api_reports": (lambda: "/api/v1/reports/", ["page_size", "after", "before"]),
    "api_sources": (lambda: "/api/v1/sources/", ["page_size", "after"]),
    "api_actors": (lambda: "/api/v1/actors/", ["page_size", "before"]),
    "api_conflicts": (lambda: "/api/v1/conflicts/", ["page_size", "after"]),
    "api_report_detail": (lambda: "/api/v1/reports/²/", []),
}
CASES = [(name, parameter) for name, (_, parameters) in URLS.items() for parameter in parameters]


@pytest.mark.parametrize(("name", "parameter"), CASES)
def test_no_hostile_number_gives_a_server_error(client, world, name, parameter):
    url = URLS[name][0]()
    failures = []
    for value in HOSTILE:
        response = client.get(url, {parameter: value})
        if response.status_code >= 500:
            failures.append(value[:30])
    assert not failures, f"{name}?{parameter}= gave a server error for {failures}"


def test_a_hostile_path_number_is_not_a_server_error(client, world):
    for value in ["²", "١٢", "9" * 4000]:
        assert client.get(f"/api/v1/reports/{value}/").status_code == 404


@pytest.mark.parametrize("value", ["2²", "١٢", "１２", "9" * 4000, "-" + "9" * 4000, "1.5", "-3", "", " ", "+4", "0x1"])
def test_whole_number_refuses_what_is_not_plain_ascii_digits(value):
    with pytest.raises(BadParameter) as refused:
        whole_number(value, minimum=0, maximum=10**6, name="page")
    assert "page" in str(refused.value.message)


def test_whole_number_reads_plain_digits_and_says_the_bounds():
    assert whole_number("12", minimum=1, maximum=20, name="page_size") == 12
    with pytest.raises(BadParameter, match="at most 20"):
        whole_number("21", minimum=1, maximum=20, name="page_size")


def test_the_api_says_why_in_a_400(client, world):
    response = client.get("/api/v1/incidents/", {"page_size": "³"})
    assert response.status_code == 400
    assert "page_size" in response.json()
    response = client.get("/api/v1/incidents/", {"after": "2017-01-01~²"})
    assert response.status_code == 400

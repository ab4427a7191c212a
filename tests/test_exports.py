"""Exports of a filtered list: the list's incidents in its order, documented columns, HXL, RFC 7946, streamed, nothing hidden."""

import csv
import datetime
import io
import json

import hxl
import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import exports
from incidents.exports import CLAIM_COLUMNS, INCIDENT_COLUMNS
from tests import factories
from tests.dataworld import build_world, hidden_strings, published_codes

pytestmark = pytest.mark.django_db

FORMAT_URLS = ["export_csv", "export_hxl", "export_claims", "export_json", "export_geojson"]
DOCUMENTED = [
    "code", "title", "date_start", "date_end", "date_precision", "country", "admin1", "admin2", "locality", "neighbourhood",
    "geo_precision", "latitude", "longitude", "event_type", "conflict", "belligerents", "grade",
    "reported_killed_min", "reported_killed_max", "reported_killed_open", "reported_killed_unquantified",
    "conceded_killed_min", "conceded_killed_max", "conceded_killed_open",
    "reported_injured_min", "reported_injured_max", "reported_injured_open", "reported_injured_unquantified",
    "conceded_injured_min", "conceded_injured_max", "conceded_injured_open",
    "children_killed_min", "children_killed_max", "children_killed_open", "children_killed_unquantified",
    "women_killed_min", "women_killed_max", "women_killed_open", "women_killed_unquantified",
    "latest_stance", "positions", "sources_count", "related", "external_ids", "permalink", "updated_at",
]


@pytest.fixture
def world():
    return build_world()


def body(response) -> str:
    assert response.status_code == 200, response.content
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def list_page_codes(client, query) -> list[str]:
    response = client.get(reverse("incident_list"), query)
    assert response.status_code == 200
    return [incident.code for incident in response.context["page"].rows]


@pytest.mark.parametrize("query", [{}, {"country": "IQ"}, {"belligerent": "coalition"}, {"sort": "-reported"}, {"sort": "date"},
                                   {"q": "Aleppo"}, {"conceded": "yes", "sort": "conceded"}])
def test_export_has_the_lists_incidents_in_the_lists_order(client, world, query):
    expected = list_page_codes(client, query)
    assert [row["code"] for row in csv_rows(body(client.get(reverse("export_csv"), query)))] == expected
    assert [row["code"] for row in json.loads(body(client.get(reverse("export_json"), query)))["incidents"]] == expected
    assert [f["id"] for f in json.loads(body(client.get(reverse("export_geojson"), query)))["features"]] == expected


def test_csv_reads_back_into_the_documented_columns(client, world):
    text = body(client.get(reverse("export_csv")))
    assert text.splitlines()[0].split(",") == DOCUMENTED == [column.name for column in INCIDENT_COLUMNS]
    rows = {row["code"]: row for row in csv_rows(text)}
    mosul = rows[world["mosul"].code]
    assert (mosul["date_start"], mosul["country"], mosul["admin1"], mosul["locality"], mosul["geo_precision"]) == (
        "2017-03-17", "IQ", "Nineveh", "Mosul", "neighbourhood")
    assert (mosul["latitude"], mosul["longitude"]) == ("36.34", "43.13")
    assert (mosul["reported_killed_min"], mosul["reported_killed_max"], mosul["conceded_killed_min"], mosul["conceded_killed_max"]) == (
        "83", "137", "12", "12")
    assert (mosul["belligerents"], mosul["conflict"], mosul["grade"], mosul["latest_stance"]) == (
        "Coalition (acknowledged)", "Iraq war", "fair", "credible")
    assert mosul["permalink"] == f"http://testserver/incidents/{world['mosul'].code}/"
    assert mosul["updated_at"].endswith("Z")
    assert rows[world["aleppo"].code]["latitude"] == "" and rows[world["aleppo"].code]["reported_killed_max"] == ""
    assert rows[world["aleppo"].code]["reported_killed_open"] == "True"  # "more than 399": an open top, no maximum


def test_hxl_csv_parses_with_libhxl_and_tags_name_the_right_columns(client, world):
    text = body(client.get(reverse("export_hxl")))
    source = hxl.data(list(csv.reader(io.StringIO(text, newline=""))))
    tags = {column.display_tag: column.header for column in source.columns}
    for tag, header in [
        ("#event+code", "code"), ("#date+start", "date_start"), ("#date+end", "date_end"), ("#country+code", "country"),
        ("#adm1+name", "admin1"), ("#adm2+name", "admin2"), ("#loc+name", "locality"), ("#geo+lat", "latitude"), ("#geo+lon", "longitude"),
        ("#affected+killed+min", "reported_killed_min"), ("#affected+killed+max", "reported_killed_max"),
    ]:
        assert tags[tag] == header
    assert len(tags) == len(INCIDENT_COLUMNS)  # every column has its own hashtag
    values = {row.get("#event+code"): row for row in source}
    assert list(values) == published_codes()
    mosul = values[world["mosul"].code]
    assert (mosul.get("#geo+lat"), mosul.get("#affected+killed+max"), mosul.get("#adm1+name")) == ("36.34", "137", "Nineveh")


def test_geojson_is_rfc_7946_lon_lat_with_precision_and_null_geometry(client, world):
    data = json.loads(body(client.get(reverse("export_geojson"))))
    assert data["type"] == "FeatureCollection"
    features = {feature["id"]: feature for feature in data["features"]}
    mosul = features[world["mosul"].code]
    assert mosul["type"] == "Feature"
    assert mosul["geometry"] == {"type": "Point", "coordinates": [43.13, 36.34]}  # longitude first
    assert mosul["properties"]["geo_precision"] == "neighbourhood"
    assert "latitude" not in mosul["properties"]
    assert features[world["aleppo"].code]["geometry"] is None
    assert features[world["aleppo"].code]["properties"]["geo_precision"] == "city"


def test_claims_csv_one_row_per_public_claim_with_source_by_label(client, world):
    rows = csv_rows(body(client.get(reverse("export_claims"))))
    assert list(rows[0]) == [column.name for column in CLAIM_COLUMNS]
    mosul = [row for row in rows if row["incident_code"] == world["mosul"].code]
    assert sorted(row["count_min"] for row in mosul) == ["100", "12", "83"]
    secret = next(row for row in mosul if row["count_min"] == "100")
    assert (secret["source"], secret["report_title"], secret["report_url"], secret["attributed_to"]) == ("local source", "", "", "witnesses")
    market = next(row for row in mosul if row["count_min"] == "83")
    assert (market["source"], market["report_title"], market["quote"]) == ("Daily Outlet", "Market hit", "83 to 137 killed")
    assert {row["incident_code"] for row in rows} == set(published_codes())
    filtered = csv_rows(body(client.get(reverse("export_claims"), {"country": "YE"})))
    assert {row["incident_code"] for row in filtered} == {world["yemen"].code}


@pytest.mark.parametrize("name", FORMAT_URLS)
def test_hidden_data_absent_from_every_export(client, world, name):
    text = body(client.get(reverse(name)))
    for hidden in hidden_strings(world):
        assert hidden not in text


@pytest.mark.parametrize("name", FORMAT_URLS)
def test_bad_filter_is_a_400_in_words(client, world, name):
    response = client.get(reverse(name), {"date_from": "not a date"})
    assert response.status_code == 400
    assert "date_from" in response.json()["errors"]


def test_export_of_many_rows_streams_in_chunks(client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 50)
    actor = factories.ActorFactory()
    for _ in range(3):
        incidents = factories.IncidentFactory.create_batch(100, status="published")
        for incident in incidents:
            factories.BelligerentRoleFactory(incident=incident, actor=actor)
    response = client.get(reverse("export_csv"))
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="casualty-tracker-incidents-')
    content = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as before_rows:
        header = next(content)
    assert header.startswith(b"code,title,") and len(before_rows) == 0  # nothing read before the first line is sent
    with CaptureQueriesContext(connection) as queries:
        lines = [header, *content]
    assert len(lines) == 301
    prefetches = [q for q in queries.captured_queries if "belligerentrolelink" in q["sql"].lower()]
    assert len(prefetches) == 300 // 50  # one belligerent query per chunk of rows: never the whole list at once


def test_list_page_offers_the_download_menu_for_its_filter(client, world):
    response = client.get(reverse("incident_list"), {"country": "IQ", "sort": "-reported", "after": "137~1"})
    html = response.content.decode()
    for name in FORMAT_URLS:
        assert f'{reverse(name)}?country=IQ&amp;sort=-reported"' in html


@pytest.mark.parametrize("sort", ["-date", "-reported", "conceded"])
def test_export_equals_every_page_of_the_list(client, sort):
    for number in range(120):
        incident = factories.IncidentFactory(status="published", date_start=datetime.date(2017, 1, 1) + datetime.timedelta(days=number % 7))
        if number % 3:
            factories.FigureFactory(incident=incident, count_min=number % 11, count_max=number % 11)
    walked, query = [], {"sort": sort}
    while True:
        page = client.get(reverse("incident_list"), query).context["page"]
        walked += [incident.code for incident in page.rows]
        if page.next is None:
            break
        query = {"sort": sort, "after": page.next.encode()}
    assert len(walked) == 120
    assert [row["code"] for row in csv_rows(body(client.get(reverse("export_csv"), {"sort": sort})))] == walked

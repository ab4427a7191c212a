"""/api/v1/: the same filters as the list, published data only, explicit fields, 400s in words, a valid schema."""

import json

import pytest
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from incidents.models import IncidentAlias
from tests import factories
from tests.dataworld import build_world, hidden_strings, published_codes

pytestmark = pytest.mark.django_db

LIST = "/api/v1/incidents/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def world():
    return build_world()


def list_codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def page_codes(client, query: dict) -> list[str]:
    """What the /incidents/ page lists for the same query (fewer rows than a page here, so every row)."""
    response = client.get(reverse("incident_list"), query)
    assert response.status_code == 200
    return [incident.code for incident in response.context["page"].rows]


FILTER_CASES = [
    {},
    {"q": "Zanjili"},
    {"country": "IQ"},
    {"country": ["SY", "YE"]},
    {"admin1": "aleppo"},
    {"conflict": "iraq-war"},
    {"belligerent": "coalition"},
    {"event_type": ["shelling", "ground_raid"]},
    {"grade": "confirmed"},
    {"stance": "credible"},
    {"conceded": "yes"},
    {"conceded": "no"},
    {"killed_min": "100"},
    {"source": "outlet"},
    {"has_victims": "yes"},
    {"date_from": "2017-01-01", "date_to": "2017-12-31"},
    {"sort": "-reported"},
    {"sort": "date"},
    {"sort": "conceded"},
]


@pytest.mark.parametrize("query", FILTER_CASES)
def test_api_filters_equal_list_filters(api, client, world, query):
    assert list_codes(api.get(LIST, query)) == page_codes(client, query)


def test_list_shows_published_incidents_only_with_stable_fields(api, world):
    data = api.get(LIST).json()
    assert data["count"] == 3
    assert [row["code"] for row in data["results"]] == published_codes()
    row = next(row for row in data["results"] if row["code"] == world["mosul"].code)
    assert list(row) == [
        "code", "url", "permalink", "title", "date_start", "date_end", "date_precision",
        "country", "admin1", "admin2", "locality", "neighbourhood", "latitude", "longitude", "geo_precision",
        "event_type", "conflict", "belligerents", "grade",
        "reported_killed_min", "reported_killed_max", "reported_killed_open", "reported_killed_unquantified",
        "conceded_killed_min", "conceded_killed_max", "conceded_killed_open",
        "reported_injured_min", "reported_injured_max", "reported_injured_open", "reported_injured_unquantified",
        "conceded_injured_min", "conceded_injured_max", "conceded_injured_open",
        "children_killed_min", "children_killed_max", "children_killed_open", "children_killed_unquantified",
        "women_killed_min", "women_killed_max", "women_killed_open", "women_killed_unquantified",
        "latest_stance", "positions", "sources_count", "related", "published_at", "updated_at",
    ]
    assert (row["reported_killed_min"], row["reported_killed_max"], row["conceded_killed_max"]) == (83, 137, 12)
    assert row["belligerents"] == [{"slug": "coalition", "name": "Coalition", "role": "acknowledged"}]
    assert row["conflict"] == "iraq-war" and row["latitude"] == 36.34
    assert row["permalink"].endswith(f"/incidents/{world['mosul'].code}/")


@pytest.mark.parametrize("sort", ["-date", "-reported", "conceded", "updated"])
def test_cursor_pages_walk_the_whole_list_both_ways(api, world, sort):
    for number in range(25):
        incident = factories.IncidentFactory(status="published")
        if number % 2:
            factories.FigureFactory(incident=incident, count_min=number, count_max=number)
    first = api.get(LIST, {"sort": sort, "page_size": 7}).json()
    pages, response = [first], first
    while response["next"]:
        response = api.get(response["next"]).json()
        pages.append(response)
    codes = [row["code"] for page in pages for row in page["results"]]
    assert len(codes) == len(set(codes)) == first["count"] == 28
    assert codes == list_codes(api.get(LIST, {"sort": sort, "page_size": 200}))
    back = api.get(pages[-1]["previous"]).json()
    assert [row["code"] for row in back["results"]] == [row["code"] for row in pages[-2]["results"]]


def test_page_size_is_capped_and_pages_follow(api, world):
    first = api.get(LIST, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = api.get(first["next"]).json()
    assert [row["code"] for row in first["results"] + second["results"]] == published_codes()
    assert len(api.get(LIST, {"page_size": 100000}).json()["results"]) == 3  # capped at 200, never refused


@pytest.mark.parametrize(("query", "field"), [
    ({"page": "99"}, "page"),
    ({"page": "abc"}, "page"),
    ({"page": "0"}, "page"),
    ({"page_size": "-3"}, "page_size"),
    ({"after": "garbage"}, "after"),
    ({"before": "2017-13-01~5"}, "before"),
    ({"sort": "-reported", "after": "2017-03-17~5"}, "after"),
    ({"date_from": "2017-13-45"}, "date_from"),
    ({"country": "Iraq"}, "country"),
    ({"grade": "excellent"}, "grade"),
    ({"killed_min": "many"}, "killed_min"),
    ({"conceded": "maybe"}, "conceded"),
    ({"country": "ﬀ"}, "country"),
    ({"sort": "random"}, "sort"),
    ({"date_from": "2018-01-01", "date_to": "2017-01-01"}, "__all__"),
])
def test_bad_filter_or_page_is_a_400_saying_what_is_wrong(api, world, query, field):
    response = api.get(LIST, query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert field in body and all(isinstance(message, str) and message for message in body[field])


def test_detail_nests_public_claims_statements_reports_only(api, world):
    mosul = world["mosul"]
    response = api.get(f"{LIST}{mosul.code}/")
    assert response.status_code == 200
    data = response.json()
    assert sorted((f["count_min"], f["basis"]) for f in data["figures"]) == [(12, "conceded"), (83, "reported"), (100, "reported")]
    assert [s["stance"] for s in data["statements"]] == ["credible"]
    assert [v["name"] for v in data["victims"]] == ["Public Person"]
    secret_report = next(r for r in data["reports"] if r["source"] == "local source")
    assert (secret_report["title"], secret_report["url"], secret_report["source_slug"]) == ("", "", None)
    assert "Daily Outlet" in {r["source"] for r in data["reports"]}
    text = json.dumps(data)
    for hidden in hidden_strings(world):
        assert hidden not in text
    assert "notes" not in data["figures"][0] and "excluded" not in data["figures"][0]


def test_hidden_incidents_have_no_detail(api, world):
    for incident in world["hidden"]:
        assert api.get(f"{LIST}{incident.code}/").status_code == 404
    assert api.get(f"{LIST}CT-999999/").json() == {"detail": "No Incident matches the given query."}


def test_old_code_redirects_to_the_current_one(api, world):
    IncidentAlias.objects.create(code="CT-OLD-1", incident=world["mosul"])
    response = api.get(f"{LIST}CT-OLD-1/")
    assert response.status_code == 301 and response["Location"].endswith(f"{LIST}{world['mosul'].code}/")


@pytest.mark.parametrize("path", ["reports", "sources", "actors", "conflicts"])
def test_other_endpoints_hide_what_is_not_public(api, world, path):
    response = api.get(f"/api/v1/{path}/")
    assert response.status_code == 200
    text = response.content.decode()
    for hidden in hidden_strings(world):
        assert hidden not in text
    assert response.json()["count"] >= 1


def test_reports_sources_actors_conflicts_content(api, world):
    reports = api.get("/api/v1/reports/").json()["results"]
    assert {code for report in reports for code in report["incidents"]} == set(published_codes())
    assert "secret-source" not in {report["source"] for report in reports}
    sources = {s["slug"]: s["published_incidents"] for s in api.get("/api/v1/sources/").json()["results"]}
    assert sources["outlet"] == 3 and "secret-source" not in sources
    assert api.get("/api/v1/sources/secret-source/").status_code == 404
    actors = {a["slug"] for a in api.get("/api/v1/actors/").json()["results"]}
    assert {"coalition", "russia"} <= actors
    conflicts = api.get("/api/v1/conflicts/").json()["results"]
    assert sorted((c["slug"], c["published_incidents"]) for c in conflicts) == [("iraq-war", 1), ("syria-war", 1)]


def test_api_is_read_only(api, world):
    assert api.post(LIST, {"title": "x"}).status_code == 405
    assert api.delete(f"{LIST}{world['mosul'].code}/").status_code == 405


def test_schema_validates_with_drf_spectacular(api):
    response = api.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    parameters = {p["name"] for p in schema["paths"]["/api/v1/incidents/"]["get"]["parameters"]}
    assert {"q", "date_from", "date_to", "country", "conflict", "belligerent", "grade", "sort", "after", "before", "page_size"} <= parameters
    assert "400" in schema["paths"]["/api/v1/incidents/"]["get"]["responses"]


def test_docs_and_browsable_api_load_no_cdn(client):
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower()
    browsable = client.get(LIST, HTTP_ACCEPT="text/html")
    assert browsable.status_code == 200 and b"cdn" not in browsable.content.lower()


def test_list_and_detail_queries_do_not_grow_with_rows(api, world, django_assert_max_num_queries):
    for _ in range(30):
        incident = factories.IncidentFactory(status="published")
        factories.BelligerentRoleFactory(incident=incident, actor=world["coalition"])
        factories.FigureFactory(incident=incident)
    with django_assert_max_num_queries(6):
        assert len(api.get(LIST, {"page_size": 100}).json()["results"]) == 33
    with django_assert_max_num_queries(11):  # one reads the incident's SDG 16.1.2 table
        assert api.get(f"{LIST}{world['mosul'].code}/").status_code == 200


def test_footer_links_to_the_data_page(client):
    assert 'href="/data/"' in client.get("/methodology/").content.decode()

@pytest.mark.parametrize("query", [{"conflict": "no-such-conflict"}, {"belligerent": "nobody"}, {"source": "phantom-gazette"},
                                   {"stance_by": "phantom-brigade"}])
def test_a_filter_naming_no_public_record_is_a_404_saying_which(api, world, query):
    """Well formed, but naming nothing public (or only a draft's actor or source): not there, as /conflicts/<slug>/ is."""
    for path in (LIST, f"{LIST}totals/"):
        response = api.get(path, query)
        assert response.status_code == 404
        [(field, messages)] = response.json().items()
        assert field == next(iter(query)) and messages and all(isinstance(message, str) and message for message in messages)


NASTY = ["", " ", "-1", "99999999999999999999999", "abc", "\x00", "2017-02-30", "none~1", "~", "1~99999999999999999999999",
         "2017-02-30T00:00:00Z~1", "'; drop table", "ünï", "a" * 500]
PARAMS = ["q", "date_from", "date_to", "country", "admin1", "conflict", "belligerent", "event_type", "grade", "stance", "conceded",
          "killed_min", "source", "has_victims", "sort", "page", "page_size", "after", "before"]


@pytest.mark.parametrize("path", [LIST, "/api/v1/reports/", "/incidents/export.csv"])
def test_no_parameter_value_makes_a_server_error(api, world, path):
    for param in PARAMS:
        for value in NASTY:
            response = api.get(path, {param: value})
            # 404: a well-formed name of a conflict, belligerent or source that is not public.
            allowed = (200, 400, 404) if param in ("conflict", "belligerent", "source") and path == LIST else (200, 400)
            assert response.status_code in allowed, (param, value, response.status_code)
            if response.status_code == 200 and response.streaming:
                b"".join(response.streaming_content)


def test_api_root_and_browsable_detail(client, world):
    root = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    assert set(root) == {"incidents", "reports", "sources", "actors", "conflicts"}
    assert client.get(f"{LIST}{world['mosul'].code}/", HTTP_ACCEPT="text/html").status_code == 200

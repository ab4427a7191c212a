"""Month-by-month charts: their numbers are the totals' own sums, split by the timeline's months, in one grouped query.

The world has every case that could make a chart disagree with the page: open tops, a claim with no number, incidents
known only to the year, an excluded claim, drafts, and (apart) related records.
"""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import accountability, charts, choices, services
from incidents.filters import IncidentFilter
from incidents.models import Incident
from incidents.totals import SUM_KEYS, killed_sums, totals_of
from incidents.views.timeline import period_totals
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
JSON, CSV = reverse("chart_monthly_json"), reverse("chart_monthly_csv")
COMPARED = ("incidents", "reported_min", "reported_max", "reported_open", "with_reported",
            "conceded_min", "conceded_max", "conceded_open", "with_conceded")
ALLEGED, ACKNOWLEDGED = choices.BelligerentRole.ALLEGED, choices.BelligerentRole.ACKNOWLEDGED


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def incident(day, *, claims=(), actor=None, role=ALLEGED, precision="day", status="published", **fields):
    end = D(day.year, 12, 31) if precision == "year" else None
    made = factories.IncidentFactory(status=status, date_start=day, date_end=end, date_precision=precision, **fields)
    if actor is not None:
        factories.BelligerentRoleFactory(incident=made, actor=actor, role=role)
    for low, high, *words in claims:
        qualifier = choices.Qualifier.UNQUANTIFIED if words else choices.qualifier_for(low, high)
        factories.FigureFactory(incident=made, count_min=low, count_max=high, qualifier=qualifier, quote=words[0] if words else "")
    return made


def concede(made, actor, day, number, stance=choices.Stance.ACKNOWLEDGES_STRIKE):
    statement = factories.StatementFactory(incident=made, issuer=actor, stated_on=day, stance=stance)
    if number is not None:
        factories.FigureFactory(incident=made, statement=statement, report=statement.report, basis=choices.Basis.CONCEDED,
                                count_min=number, count_max=number, stated_on=day, attributed_to="the belligerent")
    return statement


@pytest.fixture
def world():
    """2016-01: 10–20 (confirmed, A alleged) + 5 conceded 3 by A (fair); 2016-03: "more than 100" (weak, A answers)
    + 1 and "dozens" (B); 2016, known only to the year: 7 (contested, A); 2017-02: 4, a 5,000 claim excluded, A
    concedes 2; 2017, known only to the year: no figure. Drafts and an incident in review, with big numbers, name A."""
    conflict = factories.ConflictFactory(name="Campaign Zeta", slug="campaign-zeta")
    a = factories.ActorFactory(name="Force Alpha", slug="force-alpha")
    b = factories.ActorFactory(name="Force Bravo", slug="force-bravo")
    made = {
        "jan_a": incident(D(2016, 1, 10), claims=[(10, 10), (20, 20)], actor=a, grade="confirmed", conflict=conflict),
        "jan_b": incident(D(2016, 1, 25), claims=[(5, 5)], actor=a, role=ACKNOWLEDGED, grade="fair", conflict=conflict),
        "mar_open": incident(D(2016, 3, 1), claims=[(101, None)], actor=a, grade="weak", conflict=conflict),
        "mar_words": incident(D(2016, 3, 15), claims=[(1, 1), (None, None, "dozens")], actor=b, conflict=conflict),
        "year16": incident(D(2016, 1, 1), claims=[(7, 7)], actor=a, precision="year", grade="contested"),
        "feb17": incident(D(2017, 2, 1), claims=[(4, 4)], actor=a, conflict=conflict),
        "year17": incident(D(2017, 1, 1), precision="year"),
    }
    concede(made["jan_b"], a, D(2016, 2, 1), 3)
    concede(made["mar_open"], a, D(2016, 3, 20), None, stance=choices.Stance.INVESTIGATING)
    concede(made["feb17"], a, D(2017, 3, 1), 2)
    factories.FigureFactory(incident=made["feb17"], count_min=5000, count_max=5000, excluded=True, excluded_reason="Duplicate")
    for status, number in (("draft", 999), ("in_review", 888)):
        hidden = incident(D(2016, 1, 12), claims=[(number, number)], actor=a, status=status, conflict=conflict, grade="confirmed")
        concede(hidden, a, D(2016, 1, 20), number)
    return {"a": a, "b": b, "conflict": conflict, **made}


def rows_sum(data: dict) -> dict:
    """Add up the months and the year-only rows the way a reader of the table would."""
    rows = data["months"] + data["year_only"]
    summed = {}
    for key in COMPARED:
        values = [row[key] for row in rows if row[key] is not None]
        summed[key] = sum(values) if values else None
    for kind in ("reported", "conceded"):
        if summed[f"{kind}_open"]:
            summed[f"{kind}_max"] = None
    return summed


def by_period(data: dict) -> dict:
    return {row["period"]: row for row in data["months"] + data["year_only"]}


def test_months_and_year_only_rows_hold_the_timelines_sums(world):
    data = charts.monthly_sums(Incident.objects.published())
    rows = by_period(data)
    assert [row["period"] for row in data["months"]] == ["2016-01", "2016-03", "2017-02"]
    assert [row["period"] for row in data["year_only"]] == ["2016", "2017"]
    assert (rows["2016-01"]["reported_min"], rows["2016-01"]["reported_max"], rows["2016-01"]["conceded_min"]) == (15, 25, 3)
    # An open top ("more than 100") and a claim with no number ("dozens"): the month is "at least 102".
    assert (rows["2016-03"]["reported_min"], rows["2016-03"]["reported_max"], rows["2016-03"]["reported_open"]) == (102, None, 2)
    # The excluded 5,000 and the drafts' 999 / 888 count for nothing.
    assert (rows["2017-02"]["reported_min"], rows["2017-02"]["reported_max"], rows["2017-02"]["conceded_max"]) == (4, 4, 2)
    assert (rows["2016"]["incidents"], rows["2016"]["reported_min"]) == (1, 7)
    assert (rows["2017"]["incidents"], rows["2017"]["reported_min"], rows["2017"]["with_reported"]) == (1, None, 0)
    assert rows["2016-01"]["grades"] == {"confirmed": 1, "fair": 1, "weak": 0, "contested": 0, "discounted": 0, "": 0}
    assert rows["2016-03"]["grades"][""] == 1 and rows["2016"]["grades"]["contested"] == 1
    # The timeline's own periods and sums for the same set, row for row (the timeline keeps the database's sum of the
    # stored maxima beside an open count; the chart says None, no upper bound).
    timeline, _more = period_totals(Incident.objects.published(), limit=100)
    assert sorted(period.encode() for period, _row in timeline) == sorted(rows)
    for period, row in timeline:
        mine = rows[period.encode()]
        for key in COMPARED:
            if not (key.endswith("_max") and mine[key.replace("_max", "_open")]):
                assert mine[key] == row[key], (period, key)


FILTERS = ["", "belligerent=force-alpha", "conflict=campaign-zeta", "grade=weak&grade=confirmed", "date_from=2016-02-01",
           "date_to=2016-06-30", "conceded=yes", "q=strike"]


@pytest.mark.parametrize("query", FILTERS)
def test_the_rows_add_up_to_the_pages_totals_for_the_same_filter(client, world, query):
    response = client.get(f"{JSON}?{query}")
    assert response.status_code == 200
    data = response.json()
    filterset = IncidentFilter(_query_dict(query), queryset=Incident.objects.published())
    assert filterset.is_valid()
    expected = totals_of(filterset.qs.order_by())["all"]
    assert rows_sum(data) == {key: expected[key] for key in COMPARED}
    assert {key: data["total"][key] for key in COMPARED} == {key: expected[key] for key in COMPARED}
    assert data["total"]["incidents"] == filterset.qs.count()


def _query_dict(query: str):
    from django.http import QueryDict

    return QueryDict(query)


def test_the_total_row_is_the_databases_own_sum_of_the_set(world):
    published = Incident.objects.published()
    database = published.aggregate(**killed_sums())
    total = charts.monthly_sums(published)["total"]
    assert {key: total[key] for key in SUM_KEYS if key != "reported_max"} == {
        key: database[key] for key in SUM_KEYS if key != "reported_max"}
    assert total["reported_max"] is None  # open: the database's sum of maxima is no upper bound


def test_related_records_count_in_their_own_months_and_show_the_overlap(world):
    first = incident(D(2018, 5, 5), claims=[(10, 10)])
    second = incident(D(2018, 6, 6), claims=[(12, 12)])
    first.related.add(second)
    services.refresh_related_groups(incident_ids=[first.pk, second.pk])
    published = Incident.objects.published().filter(date_start__year=2018)
    rows = by_period(charts.monthly_sums(published))
    assert (rows["2018-05"]["reported_min"], rows["2018-06"]["reported_min"]) == (10, 12)
    assert rows["2018-05"]["related_incidents"] == rows["2018-06"]["related_incidents"] == 1
    totals = totals_of(published)["all"]
    assert (totals["reported_min"], totals["reported_max"], totals["related_incidents"]) == (10, 12, 2)  # once per group


def test_the_sums_are_one_grouped_query(world, django_assert_num_queries):
    published = Incident.objects.published()
    with django_assert_num_queries(1):
        charts._monthly_sums(published)
    a = world["a"]
    with django_assert_num_queries(1):
        charts._actor_gap_by_month(a, accountability.actor_incidents(a))


def test_endpoints_cost_a_few_queries_whatever_the_months(client, world, django_assert_max_num_queries):
    for day in range(1, 40):  # many more months: the same number of queries
        incident(D(2010 + day // 12, day % 12 + 1, 3), claims=[(day, day)])
    with django_assert_max_num_queries(4):
        assert client.get(f"{JSON}?belligerent=force-alpha").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(CSV).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(reverse("belligerent_gap_json", args=["force-alpha"])).status_code == 200


def parse_csv(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def number(text: str):
    return None if text == "" else int(text)


def test_csv_and_json_agree(client, world):
    data = client.get(JSON).json()
    rows = parse_csv(client.get(CSV))
    assert list(rows[0]) == [
        "period", "precision", "incidents", "reported_killed_min", "reported_killed_max", "reported_killed_open",
        "conceded_killed_min", "conceded_killed_max", "conceded_killed_open", "incidents_with_reported",
        "incidents_with_conceded", "related_incidents", "grade_confirmed", "grade_fair", "grade_weak", "grade_contested",
        "grade_discounted", "grade_none",
    ]
    # Time order: each year's year-only row after its months.
    assert [(row["period"], row["precision"]) for row in rows] == [
        ("2016-01", "month"), ("2016-03", "month"), ("2016", "year"), ("2017-02", "month"), ("2017", "year")]
    json_rows = by_period(data)
    for row in rows:
        expected = json_rows[row["period"]]
        assert number(row["incidents"]) == expected["incidents"]
        for kind in ("reported", "conceded"):
            assert number(row[f"{kind}_killed_min"]) == expected[f"{kind}_min"]
            assert number(row[f"{kind}_killed_max"]) == expected[f"{kind}_max"]
            assert number(row[f"{kind}_killed_open"]) == expected[f"{kind}_open"]
        assert {value: number(row[f"grade_{value or 'none'}"]) for value, _ in charts.GRADES} == expected["grades"]
    assert rows[1]["reported_killed_max"] == "" and rows[1]["reported_killed_open"] == "2"  # at least 102


def test_the_axis_runs_every_month_from_the_first_to_the_last(client, world):
    data = client.get(JSON).json()
    assert len(data["axis"]) == 14  # January 2016 to February 2017, quiet months too
    assert (data["axis"][0], data["axis"][-1]["period"]) == (
        {"period": "2016-01", "label": "January 2016", "short": "Jan 2016"}, "2017-02")
    assert [row["label"] for row in data["year_only"]] == ["2016 (known only to the year)", "2017 (known only to the year)"]
    assert data["grades"][-1] == {"value": "", "label": "not graded yet"}
    assert data["csv"] == CSV and data["text"]["at_least"] == "at least {n}"
    assert client.get(f"{JSON}?grade=weak&before=2017-01").json()["csv"] == f"{CSV}?grade=weak"


@pytest.mark.parametrize("query", ["date_from=yesterday-ish", "grade=splendid", "belligerent=nobody-at-all",
                                   "killed_min=-4", "conflict=%00"])
def test_bad_filters_are_400_with_a_reason(client, world, query):
    response = client.get(f"{JSON}?{query}")
    assert response.status_code == 400
    field = query.split("=")[0]
    assert field in response.json()["errors"] and response.json()["errors"][field][0]
    response = client.get(f"{CSV}?{query}")
    assert response.status_code == 400 and field in response.content.decode()


def test_gap_by_month_follows_the_accountability_rules(client, world):
    a = world["a"]
    data = client.get(reverse("belligerent_gap_json", args=["force-alpha"])).json()
    rows = by_period(data)
    # January 2016: two incidents, A answered one (conceding 3); March: A answered the open one ("investigating").
    assert (rows["2016-01"]["incidents"], rows["2016-01"]["assessed"], rows["2016-01"]["share"]) == (2, 1, 0.5)
    assert (rows["2016-01"]["conceded_min"], rows["2016-01"]["conceded_max"]) == (3, 3)
    assert (rows["2016-03"]["incidents"], rows["2016-03"]["assessed"], rows["2016-03"]["reported_open"]) == (1, 1, 1)
    assert rows["2016"]["year_only"] and rows["2016"]["assessed"] == 0
    assert data["text"]["conceded"] == "Conceded by Force Alpha"
    # The months and years add up to the gap by year's "all years" row (the same definitions, not a second rule).
    by_year = accountability.actor_gap(a).total
    for key in ("incidents", "assessed", "reported_min", "reported_open", "conceded_min", "conceded_max", "conceded_open",
                "with_conceded"):
        assert data["total"][key] == by_year[key], key
    # Both read "at least 137": the gap by year keeps the stored maximum beside its open count, the chart says None.
    assert (data["total"]["reported_max"], by_year["reported_open"]) == (None, 1)
    rows_csv = parse_csv(client.get(reverse("belligerent_gap_csv", args=["force-alpha"])))
    assert [row["period"] for row in rows_csv] == ["2016-01", "2016-03", "2016", "2017-02"]
    assert (rows_csv[0]["incidents_with_statement"], rows_csv[0]["share_with_statement"]) == ("1", "0.5")


def test_gap_of_an_unknown_or_unpublished_belligerent_is_404(client, world):
    hidden_only = factories.ActorFactory(name="Shadow Unit", slug="shadow-unit")
    incident(D(2016, 1, 1), actor=hidden_only, status="draft")
    for slug in ("shadow-unit", "no-such-force"):
        assert client.get(reverse("belligerent_gap_json", args=[slug])).status_code == 404
        assert client.get(reverse("belligerent_gap_csv", args=[slug])).status_code == 404


def test_pages_show_each_chart_with_its_table_and_csv(client, world):
    pages = {
        reverse("home"): ("killed", "grades"),
        reverse("timeline") + "?grade=weak": ("killed", "grades"),
        reverse("belligerent_detail", args=["force-alpha"]): ("killed", "grades", "gap", "share"),
        reverse("conflict_detail", args=["campaign-zeta"]): ("killed", "grades"),
    }
    for url, kinds in pages.items():
        html = client.get(url).content.decode()
        assert [kind for kind in ("killed", "grades", "gap", "share") if f'data-chart="{kind}"' in html] == list(kinds), url
        assert html.count("<details class=\"chart-table\">") == (3 if "gap" in kinds else 2)
        assert 'src="/static/incidents/charts.js"' in html and "<script>" not in html and "style=" not in html
    timeline = client.get(reverse("timeline") + "?grade=weak&before=2017-01").content.decode()
    assert f'data-src="{JSON}?grade=weak"' in timeline and f'href="{CSV}?grade=weak"' in timeline
    belligerent = client.get(reverse("belligerent_detail", args=["force-alpha"])).content.decode()
    assert f'data-src="{JSON}?belligerent=force-alpha"' in belligerent
    assert reverse("belligerent_gap_csv", args=["force-alpha"]) in belligerent
    home = client.get(reverse("home")).content.decode()
    assert "2016 (known only to the year)" in home and "Not drawn: incidents known only to the year" in home
    assert 'data-total="reported" data-label="Reported killed">at least 128<' in home  # 15 + 102 + 7 + 4 (nothing for the year without a figure)
    assert home.count("at least 128") == 2  # the same in the page's totals (_totals.html)


def test_a_page_with_bad_filters_shows_no_chart_and_no_error(client, world):
    response = client.get(reverse("timeline") + "?date_from=not-a-day")
    assert response.status_code == 200
    assert 'data-chart="' not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_chart_data_are_cached_until_public_data_change(client):
    """Committed writes (transactional): the second request reads the cache; a write shows at once."""
    incident(D(2016, 1, 10), claims=[(10, 10)])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(JSON).json()["total"]["reported_min"] == 10
    assert len([query for query in queries.captured_queries if "GROUP BY" in query["sql"]]) == 1
    with CaptureQueriesContext(connection) as queries:
        assert client.get(JSON).json()["total"]["reported_min"] == 10
    assert not [query for query in queries.captured_queries if "GROUP BY" in query["sql"]]
    incident(D(2016, 2, 10), claims=[(5, 5)])
    data = client.get(JSON).json()
    assert (data["total"]["reported_min"], [row["period"] for row in data["months"]]) == (15, ["2016-01", "2016-02"])

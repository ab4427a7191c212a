"""Overlap between sources and datasets: the capture-history table (page and CSV) equals a hand count on a fixture of
sources, a confidential source and a dataset; drafts, private victims and confidential sources' names never count or
show; bad parameters are refused with reasons; the page is translated."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from incidents import overlap
from incidents.models import Incident, IncidentReport
from tests import factories

pytestmark = pytest.mark.django_db

A, B, U = "source:alpha", "source:beta", "dataset:ucdp_ged"
HIDDEN_NAMES = ("Hidden Witness Network", "Secret Second Channel", "hidden-witness", "secret-second")


def _incident(day, country="IQ", admin1="Nineveh", **values):
    return factories.IncidentFactory(status="published", date_start=day, country=country, admin1=admin1, **values)


def _recorded(incident, *systems):
    for system in systems:
        if isinstance(system, str):
            factories.ExternalIdentifierFactory(incident=incident, dataset=system)
        else:
            IncidentReport.objects.create(incident=incident, report=factories.ReportFactory(source=system))


def _victim(incident, public=True, name=None):
    return factories.VictimFactory(incident=incident, visibility="public" if public else "private",
                                   **({"name": name} if name else {}))


@pytest.fixture
def world():
    """Eight published incidents recorded by 0, 1, 2 and 3 systems over two months, a year and three provinces; a
    draft recorded by all; two confidential sources; public and private victims."""
    alpha = factories.SourceFactory(name="Alpha News", slug="alpha")
    beta = factories.SourceFactory(name="Beta Monitor", slug="beta")
    hidden = factories.SourceFactory(name="Hidden Witness Network", slug="hidden-witness", is_confidential=True, public_label="local source")
    second = factories.SourceFactory(name="Secret Second Channel", slug="secret-second", is_confidential=True, public_label="local source")
    draft_only = factories.SourceFactory(name="Draft Only Gazette", slug="draft-only")
    i1 = _incident(datetime.date(2017, 3, 17))
    _recorded(i1, alpha, beta, "ucdp_ged")
    _recorded(i1, alpha)  # a second report of the same source: the incident still counts once
    _victim(i1), _victim(i1), _victim(i1, public=False, name="Private Person")
    i2 = _incident(datetime.date(2017, 3, 20))
    _recorded(i2, alpha, "ucdp_ged")
    i3 = _incident(datetime.date(2017, 4, 2), admin1="Anbar")
    _recorded(i3, alpha)
    _victim(i3)
    i4 = _incident(datetime.date(2017, 4, 10), country="SY", admin1="Raqqa")
    _recorded(i4, beta)
    i5 = _incident(datetime.date(2017, 4, 11), country="SY", admin1="Raqqa")
    _recorded(i5, beta, hidden)
    i6 = _incident(datetime.date(2017, 1, 1), date_precision="year")
    _recorded(i6, "ucdp_ged")
    _victim(i6)
    i7 = _incident(datetime.date(2017, 3, 1))
    _recorded(i7, second)
    _incident(datetime.date(2017, 3, 5))  # recorded by none of them
    draft = factories.IncidentFactory(status="draft", date_start=datetime.date(2017, 3, 18))
    _recorded(draft, alpha, beta, hidden, draft_only, "ucdp_ged", "acled")
    _victim(draft, name="Draft Victim")
    return locals()


# The hand count, systems (Alpha, Beta, UCDP GED): history → (incidents, public named victims).
HAND_COUNT = {
    (1, 0, 0): (1, 1), (0, 1, 0): (2, 0), (0, 0, 1): (1, 1),
    (1, 1, 0): (0, 0), (1, 0, 1): (1, 0), (0, 1, 1): (0, 0), (1, 1, 1): (1, 2),
}
BY_MONTH = {
    ("2017", "0-0-1"): 1, ("2017-03", "1-1-1"): 1, ("2017-03", "1-0-1"): 1,
    ("2017-04", "1-0-0"): 1, ("2017-04", "0-1-0"): 2,
}
BY_PROVINCE = {
    ("IQ:Anbar", "1-0-0"): 1, ("IQ:Nineveh", "1-1-1"): 1, ("IQ:Nineveh", "1-0-1"): 1, ("IQ:Nineveh", "0-0-1"): 1,
    ("SY:Raqqa", "0-1-0"): 2,
}


def _csv(client, **params):
    response = client.get(reverse("overlap_csv"), params)
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _nonzero(rows, column="incidents"):
    return {(row["stratum"], row["capture_history"]): int(row[column]) for row in rows if int(row[column])}


def test_the_systems_of_the_set_are_counted_once_per_incident_and_confidential_ones_grouped(world):
    found = {system["key"]: system["incidents"] for system in overlap.systems_of(Incident.objects.published())}
    assert found == {A: 3, B: 3, U: 3, "confidential": 2}  # no draft's source or dataset; never a confidential slug


def test_the_capture_histories_equal_the_hand_count(world):
    spec = (("source", world["alpha"].pk), ("source", world["beta"].pk), ("dataset", "ucdp_ged"))
    table = overlap.capture_histories(Incident.objects.published(), spec, "none")
    assert {history: tuple(table.get(("all", history), [0, 0])) for history in HAND_COUNT} == HAND_COUNT
    assert table[("all", (0, 0, 0))] == [2, 0]  # i7 (a confidential source, not chosen) and the unrecorded one
    summary = overlap.summary(table, 3)
    assert summary["per_system"] == [[3, 3], [3, 2], [3, 3]]
    assert summary["two_or_more"] == [2, 2] and summary["one"] == [4, 2] and summary["any"] == [6, 4] and summary["none"] == [2, 0]


def test_the_csv_by_month_and_by_province_equals_the_hand_count(world, client):
    systems = f"{A},{B},{U}"
    rows = _csv(client, system=systems, by="month")
    assert list(rows[0]) == ["by", "stratum", "capture_history", A, B, U, "incidents", "named_victims"]
    assert _nonzero(rows) == BY_MONTH
    assert len(rows) == 3 * 7  # every history of each stratum with a recorded incident, zeros included
    assert _nonzero(_csv(client, system=systems, by="admin1")) == BY_PROVINCE
    overall = _csv(client, system=systems)
    assert {tuple(int(row[key]) for key in (A, B, U)): (int(row["incidents"]), int(row["named_victims"])) for row in overall} == HAND_COUNT


def test_the_default_is_the_three_systems_that_recorded_most(world, client):
    rows = _csv(client)
    assert list(rows[0])[3:6] == [U, A, B]  # three with 3 incidents each (ties by key); the confidential ones have 2


def test_the_confidential_sources_are_one_system_never_named(world, client):
    rows = _csv(client, system=f"{A},{B},confidential")
    assert _nonzero(rows) == {("all", "1-1-0"): 1, ("all", "1-0-0"): 2, ("all", "0-1-0"): 1, ("all", "0-1-1"): 1, ("all", "0-0-1"): 1}
    page = client.get(reverse("overlap"), {"system": [A, B, "confidential"], "by": "month"}).content.decode()
    assert "confidential sources" in page
    for hidden in (*HIDDEN_NAMES, "Draft Only Gazette", "Private Person", "Draft Victim", "dataset:acled"):
        assert hidden not in page
    csv_text = client.get(reverse("overlap_csv"), {"system": f"{A},confidential,{U}", "by": "admin1"}).content.decode()
    for hidden in HIDDEN_NAMES:
        assert hidden not in csv_text


def test_a_confidential_source_asked_by_its_slug_is_refused_like_an_unknown_one(world, client):
    known = client.get(reverse("overlap_csv"), {"system": f"{A},source:hidden-witness"})
    unknown = client.get(reverse("overlap_csv"), {"system": f"{A},source:no-such-source"})
    assert known.status_code == unknown.status_code == 400
    assert known.content.decode().replace("hidden-witness", "X") == unknown.content.decode().replace("no-such-source", "X")
    assert "Hidden Witness" not in known.content.decode()


@pytest.mark.parametrize("params, reason", [
    ({"system": A}, "Choose from 2 to 5"),
    ({"system": f"{A},{B},{U},confidential,dataset:acled,dataset:airwars"}, "Choose from 2 to 5"),
    ({"system": f"{A},dataset:nope"}, "Unknown source or dataset"),
    ({"system": f"{A},{B}", "by": "week"}, "Unknown stratification"),
    ({"date_from": "not a date"}, "date"),
])
def test_bad_parameters_are_refused_with_reasons(world, client, params, reason):
    response = client.get(reverse("overlap_csv"), params)
    assert response.status_code == 400 and reason.lower() in response.content.decode().lower()
    page = client.get(reverse("overlap"), params)
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    assert "Capture histories" not in page.content.decode()


def test_a_set_recorded_by_fewer_than_two_systems_says_so(world, client):
    page = client.get(reverse("overlap"), {"country": "SY", "source": "beta"}).content.decode()
    assert "Capture histories" in page  # Beta and the confidential sources: two systems
    page = client.get(reverse("overlap"), {"q": "no such words anywhere"})
    assert page.status_code == 200 and "Fewer than two sources or datasets" in page.content.decode()
    assert 'role="alert"' not in page.content.decode()  # not a mistake of the asker
    empty = client.get(reverse("overlap_csv"), {"q": "no such words anywhere"})
    assert empty.status_code == 200 and empty.content.decode() == "by,stratum,capture_history,incidents,named_victims\n"


def test_the_page_shows_the_same_rows_as_the_csv(world, client):
    params = {"system": [A, B, U], "by": "month"}
    response = client.get(reverse("overlap"), params)
    page_rows = {(row["stratum"], row["code"]): (row["incidents"], row["victims"]) for row in response.context["rows"]}
    csv_rows = _csv(client, system=f"{A},{B},{U}", by="month")
    assert page_rows == {(row["stratum"], row["capture_history"]): (int(row["incidents"]), int(row["named_victims"])) for row in csv_rows}
    html = response.content.decode()
    assert "March 2017" in html and "2017 (known only to the year)" in html and "Alpha News" in html
    assert reverse("overlap_csv") + "?" in html and "by=month" in html


def test_a_filter_narrows_the_table(world, client):
    rows = _csv(client, system=f"{A},{B},{U}", country="SY")
    assert _nonzero(rows) == {("all", "0-1-0"): 2}


def test_drafts_and_private_victims_never_count(world, client):
    # The draft, recorded by all three with a public victim, and i1's private victim are in no count.
    rows = _nonzero(_csv(client, system=f"{A},{B},{U}"), "named_victims")
    assert rows == {("all", "1-1-1"): 2, ("all", "1-0-0"): 1, ("all", "0-0-1"): 1}
    assert _nonzero(_csv(client, system=f"{A},{B},{U}"))[("all", "1-1-1")] == 1


def test_the_page_reads_in_a_bounded_number_of_queries(world, client, django_assert_max_num_queries):
    for n in range(12):  # more sources, months and provinces: still the same number of queries
        _recorded(_incident(datetime.date(2018, 1 + n, 1), admin1=f"Province {n}"), factories.SourceFactory(), world["alpha"], "acled")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("overlap"), {"country": "IQ", "system": [A, B, U], "by": "admin1"}).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("overlap_csv"), {"by": "month"}).status_code == 200


def test_the_page_is_in_arabic_right_to_left_and_linked(world, client):
    arabic = client.get("/ar/overlap/").content.decode()
    assert 'dir="rtl"' in arabic and "التداخل بين المصادر ومجموعات البيانات" in arabic
    assert reverse("overlap") in client.get(reverse("sdg_table")).content.decode()
    assert reverse("overlap") in client.get(reverse("incident_list")).content.decode()



def test_a_province_unknown_is_said_in_the_pages_language(world, client):
    _recorded(_incident(datetime.date(2017, 5, 1), admin1=""), world["alpha"], world["beta"])
    params = {"system": [A, B], "by": "admin1"}
    assert "province unknown (IQ)" in client.get(reverse("overlap"), params).content.decode()
    assert "محافظة غير معروفة (IQ)" in client.get("/ar/overlap/", params).content.decode()
    assert ("IQ:", "1-1") in _nonzero(_csv(client, system=f"{A},{B}", by="admin1"))


def test_a_datasets_own_record_is_the_dataset_not_a_second_source():
    """An imported UCDP event has UCDP's external id and a report of kind "dataset record" from the UCDP source: one
    system (the dataset), never the dataset and its source counted as two that always agree."""
    ucdp = factories.SourceFactory(slug="ucdp", name="UCDP")
    news = factories.SourceFactory(slug="news", name="News")
    for day in (1, 2):
        incident = _incident(datetime.date(2017, 3, day))
        factories.ExternalIdentifierFactory(incident=incident, dataset="ucdp_ged")
        IncidentReport.objects.create(incident=incident, report=factories.ReportFactory(source=ucdp, kind="dataset_record"))
        if day == 1:
            IncidentReport.objects.create(incident=incident, report=factories.ReportFactory(source=news))
    keys = {system["key"]: system["incidents"] for system in overlap.systems_of(Incident.objects.published())}
    assert keys == {"dataset:ucdp_ged": 2, "source:news": 1}

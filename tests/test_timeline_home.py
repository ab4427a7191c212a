"""/timeline/ (incidents by month, filterable, paged by periods) and / (headline totals, latest incidents)."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from incidents import choices
from incidents.demo import load_reference_article
from incidents.models import Incident
from incidents.views import home as home_views
from incidents.views import timeline as timeline_views
from incidents.views.timeline import Period
from tests import factories

pytestmark = pytest.mark.django_db

TIMELINE, HOME = reverse("timeline"), reverse("home")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def published(day, precision="day", end=None, reported=None, conceded=None, **fields):
    """A published incident with its derived figures set directly (the derivation has its own tests)."""
    incident = factories.IncidentFactory(status="published", date_start=day, date_end=end, date_precision=precision, **fields)
    figures = {}
    if reported:
        figures.update(reported_killed_min=reported[0], reported_killed_max=reported[1])
    if conceded:
        figures.update(conceded_killed_min=conceded, conceded_killed_max=conceded)
    Incident.objects.filter(pk=incident.pk).update(**figures)
    incident.refresh_from_db()
    return incident


def sections(response) -> list[tuple[str, list[str]]]:
    assert response.status_code == 200
    return [(section["period"].encode(), [i.code for i in section["incidents"]]) for section in response.context["sections"]]


@pytest.fixture
def months():
    return {
        "mar17": published(datetime.date(2017, 3, 17), reported=(83, 137), country="IQ", title="Mosul strike"),
        "mar17b": published(datetime.date(2017, 3, 5), reported=(4, 4), conceded=2, country="IQ", title="Raqqa-road strike"),
        "mar17month": published(datetime.date(2017, 3, 1), "month", end=datetime.date(2017, 3, 31), reported=(10, 20),
                                country="SY", title="Mosque strike"),
        "jan17": published(datetime.date(2017, 1, 29), reported=(20, 30), conceded=1, country="YE", title="Yakla raid"),
        "year16": published(datetime.date(2016, 1, 1), "year", end=datetime.date(2016, 12, 31), reported=(7, 7), country="IQ",
                            title="Undated strike"),
        "dec16": published(datetime.date(2016, 12, 30), reported=(1, 3), country="IQ", title="Year-end strike"),
        "jan16": published(datetime.date(2016, 1, 5), country="IQ", title="New-year strike"),
    }


def test_incidents_grouped_by_month_newest_first_year_only_apart(client, months):
    got = sections(client.get(TIMELINE))
    c = {name: incident.code for name, incident in months.items()}
    assert got == [
        ("2017-03", [c["mar17month"], c["mar17b"], c["mar17"]]),  # day unknown first, then by day
        ("2017-01", [c["jan17"]]),
        ("2016-12", [c["dec16"]]),
        ("2016-01", [c["jan16"]]),
        ("2016", [c["year16"]]),  # known only to the year: apart, after its January
    ]


def test_month_totals_are_computed_per_month(client, months):
    march = client.get(TIMELINE).context["sections"][0]["totals"]
    assert march == {
        "period": datetime.date(2017, 3, 1), "incidents": 3, "reported_min": 83 + 4 + 10, "reported_max": 137 + 4 + 20,
        "with_reported": 3, "conceded_min": 2, "conceded_max": 2, "with_conceded": 1,
        "reported_open": 0, "conceded_open": 0, "related_incidents": 0,
    }


def test_month_precision_is_shown_as_the_month_not_the_first(client, months):
    html = client.get(TIMELINE).content.decode()
    assert "March 2017 (day unknown)" in html
    assert "1 March 2017" not in html
    assert "2016 (month unknown)" in html
    assert "1 January 2016" not in html
    assert "17 March 2017" in html and "97–161" in html


def test_timeline_uses_the_same_filters(client, months):
    got = sections(client.get(TIMELINE, {"country": "SY"}))
    assert got == [("2017-03", [months["mar17month"].code])]
    got = sections(client.get(TIMELINE, {"q": "strike", "date_from": "2016-12-01", "date_to": "2017-03-10"}))
    assert got == [  # the year-only incident's possible dates (all of 2016) overlap December
        ("2017-03", [months["mar17month"].code, months["mar17b"].code]), ("2016-12", [months["dec16"].code]), ("2016", [months["year16"].code]),
    ]
    got = sections(client.get(TIMELINE, {"conceded": "yes"}))
    assert got == [("2017-03", [months["mar17b"].code]), ("2017-01", [months["jan17"].code])]


def test_periods_are_paged_older_and_newer(client, months, monkeypatch):
    monkeypatch.setattr(timeline_views, "PERIODS_PER_PAGE", 2)
    first = client.get(TIMELINE)
    assert [key for key, _ in sections(first)] == ["2017-03", "2017-01"]
    assert first.context["newer"] is None
    older = first.context["older"].encode()
    assert f"before={older}" in first.content.decode()
    second = client.get(TIMELINE, {"before": older})
    assert [key for key, _ in sections(second)] == ["2016-12", "2016-01"]
    third = client.get(TIMELINE, {"before": second.context["older"].encode()})
    assert [key for key, _ in sections(third)] == ["2016"]
    assert third.context["older"] is None
    back = client.get(TIMELINE, {"after": third.context["newer"].encode()})
    assert [key for key, _ in sections(back)] == ["2016-12", "2016-01"]
    back = client.get(TIMELINE, {"after": back.context["newer"].encode()})
    assert [key for key, _ in sections(back)] == ["2017-03", "2017-01"]
    assert back.context["newer"] is None


def test_year_only_period_after_its_january_across_pages(client, months, monkeypatch):
    monkeypatch.setattr(timeline_views, "PERIODS_PER_PAGE", 1)
    assert [key for key, _ in sections(client.get(TIMELINE, {"before": "2016-01"}))] == ["2016"]
    assert [key for key, _ in sections(client.get(TIMELINE, {"after": "2016"}))] == ["2016-01"]
    nothing_older = client.get(TIMELINE, {"before": "2016"})
    assert nothing_older.context["page_message"] and sections(nothing_older)[0][0] == "2017-03"


def test_each_period_shows_a_capped_number_of_incidents(client, monkeypatch):
    monkeypatch.setattr(timeline_views, "PER_PERIOD", 2)
    day_unknown = published(datetime.date(2019, 5, 1), "month", end=datetime.date(2019, 5, 31))
    for day in (3, 9, 20):
        published(datetime.date(2019, 5, day))
    response = client.get(TIMELINE, {"country": "IQ"})
    [(key, codes)] = sections(response)
    assert key == "2019-05" and len(codes) == 2 and codes[0] == day_unknown.code  # the month-wide incident is never cut
    html = response.content.decode()
    assert "Showing the first 2 of 4" in html
    assert "/incidents/?country=IQ&amp;date_from=2019-05-01&amp;date_to=2019-05-31" in html


def test_period_labels_and_keys():
    assert Period.decode("2017-03") == Period(2017, 3) and Period(2017, 3).label == "March 2017"
    assert Period.decode("2016") == Period(2016, 0) and Period(2016, 0).label == "2016 (month unknown)"
    assert Period(2016, 0) < Period(2016, 1) < Period(2016, 12) < Period(2017, 0)
    assert Period(2016, 2).last_day == datetime.date(2016, 2, 29)
    for bad in ("2017-13", "2017-00", "0000", "17-03", "2017-3", "", "9999-12", "2017-03-01"):
        with pytest.raises(ValueError):
            Period.decode(bad)


@pytest.mark.parametrize(
    "query", [{"before": "2017-13"}, {"after": "garbage"}, {"before": "99999999"}, {"before": "1800-01"}, {"after": "2100-01"}],
)
def test_bad_or_empty_period_cursor_shows_the_newest_months_with_a_message(client, months, query):
    response = client.get(TIMELINE, query)
    assert response.status_code == 200
    assert response.context["page_message"]
    assert sections(response)[0][0] == "2017-03"


@pytest.mark.parametrize(
    "query", [{"date_from": "2017-13-45"}, {"killed_min": "abc"}, {"date_from": "2018-01-01", "date_to": "2017-01-01"}, {"grade": "x"}],
)
def test_bad_filters_on_the_timeline_show_errors(client, months, query):
    response = client.get(TIMELINE, query)
    assert response.status_code == 200
    assert "Some filters could not be read" in response.content.decode()
    assert "sections" not in response.context


def test_timeline_with_nothing_published(client):
    response = client.get(TIMELINE)
    assert response.status_code == 200
    assert "No matching incidents" in response.content.decode()


@pytest.mark.parametrize("per_month", [1, 12])
def test_timeline_query_count_grows_with_the_periods_shown_not_the_incidents(client, django_assert_max_num_queries, per_month):
    for month in range(1, 6):
        for n in range(per_month):
            published(datetime.date(2017, month, 1 + n), reported=(n, n + 1))
    # The filter form's choices (5), the totals (2), the periods (nearest of each kind 2, sums 2, beyond 2), and
    # at most two indexed reads per period shown (day unknown first, then by day), the strip of months (one
    # grouped count of the shown years' other months, the newest and oldest year for the jump), and the charts'
    # monthly sums (1).
    with django_assert_max_num_queries(13 + 2 * 5 + 3 + 1):
        response = client.get(TIMELINE)
    assert sum(len(codes) for _, codes in sections(response)) == 5 * per_month


def test_reference_incidents_on_the_timeline(client):
    load_reference_article()
    html = client.get(TIMELINE).content.decode()
    assert "March 2017 (day unknown)" in html  # the Syria mosque strike
    assert "January 2017 (day unknown)" in html  # the Yemen raid
    assert "17 March 2017" in html and "Mosul al-Jadida" in html


# --- hidden data, on both pages ---------------------------------------------------------------------------------------

@pytest.fixture
def hidden_world():
    shown = published(datetime.date(2017, 3, 17), reported=(83, 137), title="Visible strike")
    factories.FigureFactory(incident=shown, count_min=83, count_max=137)
    factories.FigureFactory(incident=shown, count_min=7777, count_max=7777, excluded=True, excluded_reason="Duplicate")
    factories.VictimFactory(incident=shown, name="Private Victim Name", visibility="private")
    for status in ("draft", "in_review", "retracted"):
        hidden = factories.IncidentFactory(
            status=status, title=f"Hidden {status} record", date_start=datetime.date(2015, 6, 1),
            retraction_reason="Not a real event" if status == "retracted" else "",
        )
        factories.FigureFactory(incident=hidden, count_min=9000, count_max=9000)
        statement = factories.StatementFactory(incident=hidden)
        factories.FigureFactory(incident=hidden, statement=statement, report=statement.report, basis="conceded", count_min=800, count_max=800)
        Incident.objects.filter(pk=hidden.pk).update(published_at=timezone.now())
    factories.SourceFactory(name="Secret Witness Network", slug="secret-source", is_confidential=True)
    return shown


@pytest.mark.parametrize("url", [TIMELINE, HOME])
def test_hidden_records_absent(client, hidden_world, url):
    response = client.get(url)
    html = response.content.decode()
    for word in ("Hidden", "9,000", "9000", "800", "7,777", "7777", "Private Victim Name", "Secret Witness Network", "secret-source", "2015"):
        assert word not in html, word
    totals = response.context["totals"]["all"]
    assert totals["incidents"] == 1
    assert (totals["reported_min"], totals["reported_max"]) == (83, 137)
    # No incident of the set has a conceded number: the sum is "no number" (None, shown "—"), not 0.
    assert totals["conceded_max"] is None and totals["with_conceded"] == 0


def test_hidden_records_absent_from_timeline_periods(client, hidden_world):
    response = client.get(TIMELINE)
    assert [key for key, _ in sections(response)] == ["2017-03"]
    assert response.context["sections"][0]["totals"]["reported_max"] == 137


# --- home -------------------------------------------------------------------------------------------------------------

def test_home_headline_totals(client, months):
    response = client.get(HOME)
    totals = response.context["totals"]["all"]
    assert totals["incidents"] == 7
    assert (totals["reported_min"], totals["reported_max"]) == (83 + 4 + 10 + 20 + 7 + 1, 137 + 4 + 20 + 30 + 7 + 3)
    assert (totals["conceded_min"], totals["with_conceded"]) == (3, 2)
    html = response.content.decode()
    assert "125–201" in html
    for link in ('href="/incidents/"', 'href="/timeline/"', 'href="/methodology/"', 'href="/methodology/#totals"'):
        assert link in html


def test_home_latest_published_then_by_creation(client):
    now = timezone.now()
    old = published(datetime.date(2017, 1, 1), title="Published long ago")
    new = published(datetime.date(2010, 1, 1), title="Published just now")
    never_stamped = published(datetime.date(2018, 1, 1), title="Imported without a publication time")
    Incident.objects.filter(pk=old.pk).update(published_at=now - datetime.timedelta(days=30))
    Incident.objects.filter(pk=new.pk).update(published_at=now)
    latest = client.get(HOME).context["latest_published"]
    assert [i.code for i in latest] == [new.code, old.code, never_stamped.code]


def test_home_lists_are_limited(client, monkeypatch):
    monkeypatch.setattr(home_views, "LATEST", 3)
    for n in range(5):
        published(datetime.date(2017, 1, 1 + n))
    response = client.get(HOME)
    assert len(response.context["latest_published"]) == 3


@pytest.mark.parametrize("count", [5, 30])
def test_home_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    for _ in range(count):
        incident = published(datetime.date(2017, 1, 1), grade=choices.Grade.FAIR)
        factories.BelligerentRoleFactory(incident=incident)
    # Totals (2), latest published (2 at most) and their belligerents (1), latest concessions (1), most documented (1),
    # the charts' monthly sums (1).
    with django_assert_max_num_queries(8):
        assert client.get(HOME).status_code == 200


def test_home_with_nothing_published(client):
    response = client.get(HOME)
    assert response.status_code == 200
    assert "No incident has been published yet" in response.content.decode()


def test_periods_years_apart_share_a_page_and_year_only_ones_keep_their_place(client, monkeypatch):
    # The sums read a window of months that widens until it holds a page of periods: sparse records still fill it.
    monkeypatch.setattr(timeline_views, "PERIODS_PER_PAGE", 3)
    published(datetime.date(2020, 3, 4), reported=(1, 2))
    published(datetime.date(2014, 5, 6), reported=(3, 4))
    published(datetime.date(2014, 1, 1), "year", end=datetime.date(2014, 12, 31))
    published(datetime.date(2011, 2, 1), reported=(5, 6))
    first = client.get(TIMELINE)
    assert [key for key, _ in sections(first)] == ["2020-03", "2014-05", "2014"]
    rest = client.get(TIMELINE, {"before": first.context["older"].encode()})
    assert [key for key, _ in sections(rest)] == ["2011-02"] and rest.context["older"] is None
    back = client.get(TIMELINE, {"after": "2011-02"})
    assert [key for key, _ in sections(back)] == ["2020-03", "2014-05", "2014"] and back.context["newer"] is None

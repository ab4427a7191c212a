"""Where a slip is easy, the admin catches it: unambiguous dates, dates that do not fit the incident, vague words as numbers."""

import datetime
import html

import pytest
from django.urls import reverse

from incidents import choices
from incidents.models import CasualtyFigure, Incident, OfficialStatement
from incidents.models.claims import quote_gives_no_number
from sources.models import Report
from tests import factories
from tests.test_admin import add_rows, figure_row, form_data, incident_add_url, incident_change_url

CONFIRM = 'type="checkbox" name="figures-0-confirm_dates"'


@pytest.fixture
def incident(db):
    return factories.IncidentFactory(date_start=datetime.date(2017, 3, 17))


@pytest.fixture
def report(db):
    return factories.ReportFactory(title="Residents count the dead", published_on=datetime.date(2017, 3, 25))


def post_figure(client, incident, **row):
    data = form_data(client.get(incident_change_url(incident)))
    add_rows(data, "figures", [figure_row(**{"quote": "", "qualifier": "exact", "count_min": 12, "count_max": 12, **row})])
    return data, client.post(incident_change_url(incident), data)


# Dates typed in the admin are unambiguous.


def test_admin_date_inputs_are_native_date_inputs(editor_client, incident):
    add_page = editor_client.get(incident_add_url()).content.decode()
    assert 'type="date" name="date_start"' in add_page
    change_page = editor_client.get(incident_change_url(incident)).content.decode()
    assert 'type="date" name="figures-0-stated_on"' in change_page
    report_page = editor_client.get(reverse("admin:sources_report_add")).content.decode()
    assert 'type="date" name="published_on"' in report_page
    assert 'type="date" name="aggregate_claims-__prefix__-period_start"' in report_page


@pytest.mark.parametrize("typed", ["03/04/2017", "3/4/17", "04.03.2017"])
def test_a_day_month_date_is_refused_not_guessed(editor_client, typed):
    data = form_data(editor_client.get(incident_add_url()))
    data.update({"title": "Strike", "date_start": typed, "date_precision": "day", "geo_precision": "country", "country": "IQ"})

    response = editor_client.post(incident_add_url(), data)

    assert response.status_code == 200
    assert "Enter the date as YYYY-MM-DD" in response.content.decode()
    assert not Incident.objects.filter(title="Strike").exists()


def test_report_published_on_refuses_a_day_month_date(editor_client):
    source = factories.SourceFactory()
    data = form_data(editor_client.get(reverse("admin:sources_report_add")))
    data.update({"source": source.pk, "title": "Ambiguous", "kind": "article", "published_on": "03/04/2017", "language": "en"})

    response = editor_client.post(reverse("admin:sources_report_add"), data)

    assert response.status_code == 200
    assert "Enter the date as YYYY-MM-DD" in response.content.decode()
    assert not Report.objects.filter(title="Ambiguous").exists()


def test_claim_stated_on_refuses_a_day_month_date(editor_client, incident, report):
    _, response = post_figure(editor_client, incident, report=report.pk, stated_on="03/04/2017")
    assert response.status_code == 200
    assert "Enter the date as YYYY-MM-DD" in response.content.decode()
    assert not incident.figures.exists()


# A claim stated before its incident, or a report far from it, is saved only once confirmed.


def test_claim_stated_before_the_incident_is_warned_about_then_saved_once_confirmed(editor_client, incident, report):
    data, response = post_figure(editor_client, incident, report=report.pk, stated_on="2017-03-01")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Stated on 1 March 2017, before the incident happened (17 March 2017)" in page
    assert CONFIRM in page
    assert not incident.figures.exists()

    data["figures-0-confirm_dates"] = "on"
    response = editor_client.post(incident_change_url(incident), data)

    assert response.status_code == 302
    assert incident.figures.get().stated_on == datetime.date(2017, 3, 1)


def test_a_month_containing_the_incident_is_not_before_it(editor_client, incident, report):
    _, response = post_figure(editor_client, incident, report=report.pk, stated_on="2017-03-01", stated_on_precision="month")
    assert response.status_code == 302
    assert incident.figures.get().stated_on_precision == choices.StatedPrecision.MONTH


def test_report_far_from_the_incident_is_warned_about(editor_client, incident):
    late = factories.ReportFactory(title="Two years on", published_on=datetime.date(2019, 6, 1))
    data, response = post_figure(editor_client, incident, report=late.pk, stated_on="2019-06-01")

    page = response.content.decode()
    assert "The report “Two years on” is dated 1 June 2019, 806 days after the incident" in page
    assert CONFIRM in page
    assert not incident.figures.exists()

    data["figures-0-confirm_dates"] = "on"
    assert editor_client.post(incident_change_url(incident), data).status_code == 302
    assert incident.figures.count() == 1


def test_report_dated_before_the_incident_is_warned_about(editor_client, incident):
    early = factories.ReportFactory(title="Before it happened", published_on=datetime.date(2017, 3, 1))
    _, response = post_figure(editor_client, incident, report=early.pk)
    assert "The report “Before it happened” is dated 1 March 2017, before the incident happened" in response.content.decode()
    assert not incident.figures.exists()


def test_the_gap_is_a_setting(editor_client, incident, settings):
    settings.CASUALTYTRACKER_REPORT_GAP_DAYS = 1000
    late = factories.ReportFactory(published_on=datetime.date(2019, 6, 1))
    _, response = post_figure(editor_client, incident, report=late.pk)
    assert response.status_code == 302
    assert incident.figures.count() == 1


def test_untouched_rows_are_not_asked_about_again(editor_client, incident):
    late = factories.ReportFactory(published_on=datetime.date(2019, 6, 1))
    factories.FigureFactory(incident=incident, report=late, stated_on=datetime.date(2019, 6, 1))
    data = form_data(editor_client.get(incident_change_url(incident)))
    data["title"] = "Corrected title"

    assert editor_client.post(incident_change_url(incident), data).status_code == 302
    incident.refresh_from_db()
    assert incident.title == "Corrected title"


def test_statement_before_the_incident_is_warned_about_on_its_own_page(editor_client, incident, report):
    url = reverse("admin:incidents_officialstatement_add")
    data = {"incident": incident.pk, "issuer": factories.ActorFactory().pk, "stated_on": "2016-03-17", "stance": "denies",
            "report": report.pk, "quote": "", "summary": ""}

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "Stated on 17 March 2016, before the incident happened" in response.content.decode()
    assert 'type="checkbox" name="confirm_dates"' in response.content.decode()
    assert not OfficialStatement.objects.exists()
    assert editor_client.post(url, {**data, "confirm_dates": "on"}).status_code == 302
    assert OfficialStatement.objects.get().stated_on == datetime.date(2016, 3, 17)


def test_report_page_warns_about_a_claim_for_an_incident_far_from_the_report(editor_client):
    incident = factories.IncidentFactory(date_start=datetime.date(2014, 8, 8))
    source = factories.SourceFactory()
    url = reverse("admin:sources_report_add")
    data = form_data(editor_client.get(url))
    data.update({"source": source.pk, "title": "Strike in March 2017", "kind": "article", "published_on": "2017-03-25", "language": "en"})
    add_rows(data, "figures", [figure_row("", "exact", 5, 5, incident=incident.pk)])

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "The report “Strike in March 2017” is dated 25 March 2017" in response.content.decode()
    assert not CasualtyFigure.objects.exists()


# Vague words are never the source's number.


@pytest.mark.parametrize("quote,vague", [
    ("dozens of civilians were killed", True),
    ("scores dead", True),
    ("hundreds of people", True),
    ("قتل عشرات المدنيين", True),
    ("several bodies were recovered", True),
    ("more than 100 people were killed", False),
    ("a dozen people died", False),
    ("two hundred civilians", False),
    ("٨٣ جثة", False),
    ("Germany said", False),
    ("", False),
])
def test_vague_words_are_recognised(quote, vague):
    assert quote_gives_no_number(quote) is vague


def test_a_number_for_a_sources_vague_words_is_refused(editor_client, incident, report):
    _, response = post_figure(editor_client, incident, report=report.pk, quote="dozens of civilians were killed",
                              qualifier="at_least", count_min=24, count_max="")

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "record the source's claim as “no number given”" in page
    assert "basis “the tracker's own estimate”" in page
    assert not incident.figures.exists()


def test_vague_words_recorded_as_no_number_and_the_minimum_as_our_estimate(editor_client, incident, report):
    data = form_data(editor_client.get(incident_change_url(incident)))
    add_rows(data, "figures", [
        figure_row("dozens of civilians were killed", "unquantified", "", report=report.pk),
        figure_row("dozens of civilians were killed", "at_least", 24, basis="estimate", attributed_to="this tracker"),
    ])

    response = editor_client.post(incident_change_url(incident), data)

    assert response.status_code == 302
    assert sorted(incident.figures.values_list("basis", "count_min")) == [("estimate", 24), ("reported", None)]


def test_new_incident_with_a_claim_stated_before_it_is_warned_about(editor_client, report):
    data = form_data(editor_client.get(incident_add_url()))
    data.update({"title": "New strike", "date_start": "2017-03-17", "date_precision": "day", "geo_precision": "country",
                 "country": "IQ", "event_type": "airstrike"})
    add_rows(data, "figures", [figure_row("", "exact", 12, 12, report=report.pk, stated_on="2016-03-17")])

    response = editor_client.post(incident_add_url(), data)

    assert response.status_code == 200
    assert "Stated on 17 March 2016, before the incident happened (17 March 2017)" in response.content.decode()
    assert not Incident.objects.filter(title="New strike").exists()
    data["figures-0-confirm_dates"] = "on"
    assert editor_client.post(incident_add_url(), data).status_code == 302
    assert Incident.objects.get(title="New strike").figures.get().stated_on == datetime.date(2016, 3, 17)


def test_moving_an_incident_after_its_claims_is_warned_about(editor_client, incident, report):
    factories.FigureFactory(incident=incident, report=report, stated_on=datetime.date(2017, 3, 25))
    data = form_data(editor_client.get(incident_change_url(incident)))
    data["date_start"] = "2018-03-17"

    response = editor_client.post(incident_change_url(incident), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Stated on 25 March 2017, before the incident happened (17 March 2018)" in page
    assert 'type="checkbox" name="confirm_dates"' in page
    incident.refresh_from_db()
    assert incident.date_start == datetime.date(2017, 3, 17)

    data["confirm_dates"] = "on"
    assert editor_client.post(incident_change_url(incident), data).status_code == 302
    incident.refresh_from_db()
    assert incident.date_start == datetime.date(2018, 3, 17)

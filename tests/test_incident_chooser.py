"""The admin's incident chooser: ranked by closeness to the report's date and place, bounded, never a server error."""

import datetime

import pytest
from django.urls import reverse

from incidents.admin import chooser
from incidents.models import IncidentReport
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("admin:autocomplete")
FIGURE_ON_REPORT = {"app_label": "incidents", "model_name": "casualtyfigure", "field_name": "incident"}
D = datetime.date


def titles(client, term="", **hints):
    response = client.get(URL, {**FIGURE_ON_REPORT, "term": term, **hints})
    assert response.status_code == 200, response.content
    return [row["text"].split(": ", 1)[1] for row in response.json()["results"]]


@pytest.fixture
def strikes():
    """Strikes on Mosul a year before, a week before, the day of, and after a report of 25 March 2017; one in Syria."""
    made = {
        "year before": factories.IncidentFactory(title="Mosul strike A", date_start=D(2016, 3, 20)),
        "week before": factories.IncidentFactory(title="Mosul strike B", date_start=D(2017, 3, 17)),
        "spanning": factories.IncidentFactory(title="Mosul strike C", date_start=D(2017, 3, 1), date_end=D(2017, 3, 31),
                                              date_precision="month"),
        "long after": factories.IncidentFactory(title="Mosul strike D", date_start=D(2018, 6, 1)),
        "syria": factories.IncidentFactory(title="Raqqa strike E", date_start=D(2017, 3, 24), country="SY", locality="Raqqa",
                                           admin1="Raqqa"),
    }
    return made


def test_without_hints_newest_first(editor_client, strikes):
    assert titles(editor_client, "Mosul") == ["Mosul strike D", "Mosul strike B", "Mosul strike C", "Mosul strike A"]


def test_ranked_by_closeness_to_the_reports_date(editor_client, strikes):
    # The month-long incident contains the report's day: distance 0; then 8 days; then 370 days before; then 433 days after.
    assert titles(editor_client, "Mosul", near_date="2017-03-25") == [
        "Mosul strike C", "Mosul strike B", "Mosul strike A", "Mosul strike D",
    ]


def test_the_report_gives_its_date_and_its_place(editor_client, strikes):
    report = factories.ReportFactory(published_on=D(2017, 3, 25))
    IncidentReport.objects.create(incident=strikes["year before"], report=report)  # the report already covers Iraq
    # With no text, the incidents near the report's date: the Syrian one (a day away) ranks after the Iraqi ones of that month,
    # being in a country the report does not cover yet; those a year away are not offered at all.
    assert titles(editor_client, near_report=report.pk) == ["Mosul strike C", "Mosul strike B", "Raqqa strike E"]
    # A date on the form wins over the report's own date.
    assert titles(editor_client, "strike", near_report=report.pk, near_date="2016-03-21")[0] == "Mosul strike A"


def test_place_alone_ranks_the_reports_countries_first(editor_client, strikes):
    report = factories.ReportFactory(published_on=None)
    IncidentReport.objects.create(incident=strikes["syria"], report=report)
    assert titles(editor_client, "strike", near_report=report.pk)[0] == "Raqqa strike E"


def test_code_prefix_finds_incidents(editor_client, strikes):
    code = strikes["week before"].code
    assert "Mosul strike B" in titles(editor_client, code[:-1])
    assert titles(editor_client, code) == ["Mosul strike B"]


def test_results_are_bounded_and_paged(editor_client):
    factories.IncidentFactory.create_batch(chooser.MAX_RESULTS + 5, title="Mosul market strike")
    pages = []
    for page in range(1, 10):
        response = editor_client.get(URL, {**FIGURE_ON_REPORT, "term": "market", "page": page})
        if response.status_code == 404:
            break
        pages.append(response.json())
    assert sum(len(body["results"]) for body in pages) == chooser.MAX_RESULTS
    assert pages[-1]["pagination"]["more"] is False


@pytest.mark.parametrize("hints", [
    {"near_date": "2017-02-30"}, {"near_date": "garbage"}, {"near_date": "9" * 200}, {"near_report": "abc"},
    {"near_report": "99999999999999999999"}, {"near_report": "-1"}, {"near_date": "\x00"},
])
def test_bad_hints_are_ignored_never_an_error(editor_client, strikes, hints):
    assert titles(editor_client, "Mosul", **hints) == ["Mosul strike D", "Mosul strike B", "Mosul strike C", "Mosul strike A"]


def test_one_request_reads_a_bounded_number_of_rows(editor_client, strikes, django_assert_max_num_queries):
    report = factories.ReportFactory()
    with django_assert_max_num_queries(10):
        titles(editor_client, "Mosul", near_report=report.pk)


def test_admin_list_search_is_unchanged(editor_client, strikes):
    response = editor_client.get(reverse("admin:incidents_incident_changelist"), {"q": "Raqqa"})
    assert [incident.title for incident in response.context["cl"].result_list] == ["Raqqa strike E"]


def test_report_page_choosers_carry_the_hints(editor_client):
    report = factories.ReportFactory()
    body = editor_client.get(reverse("admin:sources_report_change", args=[report.pk])).content.decode()
    assert f'data-near-report="{report.pk}"' in body
    assert 'data-near-date-field="published_on"' in body
    assert 'data-select-on-close="false"' in body
    assert "incidents/admin/incident-chooser.js" in body
    # After Django's own initialiser, which it replaces.
    assert body.index("admin/js/autocomplete.js") < body.index("incidents/admin/incident-chooser.js")


def test_claim_page_chooser_sends_its_date_and_report(editor_client):
    body = editor_client.get(reverse("admin:incidents_casualtyfigure_add")).content.decode()
    assert 'data-near-date-field="stated_on"' in body and 'data-near-report-field="report"' in body

"""Claims and statements dated as precisely as known: “December 2018” needs no invented day, everywhere it appears."""

import datetime
import html

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from incidents import choices, display, downloads, workflow
from incidents.models import CasualtyFigure, OfficialStatement
from tests import factories
from tests.dataworld import build_world, hidden_strings
from tests.test_exports import body, csv_rows

MONTH, YEAR = choices.StatedPrecision.MONTH, choices.StatedPrecision.YEAR
DECEMBER = datetime.date(2018, 12, 1)


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


@pytest.fixture
def published(db):
    """A published incident with a statement and a conceded claim known only as “December 2018”."""
    incident = factories.IncidentFactory(date_start=datetime.date(2018, 11, 2))
    workflow.publish_by_system(incident_ids=[incident.pk], why="test")
    # Published a week ago: the statement added today is a change the public log shows.
    incident.history.update(history_date=timezone.now() - datetime.timedelta(days=7))
    report = factories.ReportFactory(published_on=datetime.date(2019, 1, 10))
    statement = factories.StatementFactory(
        incident=incident, report=report, stated_on=DECEMBER, stated_on_precision=MONTH, stance=choices.Stance.CREDIBLE,
    )
    factories.FigureFactory(
        incident=incident, report=report, statement=statement, basis=choices.Basis.CONCEDED, count_min=3, count_max=3,
        stated_on=DECEMBER, stated_on_precision=MONTH, attributed_to="the coalition",
    )
    incident.refresh_from_db()
    return incident


def test_a_month_is_stored_as_its_first_day(db):
    statement = OfficialStatement(
        incident=factories.IncidentFactory(), issuer=factories.ActorFactory(), stance=choices.Stance.DENIES,
        stated_on=datetime.date(2018, 12, 19), stated_on_precision=MONTH,
    )
    statement.full_clean()
    assert statement.stated_on == DECEMBER
    claim = CasualtyFigure(incident=factories.IncidentFactory(), report=factories.ReportFactory(), count_min=4, count_max=4,
                           stated_on=datetime.date(2018, 12, 19), stated_on_precision=YEAR)
    claim.full_clean()
    assert claim.stated_on == datetime.date(2018, 1, 1)


def test_database_refuses_a_day_inside_a_month_or_year(db):
    statement = factories.StatementFactory()
    refused(lambda: OfficialStatement.objects.filter(pk=statement.pk).update(
        stated_on=datetime.date(2018, 12, 19), stated_on_precision=MONTH))
    refused(lambda: OfficialStatement.objects.filter(pk=statement.pk).update(
        stated_on=datetime.date(2018, 12, 1), stated_on_precision=YEAR))
    claim = factories.FigureFactory(stated_on=datetime.date(2018, 12, 19))
    refused(lambda: CasualtyFigure.objects.filter(pk=claim.pk).update(stated_on_precision=MONTH))
    aggregate = factories.AggregateClaimFactory(stated_on=datetime.date(2018, 12, 19))
    from incidents.models import AggregateClaim

    refused(lambda: AggregateClaim.objects.filter(pk=aggregate.pk).update(stated_on_precision=YEAR))
    # The first day of the month (or year) is accepted, and a day stays free.
    OfficialStatement.objects.filter(pk=statement.pk).update(stated_on=DECEMBER, stated_on_precision=MONTH)
    CasualtyFigure.objects.filter(pk=claim.pk).update(stated_on=datetime.date(2018, 1, 1), stated_on_precision=YEAR)


def test_words_for_each_precision():
    assert display.format_stated(OfficialStatement(stated_on=DECEMBER, stated_on_precision=MONTH)) == "December 2018"
    assert display.format_stated(OfficialStatement(stated_on=datetime.date(2018, 1, 1), stated_on_precision=YEAR)) == "2018"
    assert display.format_stated(OfficialStatement(stated_on=datetime.date(2018, 12, 19))) == "19 December 2018"
    assert display.stated_iso(OfficialStatement(stated_on=DECEMBER, stated_on_precision=MONTH)) == "2018-12"


def test_a_month_orders_before_the_days_it_contains(db):
    """The latest statement is the current position; a month-dated one counts as of the 1st of its month."""
    incident = factories.IncidentFactory()
    issuer = factories.ActorFactory()
    factories.StatementFactory(incident=incident, issuer=issuer, stated_on=datetime.date(2018, 12, 15), stance=choices.Stance.INVESTIGATING)
    factories.StatementFactory(incident=incident, issuer=issuer, stated_on=DECEMBER, stated_on_precision=MONTH,
                               stance=choices.Stance.DENIES)
    incident.refresh_from_db()
    assert incident.latest_stance == choices.Stance.INVESTIGATING


def test_incident_page_shows_the_month_without_an_invented_day(client, published):
    text = html.unescape(client.get(f"/incidents/{published.code}/").content.decode())
    assert "December 2018" in text
    assert '<time datetime="2018-12">December 2018</time>' in text
    assert "1 December 2018" not in text and "1 Dec 2018" not in text


def test_api_carries_the_precision(client, published):
    data = client.get(f"/api/v1/incidents/{published.code}/", HTTP_ACCEPT="application/json").json()
    assert [(s["stated_on"], s["stated_on_precision"]) for s in data["statements"]] == [("2018-12-01", "month")]
    assert [(f["stated_on"], f["stated_on_precision"]) for f in data["figures"]] == [("2018-12-01", "month")]


def test_claims_export_carries_the_precision(client, published):
    rows = csv_rows(body(client.get(reverse("export_claims"))))
    assert [(row["stated_on"], row["stated_on_precision"]) for row in rows] == [("2018-12-01", "month")]


def test_full_download_carries_the_precision(db, settings, tmp_path, published):
    settings.DOWNLOADS_DIR = tmp_path
    zip_path, _ = downloads.build_downloads(day=datetime.date(2026, 11, 24))
    statements = downloads.csv_of(zip_path, "statements.csv")
    assert [(row["stated_on"], row["stated_on_precision"]) for row in statements] == [("2018-12-01", "month")]
    assert [row["stated_on_precision"] for row in downloads.csv_of(zip_path, "claims.csv")] == ["month"]


def test_change_log_names_the_month(client, published):
    text = html.unescape(client.get(f"/incidents/{published.code}/").content.decode())
    changes = text[text.index('id="changes"'):]
    assert "December 2018: assessed credible" in changes


def test_admin_lists_show_the_month(editor_client, published):
    for name in ("officialstatement", "casualtyfigure"):
        response = editor_client.get(reverse(f"admin:incidents_{name}_changelist"))
        assert "December 2018" in response.content.decode()


def test_admin_saves_a_statement_known_to_the_month(editor_client):
    incident = factories.IncidentFactory(date_start=datetime.date(2018, 11, 2))
    issuer = factories.ActorFactory()
    response = editor_client.post(reverse("admin:incidents_officialstatement_add"), {
        "incident": incident.pk, "issuer": issuer.pk, "stated_on": "2018-12-19", "stated_on_precision": "month",
        "stance": "denies", "quote": "", "summary": "",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    statement = OfficialStatement.objects.get(incident=incident)
    assert (statement.stated_on, statement.stated_on_precision) == (DECEMBER, MONTH)


def test_hidden_world_stays_hidden_from_the_claims_export_with_its_new_column(client, db):
    world = build_world()
    text = body(client.get(reverse("export_claims")))
    assert "stated_on_precision" in text.splitlines()[0]
    for secret in hidden_strings(world):
        assert secret not in text


def test_methodology_page_explains_the_precision_of_stated_dates(client, db):
    page = html.unescape(client.get("/methodology/").content.decode())
    assert 'id="stated-precision"' in page
    assert "A month or year orders before the days it contains." in page

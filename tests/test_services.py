"""Writes go through services: every write path leaves the stored figures equal to the rule, in one recompute, with history."""

import datetime
import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from incidents import asof, choices, imports, merge, services, workflow
from incidents.demo import load_reference_article
from incidents.models import CasualtyFigure, Incident, IncidentReport, OfficialStatement
from incidents.ucdp import import_ged_file
from tests import factories
from tests.test_admin import add_rows, figure_row, form_data
from tests.test_ucdp_import import MOSUL, ged_row, write_ged

DERIVED = [field for field in services.DERIVED_FIELDS]


def stored(incident: Incident) -> dict:
    return dict(Incident.objects.filter(pk=incident.pk).values(*DERIVED).get())


def assert_current(*incidents: Incident) -> None:
    """The figures stored on each incident are what the rule derives from its rows now."""
    assert incidents, "no incident to check"
    for incident in incidents:
        assert stored(incident) == services.derive_figures(incident), incident.code


@pytest.fixture
def recomputes(monkeypatch):
    """How many times each incident was re-derived (by id), one by one or in a set."""
    counted = Counter()
    original = services.recompute_figures

    def counting(*, incident):
        counted[incident.pk] += 1
        return original(incident=incident)

    monkeypatch.setattr(services, "recompute_figures", counting)
    original_many = services.recompute_many

    def counting_many(incident_ids, **options):
        counted.update(set(incident_ids))
        return original_many(incident_ids, **options)

    monkeypatch.setattr(services, "recompute_many", counting_many)
    return counted


def conceded(incident, report, count=12):
    statement = services.save_statement(statement=OfficialStatement(
        incident=incident, issuer=factories.ActorFactory(), stated_on=datetime.date(2017, 4, 1),
        stance=choices.Stance.CREDIBLE, report=report,
    ))
    claim = services.save_claim(claim=CasualtyFigure(
        incident=incident, report=report, statement=statement, basis=choices.Basis.CONCEDED,
        count_min=count, count_max=count, attributed_to="the coalition",
    ))
    return statement, claim


# Each service.


def test_each_service_leaves_the_stored_figures_equal_to_the_rule(db):
    incident, other = factories.IncidentFactory(), factories.IncidentFactory()
    report, later = factories.ReportFactory(), factories.ReportFactory()

    claim = services.save_claim(claim=CasualtyFigure(incident=incident, report=report, count_min=83, count_max=137, qualifier="between"))
    assert_current(incident)
    assert stored(incident)["reported_killed_max"] == 137
    claim.count_max = 150
    services.save_claim(claim=claim)
    assert stored(incident)["reported_killed_max"] == 150
    statement, concession = conceded(incident, later)
    assert_current(incident)
    assert stored(incident)["conceded_killed_max"] == 12 and stored(incident)["latest_stance"] == choices.Stance.CREDIBLE

    services.exclude_claim(claim=claim, reason="Double-counted")
    assert_current(incident)
    assert stored(incident)["reported_killed_max"] is None

    services.delete_claim(claim=concession)
    services.delete_statement(statement=statement)
    assert_current(incident)
    assert stored(incident)["conceded_killed_max"] is None and stored(incident)["latest_stance"] == ""

    link = services.link_report(incident=incident, report=factories.ReportFactory(), note="Covers it")
    assert_current(incident)
    assert stored(incident)["sources_count"] == 3
    services.unlink_report(link=link)
    assert_current(incident)
    assert stored(incident)["sources_count"] == 2

    # A claim moved to another incident: both are re-derived.
    moved = services.save_claim(claim=CasualtyFigure(incident=incident, report=report, count_min=7, count_max=7))
    moved.incident = other
    services.save_claim(claim=moved)
    assert_current(incident, other)
    assert (stored(incident)["reported_killed_max"], stored(other)["reported_killed_max"]) == (None, 7)


def test_a_queryset_update_is_not_a_write_path(db):
    # Why the services exist: an .update() skips the rule, so no write path of the application uses one.
    incident = factories.IncidentFactory()
    claim = factories.FigureFactory(incident=incident, count_min=40, count_max=40)
    CasualtyFigure.objects.filter(pk=claim.pk).update(excluded=True, excluded_reason="wrong")
    assert stored(incident) != services.derive_figures(incident)

    services.exclude_claim(claim=CasualtyFigure.objects.get(pk=claim.pk), reason="wrong")
    assert_current(incident)


def test_excluding_a_claim_needs_a_reason_and_writes_nothing_without_one(db):
    claim = factories.FigureFactory(count_min=40, count_max=40)
    with pytest.raises(ValidationError):
        services.exclude_claim(claim=claim, reason="  ")
    claim.refresh_from_db()
    assert not claim.excluded and stored(claim.incident)["reported_killed_max"] == 40


def test_services_run_in_one_transaction_with_the_recompute(db):
    incident = factories.IncidentFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.FigureFactory(incident=incident, count_min=5, count_max=5)
        assert stored(incident)["reported_killed_max"] == 5
        raise RuntimeError("roll back")
    assert stored(incident)["reported_killed_max"] is None and not incident.figures.exists()


# The admin: one recompute per save, however many rows.


def test_incident_page_with_several_claim_rows_recomputes_once(editor_client, recomputes):
    article = factories.ReportFactory()
    incident = factories.IncidentFactory()
    recomputes.clear()
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    data = form_data(editor_client.get(url))
    add_rows(data, "figures", [
        figure_row("", "more_than", 101, report=article.pk),
        figure_row("", "exact", 137, 137, report=article.pk),
        figure_row("", "at_least", 83, report=article.pk),
        figure_row("", "exact", 4, 4, report=article.pk, age_group="child"),
    ])

    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert incident.figures.count() == 4
    assert recomputes == {incident.pk: 1}
    assert_current(incident)
    assert (stored(incident)["reported_killed_min"], stored(incident)["reported_killed_max"]) == (83, 137)


def test_report_page_recomputes_each_incident_it_touches_once(editor_client, recomputes):
    first, second = factories.IncidentFactory(), factories.IncidentFactory()
    report = factories.ReportFactory()
    recomputes.clear()
    url = reverse("admin:sources_report_change", args=[report.pk])
    data = form_data(editor_client.get(url))
    add_rows(data, "figures", [
        figure_row("", "exact", 10, 10, incident=first.pk),
        figure_row("", "exact", 12, 12, incident=first.pk, outcome="injured"),
        figure_row("", "exact", 30, 30, incident=second.pk),
    ])

    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert recomputes == {first.pk: 1, second.pk: 1}
    assert_current(first, second)
    assert stored(second)["reported_killed_max"] == 30 and stored(first)["sources_count"] == 1


def test_admin_deleting_a_claim_row_rederives_the_incident(editor_client):
    incident = factories.IncidentFactory()
    factories.FigureFactory(incident=incident, count_min=5, count_max=5)
    factories.FigureFactory(incident=incident, count_min=50, count_max=50)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    data = form_data(editor_client.get(url))
    row = next(index for index in range(2) if data[f"figures-{index}-count_min"] == "50")
    data[f"figures-{row}-DELETE"] = "on"

    assert editor_client.post(url, data).status_code == 302
    assert_current(incident)
    assert stored(incident)["reported_killed_max"] == 5


# The imports, the merge and the demo.


def test_file_import_leaves_the_stored_figures_equal_to_the_rule(db):
    content = (
        b"title,date_start,country,belligerents,source_url,reported_killed_min,reported_killed_max,conceded_killed_min,conceded_killed_max\n"
        b"Strike on a market,2017-03-17,IQ,Coalition (acknowledged),https://news.example.org/a,83,137,12,12\n"
        b"Strike on a bridge,2017-03-18,IQ,,https://news.example.org/b,5,,,\n"
    )

    report = imports.import_file(content, "incidents.csv", dry_run=False)

    assert report.ok and report.created == 2, report.errors
    incidents = list(Incident.objects.all())
    assert_current(*incidents)
    assert sorted(stored(i)["reported_killed_max"] for i in incidents) == [5, 137]


def test_ucdp_import_ends_with_the_recompute_of_every_incident_it_touched(tmp_path, db):
    existing = factories.IncidentFactory(status="published")
    factories.ExternalIdentifierFactory(incident=existing, identifier=MOSUL)

    result = import_ged_file(io.StringIO(write_ged(tmp_path, [ged_row(MOSUL), ged_row(217874)]).read_text()))

    assert result.created == 1 and result.merged == 1
    assert_current(*Incident.objects.all())
    assert stored(existing)["reported_killed_max"] is not None and stored(existing)["sources_count"] > 0


def test_ucdp_import_publishes_through_the_workflow_recorded_in_history(tmp_path, db):
    import_ged_file(io.StringIO(write_ged(tmp_path, [ged_row(217874)]).read_text()), publish=True)

    incident = Incident.objects.get()
    assert incident.status == choices.Status.PUBLISHED and incident.published_at is not None
    latest = incident.history.filter(status=choices.Status.PUBLISHED).order_by("history_date").first()
    assert latest.history_change_reason.startswith(f"{workflow.WORKFLOW_REASON}published by the system")
    assert incident.history.filter(status=choices.Status.DRAFT).exists()  # imported as a draft first
    assert_current(incident)


def test_merge_leaves_the_kept_record_equal_to_the_rule(db):
    reviewer = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-boss-123")
    keep, other = factories.IncidentFactory(), factories.IncidentFactory()
    factories.FigureFactory(incident=keep, count_min=10, count_max=10)
    factories.FigureFactory(incident=other, count_min=90, count_max=90)
    conceded(other, factories.ReportFactory())

    kept = merge.merge_incidents(keep=keep, merge=other, user=reviewer)

    assert not Incident.objects.filter(pk=other.pk).exists()
    assert_current(kept)
    assert (stored(kept)["reported_killed_min"], stored(kept)["reported_killed_max"], stored(kept)["conceded_killed_max"]) == (10, 90, 12)


def test_merging_a_published_record_retracts_it_through_the_workflow(db):
    reviewer = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-boss-123")
    keep, other = factories.IncidentFactory(status="published"), factories.IncidentFactory(status="published")
    factories.FigureFactory(incident=other, count_min=90, count_max=90)

    merge.merge_incidents(keep=keep, merge=other, user=reviewer, reason="same strike")

    other.refresh_from_db()
    assert other.status == choices.Status.RETRACTED and "merged into" in other.retraction_reason
    retraction = other.history.filter(status=choices.Status.RETRACTED).order_by("history_date", "history_id").first()
    assert retraction.history_user == reviewer and retraction.history_change_reason.startswith(merge.MERGE_REASON)
    assert_current(keep, other)


def test_demo_data_is_published_through_the_workflow_with_current_figures(db):
    load_reference_article()

    incidents = list(Incident.objects.all())
    assert len(incidents) == 3
    assert_current(*incidents)
    for incident in incidents:
        assert incident.status == choices.Status.PUBLISHED and incident.published_at is not None
        first = incident.history.filter(status=choices.Status.PUBLISHED).order_by("history_date", "history_id").first()
        assert first.history_change_reason.startswith(workflow.WORKFLOW_REASON)


# No lost history.


def test_a_report_linked_automatically_is_in_the_history_and_the_as_of_view(db):
    incident = factories.IncidentFactory(status="published")
    report = factories.ReportFactory(title="Cited only by a claim")
    factories.FigureFactory(incident=incident, report=report)

    link = incident.report_links.get()
    history = IncidentReport.history.filter(id=link.pk)
    assert history.count() == 1 and history.get().history_change_reason == services.AUTO_LINK_REASON
    snapshot = asof.snapshot(incident, datetime.date.today() + datetime.timedelta(days=1), history_fields=["history_id"])
    assert [item.report_id for item in snapshot.links] == [report.pk]


# Evidence is not destroyed by a cascade.


def test_admin_refuses_to_delete_a_statement_its_conceded_claims_point_to(editor_client):
    incident = factories.IncidentFactory()
    statement, claim = conceded(incident, factories.ReportFactory())
    url = reverse("admin:incidents_officialstatement_delete", args=[statement.pk])

    shown = editor_client.get(url)
    posted = editor_client.post(url, {"post": "yes"})

    for response in (shown, posted):
        assert response.status_code == 200
        assert "would require deleting the following protected related objects" in response.content.decode()
    assert OfficialStatement.objects.filter(pk=statement.pk).exists() and CasualtyFigure.objects.filter(pk=claim.pk).exists()


def test_admin_refuses_to_delete_a_draft_incident_that_holds_evidence(editor_client):
    incident = factories.IncidentFactory()
    factories.FigureFactory(incident=incident)
    url = reverse("admin:incidents_incident_delete", args=[incident.pk])

    response = editor_client.post(url, {"post": "yes"})

    assert response.status_code == 200
    assert "protected related objects" in response.content.decode()
    assert Incident.objects.filter(pk=incident.pk).exists() and incident.figures.count() == 1


def test_statement_row_deleted_under_its_conceded_claim_is_a_form_error(editor_client):
    incident = factories.IncidentFactory()
    statement, _ = conceded(incident, factories.ReportFactory())
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    data = form_data(editor_client.get(url))
    data["statements-0-DELETE"] = "on"

    response = editor_client.post(url, data)

    # Django's inline formsets check protected rows themselves: a form error, nothing written.
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert OfficialStatement.objects.filter(pk=statement.pk).exists()


def test_deleting_a_statement_in_code_keeps_its_claims(db):
    statement, claim = conceded(factories.IncidentFactory(), factories.ReportFactory())
    with pytest.raises(ProtectedError), transaction.atomic():
        services.delete_statement(statement=statement)
    assert CasualtyFigure.objects.filter(pk=claim.pk).exists()

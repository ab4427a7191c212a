"""The derivation rule on the reference case (methodology: how a range is derived)."""

import datetime

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from incidents import choices, services
from incidents.demo import load_reference_article
from incidents.models import AggregateClaim, CasualtyFigure, Incident, OfficialStatement
from tests import factories


@pytest.fixture
def mosul(db):
    load_reference_article()
    return Incident.objects.get(external_ids__identifier="238475")


def _coalition_concedes(mosul, low=105, high=141, on=datetime.date(2017, 5, 25)):
    statement = services.save_statement(statement=OfficialStatement(
        incident=mosul, issuer=mosul.belligerents.get(slug="cjtf-oir"), stated_on=on, stance=choices.Stance.CREDIBLE,
        report=factories.ReportFactory(), summary="Investigation concluded: civilians killed.",
    ))
    return services.save_claim(claim=CasualtyFigure(
        incident=mosul, report=statement.report, statement=statement, basis=choices.Basis.CONCEDED,
        attributed_to="the coalition", count_min=low, count_max=high, qualifier=choices.Qualifier.BETWEEN, stated_on=on,
    ))


def test_reference_incident_reads_83_to_137(mosul):
    assert (mosul.reported_killed_min, mosul.reported_killed_max) == (83, 137)
    assert mosul.conceded_killed_min is None and mosul.conceded_killed_max is None


def test_open_ended_more_than_100_counts_as_101(mosul):
    for claim in mosul.figures.exclude(count_min=101).filter(**choices.CIVILIANS):
        services.exclude_claim(claim=claim, reason="test")
    mosul.refresh_from_db()
    assert (mosul.reported_killed_min, mosul.reported_killed_max) == (101, 101)


def test_conceded_figure_sets_conceded_without_touching_reported(mosul):
    _coalition_concedes(mosul)
    mosul.refresh_from_db()
    assert (mosul.conceded_killed_min, mosul.conceded_killed_max) == (105, 141)
    assert (mosul.reported_killed_min, mosul.reported_killed_max) == (83, 137)
    assert mosul.latest_stance == choices.Stance.CREDIBLE


def test_latest_concession_wins_not_the_sum(mosul):
    _coalition_concedes(mosul, 105, 141, datetime.date(2017, 5, 25))
    _coalition_concedes(mosul, 20, 20, datetime.date(2017, 4, 1))
    mosul.refresh_from_db()
    assert (mosul.conceded_killed_min, mosul.conceded_killed_max) == (105, 141)


def test_excluding_a_claim_recomputes(mosul):
    services.exclude_claim(claim=mosul.figures.get(count_min=83), reason="Superseded by later counts.")
    mosul.refresh_from_db()
    assert (mosul.reported_killed_min, mosul.reported_killed_max) == (101, 137)


def test_deleting_a_claim_recomputes(mosul):
    services.delete_claim(claim=mosul.figures.get(count_min=137))
    mosul.refresh_from_db()
    assert (mosul.reported_killed_min, mosul.reported_killed_max) == (83, 101)


def test_recompute_is_in_the_same_transaction(mosul):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.delete_claim(claim=mosul.figures.get(count_min=137))
        assert Incident.objects.get(pk=mosul.pk).reported_killed_max == 101
        raise RuntimeError("roll back")
    mosul.refresh_from_db()
    assert mosul.reported_killed_max == 137 and mosul.figures.filter(count_min=137).exists()


def test_editing_a_claim_recomputes(mosul):
    figure = mosul.figures.get(count_min=137)
    figure.count_min = figure.count_max = 150
    services.save_claim(claim=figure)
    mosul.refresh_from_db()
    assert mosul.reported_killed_max == 150


def test_aggregate_claim_never_enters_incident_totals(mosul):
    assert AggregateClaim.objects.get().count_min == 1000
    assert all((i.reported_killed_max or 0) < 1000 for i in Incident.objects.all())


def test_unquantified_claims_are_kept_without_a_number(mosul):
    women = mosul.figures.get(**choices.WOMEN)
    assert (women.count_min, women.count_max, women.qualifier) == (None, None, choices.Qualifier.UNQUANTIFIED)
    assert mosul.women_killed_min is None and mosul.children_killed_max is None


def test_up_to_claim_counts_only_for_the_maximum(db):
    incident = factories.IncidentFactory()
    factories.FigureFactory(incident=incident, count_min=None, count_max=200, qualifier=choices.Qualifier.UP_TO)
    factories.FigureFactory(incident=incident, count_min=12, count_max=12)
    incident.refresh_from_db()
    assert (incident.reported_killed_min, incident.reported_killed_max) == (12, 200)


def test_injured_children_women_and_combatants(db):
    incident = factories.IncidentFactory()
    factories.FigureFactory(incident=incident, outcome=choices.Outcome.INJURED, count_min=5, count_max=9)
    factories.FigureFactory(incident=incident, **choices.CHILDREN, count_min=3, count_max=4)
    factories.FigureFactory(incident=incident, **choices.WOMEN, count_min=2, count_max=None)
    factories.FigureFactory(incident=incident, person_status=choices.ClaimStatus.COMBATANTS, count_min=50, count_max=50)
    factories.FigureFactory(incident=incident, basis=choices.Basis.ESTIMATE, report=None, count_min=70, count_max=70)
    incident.refresh_from_db()
    assert (incident.reported_injured_min, incident.reported_injured_max) == (5, 9)
    assert (incident.children_killed_min, incident.children_killed_max) == (3, 4)
    assert (incident.women_killed_min, incident.women_killed_max) == (2, 2)
    assert incident.reported_killed_min is None  # combatants and our own estimate are not reported civilian claims


def test_statement_and_report_links_counted(mosul):
    assert mosul.sources_count == 1
    _coalition_concedes(mosul)
    mosul.refresh_from_db()
    assert mosul.sources_count == 2


def test_a_draft_incident_with_evidence_cannot_be_deleted_with_it(db):
    incident = factories.IncidentFactory()
    factories.FigureFactory(incident=incident)
    factories.StatementFactory(incident=incident)
    factories.VictimFactory(incident=incident)
    with pytest.raises(ProtectedError), transaction.atomic():
        incident.delete()
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert CasualtyFigure.objects.count() == 1 and OfficialStatement.objects.count() == 1 and incident.victims.count() == 1


def test_a_draft_incident_is_deleted_once_its_evidence_is(db):
    incident = factories.IncidentFactory()
    services.delete_claim(claim=factories.FigureFactory(incident=incident))
    services.delete_statement(statement=factories.StatementFactory(incident=incident))
    incident.delete()
    assert not Incident.objects.exists() and not CasualtyFigure.objects.exists()


def test_a_new_claim_updates_the_incident_but_not_its_version(mosul):
    before_updated, before_version = mosul.updated_at, mosul.version
    _coalition_concedes(mosul)
    mosul.refresh_from_db()
    assert mosul.updated_at > before_updated
    assert mosul.version == before_version

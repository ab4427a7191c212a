"""A claim's qualifier and numbers agree: in the database, in the editors' forms, and after the repair migration."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from incidents import choices
from incidents.models import AggregateClaim, CasualtyFigure, Incident
from incidents.services import derive_figures
from tests import factories
from tests.test_admin import ARTICLE, add_rows, figure_row, form_data, incident_change_url

Q = choices.Qualifier

# (qualifier, min, max) the source's words cannot have.
CONTRADICTIONS = [
    (Q.EXACT, 12, None),       # shown as "12+" before
    (Q.EXACT, None, 12),
    (Q.EXACT, 12, 15),
    (Q.AT_LEAST, None, 30),    # shown as "up to 30" before
    (Q.AT_LEAST, 30, 40),
    (Q.MORE_THAN, None, 101),
    (Q.MORE_THAN, 101, 101),
    (Q.UP_TO, 200, None),
    (Q.UP_TO, 150, 200),
    (Q.ABOUT, 1000, None),
    (Q.ABOUT, None, None),
    (Q.BETWEEN, 80, None),
    (Q.BETWEEN, None, 100),
    (Q.UNQUANTIFIED, 5, None),
]
AGREEMENTS = [
    (Q.EXACT, 137, 137),
    (Q.AT_LEAST, 83, None),
    (Q.MORE_THAN, 101, None),
    (Q.UP_TO, None, 200),
    (Q.ABOUT, 1000, 1000),
    (Q.ABOUT, 900, 1100),
    (Q.BETWEEN, 80, 100),
    (Q.BETWEEN, 3, 3),  # UCDP's low and high may coincide
    (Q.UNQUANTIFIED, None, None),
]


@pytest.fixture
def article(db):
    return factories.ReportFactory(title="U.S. acknowledges strike in Mosul", text=ARTICLE)


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


@pytest.mark.parametrize("qualifier,low,high", CONTRADICTIONS)
def test_database_refuses_an_update_that_contradicts_the_qualifier(db, qualifier, low, high):
    figure = factories.FigureFactory(count_min=10, count_max=10)
    refused(lambda: CasualtyFigure.objects.filter(pk=figure.pk).update(qualifier=qualifier, count_min=low, count_max=high))


@pytest.mark.parametrize("qualifier,low,high", CONTRADICTIONS)
def test_database_refuses_a_created_claim_that_contradicts_the_qualifier(db, qualifier, low, high):
    incident, report = factories.IncidentFactory(), factories.ReportFactory()
    refused(lambda: CasualtyFigure.objects.create(incident=incident, report=report, qualifier=qualifier, count_min=low, count_max=high))
    refused(lambda: CasualtyFigure.objects.bulk_create(
        [CasualtyFigure(incident=incident, report=report, qualifier=qualifier, count_min=low, count_max=high)]))


@pytest.mark.parametrize("qualifier,low,high", CONTRADICTIONS)
def test_database_refuses_an_aggregate_claim_that_contradicts_the_qualifier(db, qualifier, low, high):
    claim = factories.AggregateClaimFactory()
    refused(lambda: AggregateClaim.objects.filter(pk=claim.pk).update(qualifier=qualifier, count_min=low, count_max=high))


@pytest.mark.parametrize("qualifier,low,high", AGREEMENTS)
def test_database_accepts_numbers_that_say_what_the_qualifier_says(db, qualifier, low, high):
    figure = factories.FigureFactory(qualifier=qualifier, count_min=low, count_max=high)
    factories.AggregateClaimFactory(qualifier=qualifier, count_min=low, count_max=high)
    assert CasualtyFigure.objects.filter(pk=figure.pk, qualifier=qualifier).exists()


@pytest.mark.parametrize("qualifier,low,high", CONTRADICTIONS)
def test_model_validation_says_what_to_enter(db, qualifier, low, high):
    figure = CasualtyFigure(incident=factories.IncidentFactory(), report=factories.ReportFactory(),
                            qualifier=qualifier, count_min=low, count_max=high)
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    messages = " ".join(message for field in ("count_min", "count_max") for message in error.value.message_dict.get(field, []))
    assert str(choices.QUALIFIER_HOW[qualifier]) in messages


def test_qualifier_for_numbers_agrees_with_the_constraints():
    for low, high in [(None, None), (5, 5), (5, 9), (5, None), (None, 9)]:
        bounds = choices.QUALIFIER_BOUNDS[choices.qualifier_for(low, high)]
        assert (low is not None, high is not None) == (bounds["min"], bounds["max"])


def test_admin_refuses_exactly_with_only_a_minimum_and_says_what_to_enter(editor_client, article):
    incident = factories.IncidentFactory()
    data = form_data(editor_client.get(incident_change_url(incident)))
    add_rows(data, "figures", [figure_row("a strike killed 137 civilians", "exact", 137, "", report=article.pk)])

    response = editor_client.post(incident_change_url(incident), data)

    assert response.status_code == 200
    assert "“exactly” needs the number as both minimum and maximum" in response.content.decode()
    assert not incident.figures.exists()


def test_admin_refuses_at_least_with_only_a_maximum(editor_client, article):
    incident = factories.IncidentFactory()
    data = form_data(editor_client.get(incident_change_url(incident)))
    add_rows(data, "figures", [figure_row("pulled 83 bodies", "at_least", "", 83, report=article.pk)])

    response = editor_client.post(incident_change_url(incident), data)

    assert response.status_code == 200
    assert "“at least” needs a minimum and no maximum" in response.content.decode()
    assert not incident.figures.exists()


# The repair migration (0018) on rows stored before the constraints.

MIGRATIONS = ("incidents", "0018_claim_numbers_repair")
REPAIRS = [
    ((Q.EXACT, 12, None), (Q.EXACT, 12, 12)),
    ((Q.EXACT, None, 12), (Q.EXACT, 12, 12)),
    ((Q.EXACT, 12, 15), (Q.BETWEEN, 12, 15)),
    ((Q.AT_LEAST, None, 30), (Q.AT_LEAST, 30, None)),
    ((Q.AT_LEAST, 30, 30), (Q.AT_LEAST, 30, None)),
    ((Q.AT_LEAST, 30, 40), (Q.BETWEEN, 30, 40)),
    ((Q.MORE_THAN, None, 30), (Q.MORE_THAN, 31, None)),
    ((Q.UP_TO, 200, None), (Q.UP_TO, None, 200)),
    ((Q.UP_TO, 150, 200), (Q.BETWEEN, 150, 200)),
    ((Q.ABOUT, 1000, None), (Q.ABOUT, 1000, 1000)),
    ((Q.BETWEEN, 80, None), (Q.AT_LEAST, 80, None)),
    ((Q.BETWEEN, None, 100), (Q.UP_TO, None, 100)),
    ((Q.EXACT, None, None), (Q.UNQUANTIFIED, None, None)),
    ((Q.EXACT, 7, 7), (Q.EXACT, 7, 7)),
]


@pytest.mark.django_db(transaction=True)
def test_repair_migration_keeps_every_row_and_makes_numbers_agree():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    before = ("incidents", "0017_conceding_actor_required")
    executor.migrate([before])
    try:
        old = MigrationExecutor(connection).loader.project_state([before]).apps
        incident = old.get_model("incidents", "Incident").objects.create(code="CT-REPAIR", title="Old rows", date_start="2017-03-17")
        source = old.get_model("sources", "Source").objects.create(name="Old outlet", slug="old-outlet")
        report = old.get_model("sources", "Report").objects.create(source_id=source.pk, title="An old report")
        old_figure = old.get_model("incidents", "CasualtyFigure")
        ids = [
            old_figure.objects.create(incident_id=incident.pk, report_id=report.pk, qualifier=q, count_min=low, count_max=high).pk
            for (q, low, high), _ in REPAIRS
        ]
        aggregate = old.get_model("incidents", "AggregateClaim").objects.create(
            report_id=report.pk, period_start="2017-03-01", period_end="2017-03-31", area="Iraq and Syria",
            qualifier="about", count_min=1000, count_max=None,
        ).pk
        MigrationExecutor(connection).migrate([MIGRATIONS])
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)

    rows = CasualtyFigure.objects.in_bulk(ids)
    assert len(rows) == len(REPAIRS)
    assert [(rows[pk].qualifier, rows[pk].count_min, rows[pk].count_max) for pk in ids] == [after for _, after in REPAIRS]
    assert AggregateClaim.objects.filter(pk=aggregate, count_min=1000, count_max=1000).exists()
    # Each correction is in the claim's history, with why.
    repaired = CasualtyFigure.history.filter(history_change_reason__startswith="Repaired")
    assert repaired.count() == len(REPAIRS) - 1
    # The stored figures are re-derived by the command the migration names.
    call_command("recompute_figures", "--code", "CT-REPAIR")
    stored = Incident.objects.get(code="CT-REPAIR")
    derived = derive_figures(stored)
    assert (stored.reported_killed_min, stored.reported_killed_max) == (derived["reported_killed_min"], derived["reported_killed_max"]) == (7, 1000)


def test_methodology_page_states_each_qualifier_rule(client, db):
    page = html.unescape(client.get("/methodology/").content.decode())
    assert 'id="qualifiers"' in page and 'href="#qualifiers"' in page
    for qualifier in choices.Qualifier:
        assert f"<code>{qualifier.value}</code>" in page and str(choices.QUALIFIER_HOW[qualifier]) in page

"""The set-based recompute (`services.recompute_many`) stores exactly what the per-incident rule derives."""

import datetime
import random

import pytest

from incidents import choices, positions, services
from incidents.models import CasualtyFigure, Incident, IncidentReport, OfficialStatement, Position
from tests import factories

pytestmark = pytest.mark.django_db

RANGES = [
    (None, None), (12, None), (101, None), (137, 137), (83, 137), (None, 200), (5, 5), (0, 0), (30, 41),
]


def varied_world(seed: int = 7, size: int = 24) -> list[Incident]:
    """Incidents with every kind of claim the rule treats apart, written behind the rule's back (bulk_create)."""
    rng = random.Random(seed)
    actors = [factories.ActorFactory() for _ in range(3)]
    reports = [factories.ReportFactory(published_on=datetime.date(2017, 3, day)) for day in (18, 20, 25)]
    incidents = [factories.IncidentFactory(status=rng.choice(["published", "draft"])) for _ in range(size)]
    rows, statements = [], []
    for incident in incidents:
        for _ in range(rng.randint(0, 6)):
            low, high = rng.choice(RANGES)
            basis = rng.choice([choices.Basis.REPORTED, choices.Basis.REPORTED, choices.Basis.CONCEDED, choices.Basis.ESTIMATE])
            rows.append(CasualtyFigure(
                incident=incident, report=rng.choice(reports), basis=basis, count_min=low, count_max=high,
                qualifier=choices.qualifier_for(low, high),
                outcome=rng.choice([choices.Outcome.KILLED, choices.Outcome.INJURED]),
                **rng.choice([choices.CIVILIANS, choices.CIVILIANS, choices.CHILDREN, choices.WOMEN]),
                conceded_by=rng.choice(actors) if basis == choices.Basis.CONCEDED else None,
                stated_on=rng.choice([None, datetime.date(2017, 3, 20), datetime.date(2017, 4, 2)]),
                excluded=rng.random() < 0.15, excluded_reason="not credible",
            ))
        for _ in range(rng.randint(0, 3)):
            statements.append(OfficialStatement(
                incident=incident, issuer=rng.choice(actors), stance=rng.choice(list(choices.Stance)),
                stated_on=rng.choice([datetime.date(2017, 3, 25), datetime.date(2017, 5, 1)]), report=rng.choice(reports),
            ))
    CasualtyFigure.objects.bulk_create(rows)
    OfficialStatement.objects.bulk_create(statements)
    return incidents


def stored(incident: Incident) -> dict:
    return {field: getattr(incident, field) for field in services.DERIVED_FIELDS}


def stored_positions(incident: Incident) -> list[tuple]:
    return sorted(tuple(getattr(row, f) for f in ["actor_id", *positions.STORED_FIELDS])
                  for row in Position.objects.filter(incident=incident))


def derived_positions(incident: Incident) -> list[tuple]:
    return sorted(tuple(getattr(row, f) for f in ["actor_id", *positions.STORED_FIELDS])
                  for row in positions.derive_positions(incident))


def test_recompute_many_stores_what_the_per_incident_rule_derives():
    incidents = varied_world()
    Position.objects.create(incident=incidents[0], actor=factories.ActorFactory(), stance=choices.Stance.DENIES)  # stale

    changed = services.recompute_many([incident.pk for incident in incidents], chunk=7)

    assert changed > 0
    for incident in Incident.objects.filter(pk__in=[i.pk for i in incidents]):
        assert stored(incident) == services.derive_figures(incident), incident.code
        assert stored_positions(incident) == derived_positions(incident), incident.code
        cited = set(incident.figures.exclude(report=None).values_list("report_id", flat=True))
        assert cited <= set(IncidentReport.objects.filter(incident=incident).values_list("report_id", flat=True))
    # The per-incident service then finds nothing to change: both paths store the same thing.
    again = {incident.pk: stored(incident) for incident in Incident.objects.filter(pk__in=[i.pk for i in incidents])}
    for incident in incidents:
        assert stored(services.recompute_figures(incident=incident)) == again[incident.pk]
    assert services.recompute_many([incident.pk for incident in incidents]) == 0


def test_recompute_many_writes_history_and_keeps_the_version():
    incident = factories.IncidentFactory(status="published")
    CasualtyFigure.objects.bulk_create([CasualtyFigure(incident=incident, report=factories.ReportFactory(), count_min=12,
                                                       qualifier=choices.Qualifier.AT_LEAST)])
    version, rows = incident.version, incident.history.count()

    services.recompute_many([incident.pk])

    incident.refresh_from_db()
    assert (incident.reported_killed_min, incident.reported_killed_max, incident.reported_killed_open) == (12, 12, True)
    assert incident.version == version and incident.history.count() == rows + 1
    assert incident.history.first().reported_killed_open  # the as-of view reads derived figures from history


def test_recompute_many_takes_a_few_queries_per_chunk_whatever_the_number_of_incidents(django_assert_max_num_queries):
    incidents = varied_world(seed=3, size=40)
    with django_assert_max_num_queries(30):
        services.recompute_many([incident.pk for incident in incidents])


def test_the_command_recomputes_through_the_set_based_path():
    from django.core.management import call_command

    incidents = varied_world(seed=11, size=6)
    call_command("recompute_figures")
    for incident in Incident.objects.filter(pk__in=[i.pk for i in incidents]):
        assert stored(incident) == services.derive_figures(incident)

"""The migration that names the conceding actor of existing conceded claims: no row lost, the rule applied, the rest listed."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("incidents", "0015_conceding_actor_and_positions")]
AFTER = [("incidents", "0017_conceding_actor_required")]


@pytest.mark.django_db(transaction=True)
def test_existing_concessions_get_their_actor_or_are_listed():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Actor, Incident = apps.get_model("incidents", "Actor"), apps.get_model("incidents", "Incident")
    Role, Figure = apps.get_model("incidents", "BelligerentRoleLink"), apps.get_model("incidents", "CasualtyFigure")
    Statement = apps.get_model("incidents", "OfficialStatement")
    Source, Report = apps.get_model("sources", "Source"), apps.get_model("sources", "Report")
    source = Source.objects.create(name="Outlet", slug="outlet")
    report = Report.objects.create(source=source, url="https://example.org/a", url_normalised="https://example.org/a", title="A")
    us, iraq, isis = (Actor.objects.create(name=name, slug=name.lower()) for name in ("US", "Iraq", "ISIS"))
    day = datetime.date(2017, 3, 17)

    def incident(code, *roles):
        made = Incident.objects.create(code=code, title=code, date_start=day, status="published")
        for actor, role in roles:
            Role.objects.create(incident=made, actor=actor, role=role)
        return made

    def conceded(on, **extra):
        return Figure.objects.create(incident=on, report=report, basis="conceded", count_min=3, count_max=3, **extra)

    with_statement = incident("CT-1", (us, "alleged"), (iraq, "acknowledged"))
    statement = Statement.objects.create(incident=with_statement, issuer=us, stated_on=day, stance="credible")
    by_statement = conceded(with_statement, statement=statement)
    by_acknowledged = conceded(incident("CT-2", (us, "alleged"), (iraq, "acknowledged")))
    by_only = conceded(incident("CT-3", (isis, "alleged")))
    unknown = conceded(incident("CT-4", (us, "alleged"), (isis, "alleged")))
    reported = Figure.objects.create(incident=with_statement, report=report, basis="reported", count_min=9, count_max=9)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Figure, Position = apps.get_model("incidents", "CasualtyFigure"), apps.get_model("incidents", "Position")
    after = {row.pk: row for row in Figure.objects.all()}
    assert len(after) == 5  # nothing lost
    assert after[by_statement.pk].conceded_by_id == us.pk  # the statement's issuer, not the acknowledged belligerent
    assert after[by_acknowledged.pk].conceded_by_id == iraq.pk
    assert after[by_only.pk].conceded_by_id == isis.pk
    assert (after[unknown.pk].conceded_by_id, after[unknown.pk].conceded_by_unknown) == (None, True)
    assert (after[reported.pk].conceded_by_id, after[reported.pk].conceded_by_unknown) == (None, False)
    assert (after[unknown.pk].count_min, after[unknown.pk].count_max) == (3, 3)
    positions = {(p.incident_id, p.actor_id): (p.stance, p.conceded_killed_min) for p in Position.objects.all()}
    assert positions == {
        (with_statement.pk, us.pk): ("credible", 3),
        (by_acknowledged.incident_id, iraq.pk): ("", 3),
        (by_only.incident_id, isis.pk): ("", 3),
    }
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

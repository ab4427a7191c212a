"""The data migration gives existing incidents their open tops, no-number flags and related groups, losing nothing."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("incidents", "0022_incident_open_tops_related_group")]
AFTER = [("incidents", "0023_derive_open_tops_related_groups")]


@pytest.mark.django_db(transaction=True)
def test_existing_rows_get_their_flags_and_groups():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Incident, Figure = apps.get_model("incidents", "Incident"), apps.get_model("incidents", "CasualtyFigure")
    source = apps.get_model("sources", "Source").objects.create(name="Outlet", slug="outlet-901")
    report = apps.get_model("sources", "Report").objects.create(source=source, title="Report", url="https://example.org/901")

    day = datetime.date(2017, 3, 17)
    open_one = Incident.objects.create(id=901, code="CT-000901", title="Open", date_start=day, reported_killed_min=12, reported_killed_max=12)
    mosul = Incident.objects.create(id=902, code="CT-000902", title="Mosul", date_start=day, reported_killed_min=83, reported_killed_max=137)
    vague = Incident.objects.create(id=903, code="CT-000903", title="Vague", date_start=day, reported_killed_min=1, reported_killed_max=1,
                                    conceded_killed_min=3, conceded_killed_max=3)
    Figure.objects.create(report=report, incident=open_one, count_min=12, count_max=None, qualifier="at_least")
    for low, high, qualifier in ((101, None, "more_than"), (137, 137, "exact"), (83, None, "at_least")):
        Figure.objects.create(report=report, incident=mosul, count_min=low, count_max=high, qualifier=qualifier)
    Figure.objects.create(report=report, incident=vague, count_min=1, count_max=1, qualifier="exact")
    Figure.objects.create(report=report, incident=vague, count_min=None, count_max=None, qualifier="unquantified")
    actor = apps.get_model("incidents", "Actor").objects.create(name="Force 903", slug="force-903")
    Figure.objects.create(report=report, incident=vague, basis="conceded", conceded_by=actor, count_min=3, count_max=None,
                          qualifier="at_least")
    open_one.related.add(mosul)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    Incident = executor.loader.project_state(AFTER).apps.get_model("incidents", "Incident")
    rows = {row["id"]: row for row in Incident.objects.filter(id__in=[901, 902, 903]).values()}
    assert (rows[901]["reported_killed_open"], rows[901]["reported_killed_max"]) == (True, 12)
    assert (rows[902]["reported_killed_open"], rows[902]["reported_killed_min"], rows[902]["reported_killed_max"]) == (False, 83, 137)
    assert rows[903]["reported_killed_unquantified"] and not rows[903]["reported_killed_open"] and rows[903]["conceded_killed_open"]
    assert rows[901]["related_group"] == rows[902]["related_group"] == 901 and rows[903]["related_group"] is None
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

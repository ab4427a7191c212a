"""The single "group" of every claim becomes the SDG 16.1.2 categories it meant, and no claim is lost (SQLite and
PostgreSQL): counts before and after equal, group by group, for claims, aggregate claims and their past versions."""

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.test_migration_aggregate_scope import migrate

BEFORE = [("incidents", "0043_redact_place_names"), ("sources", "0006_hostile_web_addresses")]
AFTER = [("incidents", "0044_sdg_categories"), ("sources", "0006_hostile_web_addresses")]

# What each group meant, as (status, sex, age): the rule the methodology page's version 3 states.
MEANT = {
    "civilians": ("civilian", "unknown", "unknown"),
    "children": ("civilian", "unknown", "child"),
    "women": ("civilian", "female", "adult"),
    "men": ("civilian", "male", "adult"),
    "combatants": ("combatants", "unknown", "unknown"),
    "undetermined": ("unknown", "unknown", "unknown"),
    "all_deaths": ("any", "unknown", "unknown"),
}
# How many claims of each group the old database holds (different numbers, so a group merged into another shows).
HOW_MANY = {"civilians": 5, "children": 3, "women": 2, "men": 1, "combatants": 4, "undetermined": 2, "all_deaths": 6}


@pytest.mark.django_db(transaction=True)
def test_every_claim_keeps_whom_it_counted_and_the_headline_keeps_its_meaning():
    old = migrate(BEFORE)
    try:
        Source, Report = old.get_model("sources", "Source"), old.get_model("sources", "Report")
        Incident = old.get_model("incidents", "Incident")
        CasualtyFigure, AggregateClaim = old.get_model("incidents", "CasualtyFigure"), old.get_model("incidents", "AggregateClaim")
        History = old.get_model("incidents", "HistoricalCasualtyFigure")
        source = Source.objects.create(name="Monitor", slug="monitor")
        report = Report.objects.create(source=source, title="r", url="https://m.example/1", url_normalised="https://m.example/1")
        incident = Incident.objects.create(code="CT-000001", title="t", date_start=datetime.date(2017, 3, 17))
        n = 0
        for group, count in HOW_MANY.items():
            for _ in range(count):
                n += 1
                claim = CasualtyFigure.objects.create(incident=incident, report=report, group=group, qualifier="exact",
                                                      count_min=n, count_max=n)
                History.objects.create(id=claim.pk, incident_id=incident.pk, report_id=report.pk, group=group, qualifier="exact",
                                       count_min=n, count_max=n, history_date=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                                       history_type="+", created_at=claim.created_at, updated_at=claim.updated_at)
            AggregateClaim.objects.create(report=report, group=group, qualifier="exact", count_min=count, count_max=count,
                                          period_start=datetime.date(2017, 3, 1), period_end=datetime.date(2017, 3, 31), area="Mosul")
        before = Counter(CasualtyFigure.objects.values_list("group", flat=True))
        civilian_numbers = sorted(CasualtyFigure.objects.filter(group="civilians").values_list("count_min", flat=True))

        new = migrate(AFTER)
        CasualtyFigure, AggregateClaim = new.get_model("incidents", "CasualtyFigure"), new.get_model("incidents", "AggregateClaim")
        History = new.get_model("incidents", "HistoricalCasualtyFigure")
        assert before == Counter(HOW_MANY)
        whom = ("person_status", "sex", "age_group")
        for model in (CasualtyFigure, History):
            after = Counter(model.objects.values_list(*whom))
            assert after == Counter({MEANT[group]: count for group, count in HOW_MANY.items()})
            assert model.objects.count() == sum(HOW_MANY.values())
            assert set(model.objects.values_list("profession", "cause")) == {("", "unknown")}
        assert Counter(AggregateClaim.objects.values_list(*whom, "count_min")) == Counter(
            {(*MEANT[group], count): 1 for group, count in HOW_MANY.items()})
        # The headline's claims are the same claims: all civilians, not broken down.
        from incidents import choices
        assert sorted(CasualtyFigure.objects.filter(**choices.CIVILIANS).values_list("count_min", flat=True)) == civilian_numbers
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

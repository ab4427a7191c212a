"""The data migration of aggregate claims and UCDP claims keeps every row and its meaning (SQLite and PostgreSQL)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("incidents", "0010_aggregate_claim_scope")]
AFTER = [("incidents", "0012_aggregate_claim_conflicts")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_aggregate_conflict_and_ucdp_best_estimates_survive_the_migration():
    old = migrate(BEFORE)
    Source, Report = old.get_model("sources", "Source"), old.get_model("sources", "Report")
    Conflict, Incident = old.get_model("incidents", "Conflict"), old.get_model("incidents", "Incident")
    AggregateClaim, CasualtyFigure = old.get_model("incidents", "AggregateClaim"), old.get_model("incidents", "CasualtyFigure")
    ucdp = Source.objects.create(name="Uppsala Conflict Data Program (UCDP)", slug="ucdp")
    record = Report.objects.create(source=ucdp, title="UCDP GED 19.1 event 145155", url="https://ucdp.uu.se/event/145155",
                                   url_normalised="https://ucdp.uu.se/event/145155")
    conflict = Conflict.objects.create(name="Iraq: Government", slug="iraq-government")
    claim = AggregateClaim.objects.create(
        report=record, conflict=conflict, period_start=datetime.date(2017, 3, 1), period_end=datetime.date(2017, 3, 31),
        area="Iraq and Syria", countries="iq, SY", count_min=1000, count_max=1000,
    )
    incident = Incident.objects.create(code="CT-000001", title="t", date_start=datetime.date(2005, 1, 1))
    swapped = CasualtyFigure.objects.create(
        incident=incident, report=record, group="undetermined", qualifier="between", count_min=21, count_max=22,
        notes="UCDP GED 19.1 low and high estimates of all deaths; best estimate 22. UCDP gives low 22 above high 21; "
              "the bounds were swapped on import so that min ≤ max.",
    )
    civilians = CasualtyFigure.objects.create(
        incident=incident, report=record, group="civilians", qualifier="about", count_min=5, count_max=5,
        notes="UCDP GED 19.1 best estimate of civilian deaths (deaths_civilians).",
    )
    editors = CasualtyFigure.objects.create(incident=incident, report=record, group="undetermined", qualifier="about",
                                            count_min=7, count_max=7, notes="an editor's own claim")

    new = migrate(AFTER)
    try:
        AggregateClaim, CasualtyFigure = new.get_model("incidents", "AggregateClaim"), new.get_model("incidents", "CasualtyFigure")
        claim = AggregateClaim.objects.get(pk=claim.pk)
        assert list(claim.conflicts.values_list("slug", flat=True)) == ["iraq-government"]
        assert (claim.period_precision, claim.countries, claim.measure) == ("month", "IQ,SY", "casualties")
        swapped = CasualtyFigure.objects.get(pk=swapped.pk)
        assert (swapped.group, swapped.count_min, swapped.count_max, swapped.count_best) == ("all_deaths", 21, 22, 22)
        assert swapped.caveat == "UCDP gives low 22 above high 21; the bounds were swapped on import."
        assert CasualtyFigure.objects.get(pk=civilians.pk).count_best == 5
        assert CasualtyFigure.objects.get(pk=editors.pk).group == "undetermined"  # not UCDP's: untouched
        assert CasualtyFigure.objects.count() == 3
    finally:
        # Back to the latest schema (other migrations may follow these ones) for the tests that come after.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

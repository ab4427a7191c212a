"""Invariants are enforced by the database itself, not only by forms."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from incidents import choices
from incidents.models import (
    AggregateClaim,
    CasualtyFigure,
    ExternalIdentifier,
    Incident,
)
from sources.models import Report
from tests import factories


def rejected(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_negative_count_rejected(db):
    figure = factories.FigureFactory()
    rejected(lambda: CasualtyFigure.objects.filter(pk=figure.pk).update(count_min=-1))


def test_min_above_max_rejected(db):
    figure = factories.FigureFactory()
    rejected(lambda: CasualtyFigure.objects.filter(pk=figure.pk).update(count_min=20, count_max=10))


def test_aggregate_min_above_max_rejected(db):
    claim = factories.AggregateClaimFactory()
    rejected(lambda: AggregateClaim.objects.filter(pk=claim.pk).update(count_min=2000, count_max=1000))


def test_aggregate_period_ordered(db):
    claim = factories.AggregateClaimFactory()
    rejected(lambda: AggregateClaim.objects.filter(pk=claim.pk).update(period_end=datetime.date(2017, 2, 1)))


def test_excluded_claim_needs_reason(db):
    figure = factories.FigureFactory()
    rejected(lambda: CasualtyFigure.objects.filter(pk=figure.pk).update(excluded=True, excluded_reason=""))


def test_unquantified_claim_has_no_number(db):
    figure = factories.FigureFactory()
    rejected(lambda: CasualtyFigure.objects.filter(pk=figure.pk).update(qualifier=choices.Qualifier.UNQUANTIFIED))


def test_reported_figure_needs_report(db):
    figure = factories.FigureFactory()
    rejected(lambda: CasualtyFigure.objects.filter(pk=figure.pk).update(report=None))


def test_end_before_start_rejected(db):
    incident = factories.IncidentFactory()
    rejected(lambda: Incident.objects.filter(pk=incident.pk).update(date_end=datetime.date(2017, 3, 1)))


@pytest.mark.parametrize("field,value", [("latitude", 91), ("latitude", -90.5), ("longitude", 181), ("longitude", -180.1)])
def test_coordinates_in_range(db, field, value):
    incident = factories.IncidentFactory()
    rejected(lambda: Incident.objects.filter(pk=incident.pk).update(**{field: value}))


def test_coordinates_come_in_pairs(db):
    incident = factories.IncidentFactory()
    rejected(lambda: Incident.objects.filter(pk=incident.pk).update(longitude=None))


def test_retraction_needs_reason(db):
    incident = factories.IncidentFactory()
    rejected(lambda: Incident.objects.filter(pk=incident.pk).update(status=choices.Status.RETRACTED))


def test_derived_range_ordered(db):
    incident = factories.IncidentFactory()
    rejected(lambda: Incident.objects.filter(pk=incident.pk).update(reported_killed_min=9, reported_killed_max=3))


def test_codes_unique(db):
    first = factories.IncidentFactory()
    rejected(lambda: Incident.objects.filter(pk=factories.IncidentFactory().pk).update(code=first.code))


def test_external_ids_unique(db):
    factories.ExternalIdentifierFactory(dataset=choices.Dataset.UCDP_GED, identifier="238475")
    rejected(lambda: ExternalIdentifier.objects.create(
        incident=factories.IncidentFactory(), dataset=choices.Dataset.UCDP_GED, identifier="238475"))
    # the same id in another dataset is another record
    ExternalIdentifier.objects.create(incident=factories.IncidentFactory(), dataset=choices.Dataset.AIRWARS, identifier="238475")


def test_report_urls_unique_after_normalisation(db):
    factories.ReportFactory(url="https://www.example.org/news/strike/?utm_source=x")
    rejected(lambda: factories.ReportFactory(url="http://EXAMPLE.org/news/strike"))


def test_reports_without_url_may_coexist(db):
    factories.ReportFactory(url="")
    factories.ReportFactory(url="")
    assert Report.objects.filter(url_normalised="").count() == 2


def test_victim_age_range(db):
    victim = factories.VictimFactory()
    from incidents.models import Victim

    rejected(lambda: Victim.objects.filter(pk=victim.pk).update(age=400))


def test_belligerent_role_unique(db):
    role = factories.BelligerentRoleFactory()
    rejected(lambda: factories.BelligerentRoleFactory(incident=role.incident, actor=role.actor))


def test_constraints_exist_in_the_schema(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "incidents_casualtyfigure")
    assert {"figure_min_le_max", "figure_excluded_reason", "figure_report_required"} <= set(constraints)

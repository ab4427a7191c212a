"""A published incident with one redaction of each kind made after publication (issue 14): the values withdrawn are
markers no public view of the past may show. Shared by tests/test_redaction.py and the privacy walk."""

import datetime

from django.utils import timezone

from incidents import choices, services, workflow
from incidents.models import (
    BelligerentRoleLink,
    CasualtyFigure,
    Incident,
    IncidentReport,
    OfficialStatement,
    RedactableField,
    Redaction,
    Victim,
)
from sources.models import Report, Source
from tests import factories

PUBLISHED_ON = datetime.date(2017, 3, 26)
VICTIMS_ADDED_ON = datetime.date(2017, 3, 28)  # a day of its own in the change log: "Victim added: …"
BEFORE = "2017-03-29"  # an as-of date after publication and the victims, before every redaction

EXACT_LAT, EXACT_LON = "36.123457", "43.987651"
MARKERS = {
    "location": [EXACT_LAT, EXACT_LON],
    "private victim": ["Privatemarker Haddad"],
    "renamed victim": ["Renamedmarker Saleh"],
    "excluded claim": ["Excludedmarker bodies", "7777"],
    "confidential source": ["Confmarker Outlet", "Confmarker report title"],
    "marked field": ["Titlemarker house", "Summarymarker street"],
}


def backdate(day, *models):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    for model in models:
        model.history.all().update(history_date=moment)


def build_redacted(reviewer) -> dict:
    """Published on 26 March 2017 with every value below public; each withdrawn today, one redaction of each kind."""
    source = factories.SourceFactory(name="Confmarker Outlet", slug="confmarker")
    report = factories.ReportFactory(source=source, title="Confmarker report title")
    incident = factories.IncidentFactory(
        status="in_review", title="Strike on the Titlemarker house", summary="Families on Summarymarker street.",
        latitude=EXACT_LAT, longitude=EXACT_LON, geo_precision=choices.GeoPrecision.EXACT)
    factories.FigureFactory(incident=incident, report=report, count_min=12, count_max=12, quote="12 killed")
    excluded = factories.FigureFactory(incident=incident, report=report, count_min=7777, count_max=7777,
                                       quote="pulled 7777 Excludedmarker bodies")
    workflow.transition_incident(incident=incident, name="publish", user=reviewer)
    backdate(PUBLISHED_ON, Incident, CasualtyFigure, IncidentReport, OfficialStatement, BelligerentRoleLink, Report, Source)
    private = factories.VictimFactory(incident=incident, name="Privatemarker Haddad", visibility=choices.Visibility.PUBLIC)
    renamed = factories.VictimFactory(incident=incident, name="Renamedmarker Saleh", visibility=choices.Visibility.PUBLIC)
    backdate(VICTIMS_ADDED_ON, Victim)

    # Today: every kind of redaction.
    incident.refresh_from_db()
    incident.public_geo_precision = choices.ProtectionLevel.TOWN
    incident.title, incident.summary = "Strike on a house", "Families in the town."
    incident.save()
    Redaction.objects.create(incident=incident, field=RedactableField.TITLE)
    Redaction.objects.create(incident=incident, field=RedactableField.SUMMARY)
    private.visibility = choices.Visibility.PRIVATE
    private.save()
    renamed.name, renamed.age_band = "", choices.AgeBand.CHILD
    renamed.save()
    services.exclude_claim(claim=excluded, reason="Double-counted")
    source.is_confidential, source.public_label = True, "local outlet"
    source.save()
    return {"incident": Incident.objects.get(pk=incident.pk), "claim": excluded, "victims": [private, renamed]}

"""“As of” views: a published incident as it stood at the end of a past day, read from the history.

`/incidents/<code>/?as_of=YYYY-MM-DD` shows the record (its fields, derived figures and grade), its claims,
official statements, linked reports and belligerent roles as they were at the end of that day (UTC, the
site's time zone), so a reader can reproduce a figure they cited. Each row is taken at its last history
entry before the end of the day; rows deleted or moved away by then are left out, and so are claims the
editors had excluded. Named victims and external identifiers are shown as they are now (public ones only).
A day on which the record was not published gives a message instead, with the current record.

What was withdrawn since to protect people stays withdrawn (`redaction`): the point coarsened as the record's
location is protected now, fields marked redacted read "redacted", claims excluded since are left out and the
figures re-derived without them.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext

from sources.models import Report

from . import choices, display, redaction, services
from .models import Actor, BelligerentRoleLink, CasualtyFigure, Incident, IncidentReport, OfficialStatement
from .querysets import published_versions

# The incident's fields `redaction.public_version` may change on a past version.
REDACTABLE = ["latitude", "longitude", "geo_precision", "public_geo_precision", "title", "title_ar", "summary", "summary_ar",
              "neighbourhood", "locality", "place_name_ar"]


class BadDate(ValueError):
    """The as_of parameter is not a date."""


@dataclass
class Snapshot:
    day: datetime.date
    moment: datetime.datetime
    incident: Incident
    figures: list
    statements: list
    links: list
    roles: list
    history: list[dict]
    protection: redaction.Protection


def parse_day(value: str) -> datetime.date:
    """`YYYY-MM-DD`, or BadDate."""
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError as error:
        raise BadDate(gettext("“%(value)s” is not a date: give it as YYYY-MM-DD, e.g. 2017-03-25.") % {"value": value}) from error


def in_words(day: datetime.date) -> str:
    return display.format_day(day)


def end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after the day, in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _rows_as_of(model, incident_id: int, moment: datetime.datetime) -> list:
    """The model's rows that belonged to the incident at `moment`, as model instances with their values then."""
    ids = set(model.history.filter(incident_id=incident_id, history_date__lt=moment).values_list("id", flat=True))
    latest: dict[int, object] = {}
    for row in model.history.filter(id__in=ids, history_date__lt=moment).order_by("history_date", "history_id"):
        latest[row.id] = row
    instances = []
    for row in latest.values():
        if row.history_type != "-" and row.incident_id == incident_id:
            instances.append(row.instance)
            instances[-1].history_id = row.history_id
    return instances


def _public_then(then: Incident, live: Incident, moment, protection: redaction.Protection, figures: list) -> Incident:
    """The past version as the public may see it now (`redaction.public_version`), its figures re-derived without the
    claims excluded since when it counted one."""
    values = redaction.public_version({"history_date": moment, **{name: getattr(then, name) for name in REDACTABLE}}, protection)
    if values["latitude"] == redaction.redacted_word():  # coordinates withdrawn: the point the public sees now
        values["latitude"], values["longitude"] = live.public_latitude, live.public_longitude
    for name in REDACTABLE:
        setattr(then, name, values[name])
    then.public_latitude, then.public_longitude, then.public_precision = then.latitude, then.longitude, then.geo_precision
    if values[redaction.RANGES_REDACTED]:
        counted = CasualtyFigure.history.filter(history_id__in=[figure.history_id for figure in figures])
        for name, value in services.derive_ranges(counted).items():
            setattr(then, name, value)
    return then


def first_published(incident: Incident) -> datetime.datetime | None:
    return published_versions(incident.history).order_by("history_date").values_list("history_date", flat=True).first()


def snapshot(incident: Incident, day: datetime.date, *, history_fields: list[str]) -> Snapshot | str:
    """The published record at the end of `day`, or a message saying why there is none."""
    moment = end_of(day)
    row = incident.history.filter(history_date__lt=moment).order_by("-history_date", "-history_id").first()
    if row is None or row.status != choices.Status.PUBLISHED:
        published = first_published(incident)
        if published is None or published >= moment:
            if published is None:
                return gettext("This record was first published later: there is no public version of it as of %(day)s. "
                               "The current record is shown.") % {"day": in_words(day)}
            return gettext("This record was first published on %(first)s: there is no public version of it as of %(day)s. "
                           "The current record is shown.") % {"first": in_words(timezone.localdate(published)), "day": in_words(day)}
        return gettext("This record was not published at the end of %(day)s. The current record is shown.") % {"day": in_words(day)}

    protection = redaction.protection_of(incident)
    figures = [f for f in _rows_as_of(CasualtyFigure, incident.pk, moment)
               if not f.excluded and redaction.is_public_claim(f.pk, protection)]
    then = _public_then(row.instance, incident, row.history_date, protection, figures)
    figures.sort(key=lambda f: (f.stated_on is None, f.stated_on or datetime.date.min, f.pk))
    statements = sorted(_rows_as_of(OfficialStatement, incident.pk, moment), key=lambda s: (s.stated_on, s.pk))
    links = _rows_as_of(IncidentReport, incident.pk, moment)
    roles = _rows_as_of(BelligerentRoleLink, incident.pk, moment)

    # The reports and actors named, read once (their current names; the rows are as they were).
    report_ids = {link.report_id for link in links} | {item.report_id for item in [*figures, *statements] if item.report_id}
    reports = Report.objects.select_related("source").in_bulk(report_ids)
    actors = Actor.objects.in_bulk({s.issuer_id for s in statements} | {r.actor_id for r in roles})
    links = [link for link in links if link.report_id in reports]
    for link in links:
        link.report = reports[link.report_id]
    links.sort(key=lambda link: (link.report.published_on is None, link.report.published_on or datetime.date.min, link.report_id))
    for statement in statements:
        statement.issuer = actors[statement.issuer_id]
    for role in roles:
        role.actor = actors[role.actor_id]
    roles.sort(key=lambda role: (role.role, role.actor.name))
    history = list(
        incident.history.filter(history_date__lt=moment).order_by("history_date", "history_id").values(*history_fields)
    )
    return Snapshot(day, moment, then, figures, statements, links, roles, history, protection)

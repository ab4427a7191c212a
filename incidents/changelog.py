"""The public change log of an incident, read from the history django-simple-history keeps.

Only what the public may see: the incident's public fields, and its claims,
official statements, reports, belligerents, external identifiers and named
victims as far as they are public. Never editors' notes, names or change
reasons, an excluded claim's content, a private victim, or a confidential
source's name. The log starts at first publication: what was done the day the
record was first published is part of its first published version.
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext

from sources.models import Report
from sources.public import PublicReport, public_report

from . import choices, display
from .models import (
    Actor,
    BelligerentRoleLink,
    CasualtyFigure,
    Conflict,
    ExternalIdentifier,
    Incident,
    IncidentReport,
    OfficialStatement,
    Victim,
)
from .models.victims import DESCRIBED_BY, describe_victim
from .redaction import RANGES_REDACTED, Protection, protection_of, public_version, redacted_word
from .timeline import describe_claim

RANGES = ["reported_killed", "conceded_killed", "reported_injured", "conceded_injured", "children_killed", "women_killed"]
DATE_FIELDS = ["date_start", "date_end", "date_precision"]
PLACE_FIELDS = ["neighbourhood", "locality", "admin2", "admin1", "country"]
# Shown one by one, by their verbose names; everything else on the incident (notes of others,
# editors, timestamps, the retraction reason shown on its own notice) stays out.
SINGLE_FIELDS = [
    "code", "title", "title_ar", "summary", "summary_ar", "place_name_ar", "geo_precision", "event_type", "event_type_inferred",
    "conflict", "grade", "latest_stance", "sources_count",
]
INCIDENT_FIELDS = [
    "history_date", "status", *DATE_FIELDS, *PLACE_FIELDS, "latitude", "longitude", "public_geo_precision",
    *[name if name != "conflict" else "conflict_id" for name in SINGLE_FIELDS],
    *[f"{prefix}_{end}" for prefix in RANGES for end in ("min", "max", "open")],
    *[f"{prefix}_unquantified" for prefix in display.REPORTED_PREFIXES],
]
FIGURE_FIELDS = [
    "id", "history_date", "history_type", "excluded", "attributed_to", "outcome", *choices.WHOM_FIELDS, "basis",
    "count_min", "count_max", "qualifier", "stated_on", "stated_on_precision", "quote", "report_id",
]
STATEMENT_FIELDS = [
    "id", "history_date", "history_type", "issuer_id", "stated_on", "stated_on_precision", "stance", "quote", "summary", "report_id",
]
# More than this many changes of one kind on one day read as a count.
MAX_LISTED = 5


@dataclass
class Day:
    day: datetime.date
    changes: list[str] = field(default_factory=list)


# How the log names a field or a range, in the active language (English: the field's name, capitalised).
FIELD_LABELS = {
    "code": gettext_lazy("Code"), "title": gettext_lazy("Title"), "summary": gettext_lazy("Summary"),
    "place_name_ar": gettext_lazy("Place name ar"), "geo_precision": gettext_lazy("Geo precision"),
    "event_type": gettext_lazy("Event type"), "event_type_inferred": gettext_lazy("Event type inferred"),
    "conflict": gettext_lazy("Conflict"), "grade": gettext_lazy("Grade"), "latest_stance": gettext_lazy("Latest stance"),
    "sources_count": gettext_lazy("Sources count"),
    "reported_killed": gettext_lazy("Reported killed"), "conceded_killed": gettext_lazy("Conceded killed"),
    "reported_injured": gettext_lazy("Reported injured"), "conceded_injured": gettext_lazy("Conceded injured"),
    "children_killed": gettext_lazy("Children killed"), "women_killed": gettext_lazy("Women killed"),
}


def _label(name: str) -> str:
    return str(FIELD_LABELS[name])


def _none() -> str:
    return pgettext("no value, in the change log", "none")


def _changed(label: str, old, new) -> str:
    """One field's change: "Grade: fair → confirmed"."""
    return gettext("%(field)s: %(old)s → %(new)s") % {"field": label, "old": old, "new": new}


def _choice(choice_class, value) -> str:
    return str(choice_class(value).label) if value else _none()


class _Row:
    """A history row (a dict of values) read like the model, for the display rules."""

    def __init__(self, values: dict):
        self.__dict__.update(values)

    def get_outcome_display(self):
        return _choice(choices.Outcome, self.outcome)

    @property
    def place(self):
        return display.place_words(self)


def incident_changes(before: dict, after: dict, conflicts: dict) -> list[str]:
    """What changed between two public states of the incident, in words."""
    changes = []
    if any(before[name] != after[name] for name in DATE_FIELDS):
        old, new = (display.format_date(s["date_start"], s["date_precision"], s["date_end"]) for s in (before, after))
        changes.append(_changed(gettext("Date"), old, new))
    if any(before[name] != after[name] for name in PLACE_FIELDS):
        old, new = (display.format_place(_Row(state)) for state in (before, after))
        changes.append(_changed(gettext("Place"), old, new))
    if before["latitude"] != after["latitude"] or before["longitude"] != after["longitude"]:
        old, new = (f"{s['latitude']}, {s['longitude']}" if s["latitude"] is not None else _none() for s in (before, after))
        changes.append(_changed(gettext("Coordinates"), old, new))
    for name in SINGLE_FIELDS:
        key = "conflict_id" if name == "conflict" else name
        old, new = before[key], after[key]
        if old == new or (name == "code" and not old):  # a new record gets its code just after its first save
            continue
        if name == "summary":
            changes.append(gettext("%(field)s revised") % {"field": _label(name)})
            continue
        words = {
            "conflict": lambda v: conflicts.get(v) or _none(),
            "grade": lambda v: _choice(choices.Grade, v),
            "geo_precision": lambda v: _choice(choices.GeoPrecision, v),
            "event_type": lambda v: _choice(choices.EventType, v),
            "latest_stance": lambda v: _choice(choices.Stance, v),
            "event_type_inferred": lambda v: gettext("yes") if v else gettext("no"),
        }.get(name, lambda v: v if v not in (None, "") else _none())
        changes.append(_changed(_label(name), words(old), words(new)))
    for prefix in RANGES:
        # Read as every surface reads a range: "101+" for an open top, "1+" beside a claim with no number; a range that
        # counted a claim excluded since reads "redacted" (`redaction.public_version`).
        old, new = display.format_figure(SimpleNamespace(**before), prefix), display.format_figure(SimpleNamespace(**after), prefix)
        if old != new:
            old, new = (redacted_word() if state.get(RANGES_REDACTED) else words for state, words in ((before, old), (after, new)))
            changes.append(_changed(_label(prefix), old, new))
    return changes


def _by_object(rows) -> dict[int, list[dict]]:
    objects: dict[int, list[dict]] = {}
    for row in rows:
        objects.setdefault(row["id"], []).append(row)
    return objects


def _figure_events(rows, public_ids: set[int]) -> list[tuple]:
    """(moment, kind, words) for claims: content only for claims the public may see now."""
    events = []
    public_keys = [name for name in FIGURE_FIELDS if name not in ("id", "history_date", "history_type", "excluded")]
    for figure_id, history in _by_object(rows).items():
        previous = None
        for row in history:
            shown_before = previous is not None and not previous["excluded"]
            words = describe_claim(_Row(row))
            if row["history_type"] == "-":
                if not row["excluded"]:
                    events.append((row["history_date"], "Claim removed", words))
            elif row["excluded"]:
                if shown_before:
                    events.append((row["history_date"], "Claim excluded by the editors", ""))
            elif figure_id in public_ids:
                if not shown_before:
                    events.append((row["history_date"], "Claim added", words))
                elif any(previous[key] != row[key] for key in public_keys):
                    events.append((row["history_date"], "Claim corrected", words))
            previous = row
    return events


def _statement_events(rows, actors: dict) -> list[tuple]:
    events = []
    for history in _by_object(rows).values():
        previous = None
        for row in history:
            words = gettext("%(issuer)s, %(day)s: %(stance)s") % {
                "issuer": actors.get(row["issuer_id"]) or gettext("unknown issuer"),
                "day": display.format_date(row["stated_on"], row["stated_on_precision"]),
                "stance": _choice(choices.Stance, row["stance"])}
            kind = {"+": "Official statement added", "-": "Official statement removed"}.get(row["history_type"])
            if kind is None and previous is not None and any(previous[k] != row[k] for k in STATEMENT_FIELDS[3:]):
                kind = "Official statement corrected"
            if kind:
                events.append((row["history_date"], kind, words))
            previous = row
    return events


def _report_words(report: PublicReport | None) -> str:
    if report is None:
        return gettext("a report")
    if report.confidential:
        words = gettext("a report from a %(source)s") % {"source": report.source}
    else:
        words = gettext("%(source)s, “%(title)s”") % {"source": report.source, "title": report.title}
    if report.published_on:
        return gettext("%(report)s, %(day)s") % {"report": words, "day": display.format_date(report.published_on, "day")}
    return words


def _link_events(rows, reports: dict) -> list[tuple]:
    kinds = {"+": "Report added", "-": "Report removed"}
    return [(row["history_date"], kinds[row["history_type"]], _report_words(reports.get(row["report_id"])))
            for row in rows if row["history_type"] in kinds]


def _role_events(rows, actors: dict) -> list[tuple]:
    events = []
    for history in _by_object(rows).values():
        previous = None
        for row in history:
            actor, role = actors.get(row["actor_id"]) or gettext("unknown"), _choice(choices.BelligerentRole, row["role"])
            if row["history_type"] == "+":
                events.append((row["history_date"], "Belligerent added", _actor_role(actor, role)))
            elif row["history_type"] == "-":
                events.append((row["history_date"], "Belligerent removed", actor))
            elif previous is not None and (previous["role"], previous["actor_id"]) != (row["role"], row["actor_id"]):
                events.append((row["history_date"], "Belligerent changed", _actor_role(actor, role)))
            previous = row
    return events


def _actor_role(actor: str, role: str) -> str:
    return gettext("%(actor)s (%(role)s)") % {"actor": actor, "role": role}


def _identifier_events(rows) -> list[tuple]:
    kinds = {"+": "External identifier added", "-": "External identifier removed"}
    return [(row["history_date"], kinds[row["history_type"]], f"{_choice(choices.Dataset, row['dataset'])} {row['identifier']}")
            for row in rows if row["history_type"] in kinds]


def _victim_events(rows, public_ids: set[int]) -> list[tuple]:
    """Only victims public now, described as they are now (their last history row: a name withdrawn or changed since is
    never read back); the moment each became public is when it was added to the public record."""
    events = []
    for victim_id, history in _by_object(rows).items():
        if victim_id not in public_ids:
            continue
        words = describe_victim(**{field: history[-1][field] for field in DESCRIBED_BY})
        shown = False
        for row in history:
            public = row["visibility"] == choices.Visibility.PUBLIC
            if public and not shown:
                events.append((row["history_date"], "Victim added", words))
            shown = public
    return events


# Each kind of change, by its key (the English words), as the active language says it.
KINDS = {
    "Claim added": gettext_lazy("Claim added"), "Claim corrected": gettext_lazy("Claim corrected"),
    "Claim removed": gettext_lazy("Claim removed"), "Claim excluded by the editors": gettext_lazy("Claim excluded by the editors"),
    "Official statement added": gettext_lazy("Official statement added"),
    "Official statement corrected": gettext_lazy("Official statement corrected"),
    "Official statement removed": gettext_lazy("Official statement removed"),
    "Report added": gettext_lazy("Report added"), "Report removed": gettext_lazy("Report removed"),
    "Belligerent added": gettext_lazy("Belligerent added"), "Belligerent removed": gettext_lazy("Belligerent removed"),
    "Belligerent changed": gettext_lazy("Belligerent changed"),
    "External identifier added": gettext_lazy("External identifier added"),
    "External identifier removed": gettext_lazy("External identifier removed"),
    "Victim added": gettext_lazy("Victim added"),
}
# Many changes of one kind on one day, as their number: "7 claims added".
PLURALS = {
    "Claim added": lambda n: ngettext("%(count)s claim added", "%(count)s claims added", n),
    "Claim corrected": lambda n: ngettext("%(count)s claim corrected", "%(count)s claims corrected", n),
    "Claim removed": lambda n: ngettext("%(count)s claim removed", "%(count)s claims removed", n),
    "Claim excluded by the editors": lambda n: ngettext(
        "%(count)s claim excluded by the editors", "%(count)s claims excluded by the editors", n),
    "Official statement added": lambda n: ngettext("%(count)s official statement added", "%(count)s official statements added", n),
    "Official statement corrected": lambda n: ngettext(
        "%(count)s official statement corrected", "%(count)s official statements corrected", n),
    "Official statement removed": lambda n: ngettext(
        "%(count)s official statement removed", "%(count)s official statements removed", n),
    "Report added": lambda n: ngettext("%(count)s report added", "%(count)s reports added", n),
    "Report removed": lambda n: ngettext("%(count)s report removed", "%(count)s reports removed", n),
    "Victim added": lambda n: ngettext("%(count)s victim added", "%(count)s victims added", n),
}


def _summarise(events: list[tuple[str, str]]) -> list[str]:
    """Each change in words; many changes of one kind on one day as their number."""
    counts: dict[str, int] = {}
    for kind, _words in events:
        counts[kind] = counts.get(kind, 0) + 1
    lines, counted = [], set()
    for kind, words in events:
        if counts[kind] > MAX_LISTED and kind in PLURALS:
            if kind not in counted:
                counted.add(kind)
                lines.append(PLURALS[kind](counts[kind]) % {"count": display.number(counts[kind])})
            continue
        said = str(KINDS.get(kind, kind))
        line = gettext("%(who)s: %(words)s") % {"who": said, "words": words} if words else said
        if line not in lines:
            lines.append(line)
    return lines


def build_changelog(incident_rows: list[dict], related: list[tuple], conflicts: dict) -> list[Day]:
    """The change log, newest day first, from the incident's history rows (oldest first) and related (moment, kind, words).

    Pure: the rows are read by `load_changelog`.
    """
    first = next((index for index, row in enumerate(incident_rows) if row["status"] == choices.Status.PUBLISHED), None)
    if first is None:
        return []
    published_at = incident_rows[first]["history_date"]
    first_day = timezone.localdate(published_at)
    last_of_day: dict[datetime.date, dict] = {}
    for row in incident_rows[first:]:
        last_of_day[timezone.localdate(row["history_date"])] = row
    related_by_day: dict[datetime.date, list] = {}
    for moment, kind, words in sorted(related, key=lambda event: event[0]):
        if moment >= published_at:
            related_by_day.setdefault(timezone.localdate(moment), []).append((kind, words))

    first_grade = last_of_day[first_day]["grade"]
    days = [Day(first_day, [gettext("First published, graded %(grade)s") % {"grade": _choice(choices.Grade, first_grade)}
                            if first_grade else gettext("First published")])]
    shown, status, pending = last_of_day[first_day], choices.Status.PUBLISHED, []
    for day in sorted({*last_of_day, *related_by_day} - {first_day}):
        if day < first_day:
            continue
        row = last_of_day.get(day)
        new_status = row["status"] if row else status
        pending += related_by_day.get(day, [])
        changes = []
        if new_status == choices.Status.PUBLISHED:
            if status != choices.Status.PUBLISHED:
                changes.append(gettext("Published again"))
            if row:
                changes += incident_changes(shown, row, conflicts)
                shown = row
            changes += _summarise(pending)
            pending = []
        elif status == choices.Status.PUBLISHED:
            changes.append(gettext("Retracted") if new_status == choices.Status.RETRACTED
                           else gettext("Withdrawn from publication for review"))
        status = new_status
        if changes:
            days.append(Day(day, changes))
    return list(reversed(days))


def load_changelog(incident: Incident, *, public_figure_ids: set[int], public_victim_ids: set[int],
                   incident_rows: list[dict] | None = None, protection: Protection | None = None) -> list[Day]:
    """Read the incident's history and its related records' history (a fixed number of queries) into the public log.

    Every version is read as the public may see it now (`redaction.public_version`, under the record's protection
    now: `protection`, read here unless given); claims excluded now never appear."""
    if incident_rows is None:
        incident_rows = history_rows(incident)
    if not any(row["status"] == choices.Status.PUBLISHED for row in incident_rows):
        return []

    def rows(model, fields):
        return list(model.history.filter(incident_id=incident.pk).order_by("history_date", "history_id").values(*fields))

    figures = rows(CasualtyFigure, FIGURE_FIELDS)
    if protection is None:
        protection = protection_of(incident, figures)
    incident_rows = [public_version(row, protection) for row in incident_rows]
    public_figure_ids = public_figure_ids - protection.excluded_claims
    statements = rows(OfficialStatement, STATEMENT_FIELDS)
    links = rows(IncidentReport, ["id", "history_date", "history_type", "report_id"])
    roles = rows(BelligerentRoleLink, ["id", "history_date", "history_type", "actor_id", "role"])
    identifiers = rows(ExternalIdentifier, ["id", "history_date", "history_type", "dataset", "identifier"])
    victims = rows(Victim, ["id", "history_date", "history_type", "visibility", *DESCRIBED_BY])

    actor_ids = {row["issuer_id"] for row in statements} | {row["actor_id"] for row in roles}
    actors = dict(Actor.objects.filter(id__in=actor_ids).values_list("id", "name")) if actor_ids else {}
    report_ids = {row["report_id"] for row in links}
    reports = {
        report.pk: public_report(report) for report in Report.objects.filter(id__in=report_ids).select_related("source").defer("text", "notes")
    } if report_ids else {}
    conflict_ids = {row["conflict_id"] for row in incident_rows if row["conflict_id"]}
    conflicts = dict(Conflict.objects.filter(id__in=conflict_ids).values_list("id", "name")) if conflict_ids else {}

    related = [
        *_figure_events(figures, public_figure_ids),
        *_statement_events(statements, actors),
        *_link_events(links, reports),
        *_role_events(roles, actors),
        *_identifier_events(identifiers),
        *_victim_events(victims, public_victim_ids),
    ]
    return build_changelog(incident_rows, related, conflicts)


def history_rows(incident: Incident) -> list[dict]:
    """The incident's history, oldest first, public fields only (the timeline reads status and grade from it)."""
    return list(incident.history.order_by("history_date", "history_id").values(*INCIDENT_FIELDS))

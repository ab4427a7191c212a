"""Redaction: what the public may see of a record's past.

A correction made to protect people must reach into history, or the change log and the as-of views would keep
showing what was withdrawn. The present decides: `protection_of` reads the record's protection NOW (its location
protection level, its explicit redaction marks, which of its claims are excluded now), and `public_version` turns
one historical version into what the public may see of it:

- location coarsened: the version's point snapped to today's grid (`protection.snap_value`), its precision no
  finer than today's protection;
- a field marked redacted (`Redaction`): its value in versions recorded before the mark reads "redacted";
- claim excluded: the claim is left out of every past view (`is_public_claim`), and the incident's ranges in
  versions from before its exclusion, which counted its number, read "redacted" (`RANGES_REDACTED`);
- victim made private or renamed: only victims public now appear, described as they are now (`changelog`);
- source made confidential: reports are named as their source is now (`changelog`, the as-of links).

Used by the change log (`changelog.load_changelog`) and the as-of views (`asof.snapshot`). The admin's history
(simple-history's views) keeps every exact value for reviewers.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext

from . import protection as location
from .models import CasualtyFigure, Redaction
from .models.redactions import RedactableField

# Marks a version whose derived ranges counted a claim excluded since.
RANGES_REDACTED = "_ranges_redacted"


@dataclass
class Protection:
    """A record's protection as it stands now."""

    level: str | None = None
    marks: dict[str, datetime.datetime] = field(default_factory=dict)
    excluded_claims: set[int] = field(default_factory=set)
    # Versions recorded before this moment counted a claim excluded since.
    ranges_counted_excluded_before: datetime.datetime | None = None


def redacted_word() -> str:
    return gettext("redacted")


def excluded_since(figure_rows) -> tuple[set[int], datetime.datetime | None]:
    """From a record's claim history (oldest first): the claims excluded now, and the last moment one of them, once
    counted, was recorded (its exclusion or later)."""
    last: dict[int, dict] = {}
    counted: set[int] = set()
    for row in figure_rows:
        last[row["id"]] = row
        if not row["excluded"] and row["history_type"] != "-":
            counted.add(row["id"])
    excluded = {pk for pk, row in last.items() if row["excluded"] and row["history_type"] != "-"}
    moments = [last[pk]["history_date"] for pk in excluded & counted]
    return excluded, max(moments, default=None)


def protection_of(incident, figure_rows=None) -> Protection:
    """The record's protection now (two queries; one when its claim history is given, oldest first)."""
    if figure_rows is None:
        figure_rows = CasualtyFigure.history.filter(incident_id=incident.pk).order_by("history_date", "history_id").values(
            "id", "excluded", "history_type", "history_date")
    excluded, before = excluded_since(figure_rows)
    marks: dict[str, datetime.datetime] = {}
    for name, moment in Redaction.objects.filter(incident_id=incident.pk).values_list("field", "marked_at"):
        marks[name] = max(moment, marks.get(name, moment))
    return Protection(level=incident.public_geo_precision, marks=marks, excluded_claims=excluded,
                      ranges_counted_excluded_before=before)


def public_version(row: dict, protection: Protection) -> dict:
    """THE rule for history: one version of the incident (a history row as values) as the public may see it now."""
    row = dict(row)
    moment = row.get("history_date")
    level = location.coarser(protection.level, row.get("public_geo_precision"))
    if level:
        row["latitude"] = location.snap_value(row.get("latitude"), level)
        row["longitude"] = location.snap_value(row.get("longitude"), level)
        if "geo_precision" in row:
            row["geo_precision"] = location.coarser(row["geo_precision"], level)
        row["public_geo_precision"] = level
        if level in location.NAMELESS_NEIGHBOURHOOD and "neighbourhood" in row:
            row["neighbourhood"] = ""
    for name, marked_at in protection.marks.items():
        if moment is not None and moment >= marked_at:
            continue
        targets = ["latitude", "longitude"] if name == RedactableField.COORDINATES else [name]
        for target in targets:
            if target in row:
                row[target] = redacted_word()
    before = protection.ranges_counted_excluded_before
    row[RANGES_REDACTED] = before is not None and moment is not None and moment <= before
    return row


def is_public_claim(claim_id: int, protection: Protection) -> bool:
    """A claim excluded now is left out of every view of the past."""
    return claim_id not in protection.excluded_claims

"""The index pages' rows: every public belligerent and conflict with its numbers, in a few grouped queries.

Each row counts what the belligerent's or conflict's own page counts (`incidents.accountability`), by the same rules:

- incidents: the published incidents that name the belligerent itself (alleged or acknowledged), or of the conflict;
  an incident naming a coalition and one of its member forces counts in both rows, as on both pages, so the rows do
  not add up to the site's total;
- reported killed: the sum of those incidents' derived reported ranges (`totals.killed_sums`), "at least" when one
  of them has an open top or a claim with no number;
- conceded killed: for a belligerent, what it conceded itself on each incident, else what a member force of it
  conceded (`accountability.concession_of`, the rule of its page); for a conflict, the incidents' derived conceded
  figures (the latest concession by anyone), as on its page.

Three queries for the belligerents (the actors, the reported sums by actor, the conceded sums by actor over the
incidents that have a concession at all), two for the conflicts, kept per data version (`cache.cached_aggregate`).
Sorting the rows is done on the cached list: there is one row per actor or conflict, not per incident.
"""

import math

from django.db.models import F, OuterRef

from .accountability import ACTOR_CONCEDED_SUMS, HAS_CONCEDED_KILLED, concession_of
from .cache import cached_aggregate
from .models import Actor, BelligerentRoleLink, Conflict, Incident, Position
from .querysets import on_published_incident
from .totals import killed_sums

EMPTY = {
    "incidents": 0, "reported_min": None, "reported_max": None, "with_reported": 0, "reported_open": 0,
    "conceded_min": None, "conceded_max": None, "with_conceded": 0, "conceded_open": 0, "related_incidents": 0,
}


def _honest(row: dict) -> dict:
    """A sum with an open member has no upper bound (it reads "at least" the sum of the minimums)."""
    for kind in ("reported", "conceded"):
        if row[f"{kind}_open"]:
            row[f"{kind}_max"] = None
    return row


def _reported_by(group: str) -> dict:
    """{group id: incidents and reported/conceded sums} over published incidents, grouped by `group` (one query)."""
    rows = Incident.objects.published().order_by().values(key=F(group)).annotate(**killed_sums())
    return {row.pop("key"): row for row in rows if row["key"] is not None}


def _conceded_by_belligerent() -> dict:
    """{actor id: what it conceded itself, else a member of it, summed over the published incidents naming it} (one query).

    Only incidents with a concession at all are read: elsewhere the rule gives nothing.
    """
    conceded = Position.objects.filter(HAS_CONCEDED_KILLED).values("incident_id")
    links = (
        BelligerentRoleLink.objects.filter(on_published_incident(), incident_id__in=conceded)
        .annotate(**concession_of(OuterRef("actor"), OuterRef("incident")))
        .order_by().values("actor").annotate(**ACTOR_CONCEDED_SUMS)
    )
    return {row.pop("actor"): row for row in links}


def belligerent_rows() -> list[dict]:
    """Every public actor with its numbers, by name (kept per data version)."""
    return cached_aggregate("belligerent_index", Actor.objects.public(), _belligerent_rows)


def _belligerent_rows(actors) -> list[dict]:
    actors = list(actors.order_by("name").values(
        "pk", "name", "name_ar", "slug", "kind", "parent_id", "parent__name", "parent__name_ar", "parent__slug",
    ))
    public = {actor["pk"] for actor in actors}
    reported = _reported_by("belligerent_roles__actor")
    conceded = _conceded_by_belligerent()
    rows = []
    for actor in actors:
        row = {**actor, **EMPTY, **reported.get(actor["pk"], {})}
        # The belligerent's own rule replaces the incidents' conceded figures (latest by anyone).
        row.update(conceded_min=None, conceded_max=None, with_conceded=0, conceded_open=0)
        row.update(conceded.get(actor["pk"], {}))
        row["parent_is_public"] = actor["parent_id"] in public
        rows.append(_honest(row))
    return rows


def conflict_rows() -> list[dict]:
    """Every public conflict with its numbers, by name (kept per data version)."""
    return cached_aggregate("conflict_index", Conflict.objects.public(), _conflict_rows)


def _conflict_rows(conflicts) -> list[dict]:
    sums = _reported_by("conflict")
    return [_honest({**conflict, **EMPTY, **sums.get(conflict["pk"], {})})
            for conflict in conflicts.order_by("name").values("pk", "name", "name_ar", "slug")]


def _range_key(kind: str):
    """A range sorts by its lowest figure, then its highest (an open top is higher than any number)."""
    def key(row):
        low, high = row[f"{kind}_min"], row[f"{kind}_max"]
        return (low or 0, math.inf if row[f"{kind}_open"] or high is None else high)
    return key


def _has_range(kind: str):
    return lambda row: row[f"{kind}_min"] is not None or row[f"{kind}_max"] is not None


# The sorts a reader may ask for (`?sort=`, "-" for descending). Rows with no number go last either way.
SORT_KEYS = {
    "name": (lambda row: row["name"].casefold(), lambda row: True),
    "incidents": (lambda row: row["incidents"], lambda row: True),
    "reported": (_range_key("reported"), _has_range("reported")),
    "conceded": (_range_key("conceded"), _has_range("conceded")),
}


def sort_rows(rows: list[dict], sort: str) -> list[dict]:
    """The rows in the order `sort` names (a key of SORT_KEYS, "-" first for descending); ties by name."""
    descending, field = sort.startswith("-"), sort.removeprefix("-")
    key, known = SORT_KEYS[field]
    by_name = sorted(rows, key=lambda row: row["name"].casefold())
    with_value = sorted((row for row in by_name if known(row)), key=key, reverse=descending)  # stable: ties stay by name
    return with_value + [row for row in by_name if not known(row)]

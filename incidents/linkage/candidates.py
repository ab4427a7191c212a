"""Candidate pairs between two sets of incidents, found by the database with blocking, scored, stored for review.

Blocking reuses the rules of incidents/duplicates.py: for each record of the left set, the right set is read through
that module's date window (`_date_window`: each date precision's period plus its slack, through the index on
date_precision, date_start), within the same country, within a box that widens with both records' geo precision
(incidents/geo.py `uncertainty_radius_m` of each side + `SLACK_KM`; a record placed only to its country, or not
placed, is not held back by distance), and, where both give belligerents, sharing one. At most
`LINKAGE_PER_RECORD` rows per left record come back.

Memory is bounded: the left set is read by keyset (id) in chunks of `CHUNK`; per chunk, one query per left record
finds its candidates (the database does the blocking), and one query each reads the chunk's belligerents, external ids
and existing decisions. Pairs already decided (by incident id or by external id, so also after a re-import) are
skipped; the rest are scored (incidents.linkage.scoring) and written in bulk to LinkCandidate.
"""

import math

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from .. import choices
from ..duplicates import SLACK_KM, _box, _date_window
from ..geo import UNCERTAINTY_RADIUS_M, uncertainty_radius_m
from ..models import BelligerentRoleLink, ExternalIdentifier, Incident, LinkCandidate
from .decisions import decided_pairs, is_decided, side_keys
from .scoring import score_pair

CHUNK = 500
FIELDS = (
    "code", "title", "date_start", "date_end", "date_precision", "country", "admin1", "admin2", "locality",
    "place_name_ar", "latitude", "longitude", "geo_precision", "reported_killed_min", "reported_killed_max",
    "reported_killed_open",
)
FILTER_KEYS = {"status", "country", "dataset", "not_dataset", "conflict", "date_after", "date_before", "all"}


def parse_filter(text: str):
    """`status=draft,country=IQ`, `dataset=acled`, `not_dataset=acled` or `all` as an incident queryset.

    Raises ValueError with a reason for anything else."""
    queryset = Incident.objects.all()
    for item in filter(None, (part.strip() for part in (text or "all").split(","))):
        key, _, value = item.partition("=")
        if key not in FILTER_KEYS or (key != "all" and not value):
            raise ValueError(f"Unknown filter {item!r}: use {', '.join(sorted(FILTER_KEYS))} (key=value).")
        if key == "status":
            if value not in choices.Status.values:
                raise ValueError(f"Unknown status {value!r}.")
            queryset = queryset.filter(status=value)
        elif key == "country":
            queryset = queryset.filter(country=value.upper())
        elif key in ("dataset", "not_dataset"):
            if value not in choices.Dataset.values:
                raise ValueError(f"Unknown dataset {value!r}.")
            held = Exists(ExternalIdentifier.objects.filter(incident=OuterRef("pk"), dataset=value))
            queryset = queryset.filter(held if key == "dataset" else ~held)
        elif key == "conflict":
            queryset = queryset.filter(conflict__slug=value)
        elif key in ("date_after", "date_before"):
            queryset = queryset.filter(**{f"date_start__{'gte' if key == 'date_after' else 'lte'}": value})
    return queryset


def _place_block(incident: Incident) -> Q:
    """Right records whose point may be the same place: the box widens with both sides' uncertainty radius."""
    own = uncertainty_radius_m(incident.geo_precision)
    if incident.latitude is None or incident.longitude is None or own is None:
        return Q()
    unplaced = Q(latitude__isnull=True) | Q(longitude__isnull=True) | Q(geo_precision=choices.GeoPrecision.COUNTRY)
    near = Q()
    for precision, radius in UNCERTAINTY_RADIUS_M.items():
        if radius is not None:
            near |= Q(geo_precision=precision) & _box(incident, (own + radius) / 1000 + SLACK_KM)
    return unplaced | near


def _belligerent_block(actors: set[int]) -> Q:
    """Right records that name no belligerent, or share one with the left record (when it names any)."""
    if not actors:
        return Q()
    links = BelligerentRoleLink.objects.filter(incident=OuterRef("pk"))
    return ~Exists(links) | Exists(links.filter(actor_id__in=actors))


def candidates_for(incident: Incident, right, *, actors: set[int], limit: int):
    """The right records that pass blocking for one left record (one query)."""
    if not incident.date_start or not incident.country:
        return []
    rows = (right.filter(country=incident.country).filter(_date_window(incident)).filter(_place_block(incident))
            .filter(_belligerent_block(actors)).exclude(pk=incident.pk).only(*FIELDS).order_by("pk")[:limit])
    return list(rows)


def _actors(incident_ids) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    links = BelligerentRoleLink.objects.filter(incident_id__in=incident_ids).values_list("incident_id", "actor_id")
    for incident_id, actor_id in links:
        found.setdefault(incident_id, set()).add(actor_id)
    return found


def generate(left, right, *, run: str = "", chunk: int = CHUNK, limit: int | None = None, min_probability=None,
             progress=None) -> dict:
    """Find, score and store the candidate pairs between two incident querysets; returns counts."""
    limit = limit or settings.LINKAGE_PER_RECORD
    min_probability = settings.LINKAGE_SHOW_ABOVE if min_probability is None else min_probability
    counts = {"left": 0, "blocked": 0, "decided": 0, "stored": 0}
    last = 0
    while True:
        batch = list(left.filter(pk__gt=last).only(*FIELDS).order_by("pk")[:chunk])
        if not batch:
            return counts
        last = batch[-1].pk
        counts["left"] += len(batch)
        left_actors = _actors([row.pk for row in batch])
        found = {row.pk: candidates_for(row, right, actors=left_actors.get(row.pk, set()), limit=limit) for row in batch}
        right_ids = {other.pk for others in found.values() for other in others}
        actors = {**_actors(right_ids), **left_actors}
        keys = side_keys({*found, *right_ids})
        decided = decided_pairs(keys)
        pairs, seen = [], set()
        for row in batch:
            for other in found[row.pk]:
                pair = (min(row.pk, other.pk), max(row.pk, other.pk))
                if pair in seen:
                    continue
                seen.add(pair)
                counts["blocked"] += 1
                if is_decided(keys[row.pk], keys[other.pk], decided):
                    counts["decided"] += 1
                    continue
                first, second = (row, other) if row.pk < other.pk else (other, row)
                score = score_pair(first, second, actors_a=actors.get(first.pk, ()), actors_b=actors.get(second.pk, ()))
                if score.probability >= min_probability and not math.isnan(score.weight):
                    pairs.append(LinkCandidate(incident_a=first, incident_b=second, weight=score.weight,
                                               probability=score.probability, contributions=score.contributions,
                                               run=run[:200]))
        LinkCandidate.objects.bulk_create(pairs, ignore_conflicts=True)
        counts["stored"] += len(pairs)
        if progress:
            progress(counts)

"""Possible duplicates of an incident: the same event recorded twice.

An incident is a possible duplicate of another when their dates are within `DAYS` days of each other
(date ranges included) and
- their points are within `KM` km (a bounding box in SQL, then the great-circle distance on the few
  rows it lets through), or
- they name the same locality and share a belligerent, or
- on PostgreSQL, their titles are similar (pg_trgm similarity of at least `TITLE_SIMILARITY`).

The admin warns with these on every save of an incident; imports can call `possible_duplicates` with
an unsaved incident to offer a link instead of a second record.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from django.db.models.functions import Coalesce

from .models import BelligerentRoleLink, Incident

DAYS = 2
KM = 5.0
TITLE_SIMILARITY = 0.5
LIMIT = 10
# A date range of up to a month is compared by its ends; wider ones would match everything.
_LONGEST_RANGE = datetime.timedelta(days=31)
_KM_PER_DEGREE = 111.32
_EARTH_RADIUS_KM = 6371.0088


@dataclass
class Candidate:
    incident: Incident
    reasons: list[str] = field(default_factory=list)


def distance_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle (haversine) distance between two points, in kilometres."""
    lat1, lon1, lat2, lon2 = (math.radians(float(value)) for value in (lat1, lon1, lat2, lon2))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _bounding_box(latitude, longitude) -> Q:
    latitude, longitude = float(latitude), float(longitude)
    dlat = KM / _KM_PER_DEGREE
    dlon = KM / (_KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    return Q(latitude__range=(latitude - dlat, latitude + dlat), longitude__range=(longitude - dlon, longitude + dlon))


def possible_duplicates(incident: Incident, *, belligerent_ids=None, limit: int = LIMIT) -> list[Candidate]:
    """Other incidents that may record the same event, each with why (a fixed number of queries)."""
    start = incident.date_start
    if start is None:
        return []
    end = incident.date_end or start
    window = datetime.timedelta(days=DAYS)
    if belligerent_ids is None:
        belligerent_ids = list(incident.belligerent_roles.values_list("actor_id", flat=True)) if incident.pk else []

    candidates = (
        Incident.objects.annotate(last_day=Coalesce("date_end", "date_start"))
        .filter(date_start__gte=start - window - _LONGEST_RANGE, date_start__lte=end + window, last_day__gte=start - window)
    )
    if incident.pk:
        candidates = candidates.exclude(pk=incident.pk).exclude(related=incident)

    near = _bounding_box(incident.latitude, incident.longitude) if incident.latitude is not None and incident.longitude is not None else Q()
    same_place = (
        Q(locality__iexact=incident.locality, belligerent_roles__actor_id__in=belligerent_ids)
        if incident.locality and belligerent_ids else Q()
    )
    similar = Q()
    if connection.vendor == "postgresql" and incident.title:
        from django.contrib.postgres.search import TrigramSimilarity

        candidates = candidates.annotate(title_similarity=TrigramSimilarity("title", incident.title))
        similar = Q(title_similarity__gte=TITLE_SIMILARITY)
    matches = [q for q in (near, same_place, similar) if q]
    if not matches:
        return []
    condition = matches[0]
    for q in matches[1:]:
        condition |= q
    rows = list(
        candidates.filter(condition).distinct()
        .only("code", "title", "status", "date_start", "date_end", "latitude", "longitude", "locality")
        .order_by("date_start", "pk")[: limit * 3]
    )
    shared = set()
    if same_place:
        shared = set(
            BelligerentRoleLink.objects.filter(incident__in=rows, actor_id__in=belligerent_ids).values_list("incident_id", flat=True)
        )

    found = []
    for row in rows:
        reasons = []
        if near and row.latitude is not None and row.longitude is not None:
            km = distance_km(incident.latitude, incident.longitude, row.latitude, row.longitude)
            if km <= KM:
                reasons.append(f"{km:.1f} km away")
        if same_place and row.pk in shared and row.locality.lower() == incident.locality.lower():
            reasons.append("same locality and belligerent")
        if getattr(row, "title_similarity", 0) and row.title_similarity >= TITLE_SIMILARITY:
            reasons.append("similar title")
        if reasons:
            found.append(Candidate(row, reasons))
    return found[:limit]

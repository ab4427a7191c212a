"""The Fellegi–Sunter model that scores a candidate pair: one table of comparison levels with their m and u.

For each field, a pair falls into one level. `m` is the share of true pairs (one event recorded twice) at that level,
`u` the share of pairs of different events that blocking lets through at that level. The level's match weight is
log2(m/u): positive when the level is more usual for one event than for two. A pair's weight is the prior's log-odds
(settings.LINKAGE_PRIOR: the share of blocked pairs that are the same event) plus the fields' weights, and its match
probability is 2^w / (1 + 2^w). A field one record does not give is "unknown" and weighs 0.

The m and u are set by hand from the project's own rules (dates and places: incidents/duplicates.py, geo precision:
incidents/geo.py) and what editors see in practice; they are not estimated from data (no labelled set exists yet:
the decisions exported as labelled pairs are the set to estimate them from later, e.g. with splink's EM).

Strings are compared with rapidfuzz on the project's search normalisation (case, accents, Arabic letter forms,
the article), so al-Mawsil, Al Mawṣil and الموصل read alike.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from rapidfuzz import fuzz

from sources.text import normalise_search

from ..duplicates import SLACK_KM, _slack, distance_km, period
from ..geo import uncertainty_radius_m

# field -> level -> (m, u). The order of the fields is the order of the columns in the queue and the export.
MODEL = {
    "dates": {
        "same_day": (0.45, 0.02),
        "overlap": (0.25, 0.08),  # overlapping periods, both of a week or less
        "within": (0.18, 0.10),  # one period within a coarser one (a day in a month): all a coarse record can say
        "near": (0.11, 0.15),  # apart by no more than the slack of the more loosely dated record (a night strike)
        "apart": (0.01, 0.65),
    },
    "distance": {
        "sites_close": (0.55, 0.03),  # two sites within both uncertainties + SLACK_KM
        "within_uncertainty": (0.35, 0.30),  # an area involved: within both uncertainty radii + SLACK_KM
        "farther": (0.10, 0.67),
    },
    "place_names": {
        "same": (0.70, 0.10),  # similarity >= 95
        "similar": (0.15, 0.10),  # >= 80
        "different": (0.15, 0.80),
    },
    "killed": {
        "overlap": (0.75, 0.30),  # reported civilian deaths whose ranges overlap
        "disjoint": (0.25, 0.70),
    },
    "belligerents": {
        "shared": (0.90, 0.50),
        "none_shared": (0.10, 0.50),
    },
    "title": {
        "high": (0.40, 0.02),  # similarity >= 85
        "medium": (0.30, 0.10),  # >= 60
        "low": (0.30, 0.88),
    },
}
FIELDS = list(MODEL)
UNKNOWN = "unknown"
SAME_NAME, SIMILAR_NAME = 95, 80
HIGH_TITLE, MEDIUM_TITLE = 85, 60


def level_weight(field: str, level: str) -> float:
    """log2(m/u) of a level; 0 for unknown."""
    if level == UNKNOWN:
        return 0.0
    m, u = MODEL[field][level]
    return math.log2(m / u)


def prior_weight(prior: float | None = None) -> float:
    prior = settings.LINKAGE_PRIOR if prior is None else prior
    return math.log2(prior / (1 - prior))


def probability(weight: float) -> float:
    """Match probability from a total weight (log2 odds)."""
    return 1 / (1 + 2 ** -weight)


@dataclass
class Score:
    weight: float
    probability: float
    contributions: dict  # field -> {"level": ..., "weight": ...}


def date_level(a, b) -> str:
    (a0, a1), (b0, b1) = period(a), period(b)
    if a0 <= b1 and b0 <= a1:
        if a0 == a1 == b0 == b1:
            return "same_day"
        if (a1 - a0).days < 7 and (b1 - b0).days < 7:
            return "overlap"
        return "within"
    gap = max((b0 - a1).days, (a0 - b1).days)
    return "near" if gap <= max(_slack(a), _slack(b)) else "apart"


def distance_level(a, b) -> str:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return UNKNOWN
    ra, rb = uncertainty_radius_m(a.geo_precision), uncertainty_radius_m(b.geo_precision)
    if ra is None or rb is None:
        return UNKNOWN
    km = distance_km(a.latitude, a.longitude, b.latitude, b.longitude)
    if km > (ra + rb) / 1000 + SLACK_KM:
        return "farther"
    site = uncertainty_radius_m("neighbourhood")
    return "sites_close" if max(ra, rb) <= site else "within_uncertainty"


def _similarity(left: str, right: str) -> float | None:
    left, right = normalise_search(left or ""), normalise_search(right or "")
    if not (left and right):
        return None
    return fuzz.token_set_ratio(left, right)


def name_level(a, b) -> str:
    """The best similarity of the place names both give: locality, Arabic name, then district and province."""
    best = None
    for field in ("locality", "place_name_ar", "admin2", "admin1"):
        value = _similarity(getattr(a, field), getattr(b, field))
        if value is not None:
            best = value if best is None else max(best, value)
            if field == "place_name_ar" or best >= SAME_NAME:
                break
    if best is None:
        return UNKNOWN
    return "same" if best >= SAME_NAME else "similar" if best >= SIMILAR_NAME else "different"


def killed_level(a, b) -> str:
    def bounds(incident):
        high = None if incident.reported_killed_open else incident.reported_killed_max
        return incident.reported_killed_min, high

    (a_low, a_high), (b_low, b_high) = bounds(a), bounds(b)
    if a_low is None or b_low is None:
        return UNKNOWN
    overlap = (a_high is None or b_low <= a_high) and (b_high is None or a_low <= b_high)
    return "overlap" if overlap else "disjoint"


def belligerent_level(actors_a: set, actors_b: set) -> str:
    if not (actors_a and actors_b):
        return UNKNOWN
    return "shared" if actors_a & actors_b else "none_shared"


def title_level(a, b) -> str:
    value = _similarity(a.title, b.title)
    if value is None:
        return UNKNOWN
    return "high" if value >= HIGH_TITLE else "medium" if value >= MEDIUM_TITLE else "low"


def score_pair(a, b, *, actors_a=frozenset(), actors_b=frozenset(), prior: float | None = None) -> Score:
    """Each field's level and weight for the pair, the total weight and the match probability."""
    levels = {
        "dates": date_level(a, b),
        "distance": distance_level(a, b),
        "place_names": name_level(a, b),
        "killed": killed_level(a, b),
        "belligerents": belligerent_level(set(actors_a), set(actors_b)),
        "title": title_level(a, b),
    }
    contributions = {field: {"level": level, "weight": round(level_weight(field, level), 3)}
                     for field, level in levels.items()}
    weight = prior_weight(prior) + sum(item["weight"] for item in contributions.values())
    return Score(round(weight, 3), probability(weight), contributions)

"""Possible duplicates of an incident: the same event recorded twice, ranked by a score whose parts are shown.

"Near" depends on how precisely each record is known. One table per dimension says, for each precision, how wide
the record is; the check reads nothing else.

When (`DATE_TOLERANCE`, by `Incident.date_precision`). A record stands for a period: its start and end dates, or,
when only a start is given, the week from it, its calendar month or its calendar year. Two records are near in
time when their periods overlap, or are apart by no more than the larger slack of the two (sources misdate a
night strike by a day or two; a month or a year already is the whole period).

    precision  a start alone stands for   longest period  slack
    day        that day                   1 day           2 days
    days       that day (the end is given) 6 days         2 days
    week       the week from it           7 days          2 days
    month      its calendar month         31 days         0
    year       its calendar year          366 days        0

Where (`PLACE_TOLERANCE`, by `Incident.geo_precision`). A *site* precision places the event within `reach` of the
point; an *area* precision puts the point at the centre of a town, city or district that reaches `reach` from it;
province and country points place nothing. Distance is evidence only where a site is involved:

    precision      kind  reach    distance between two records                      names compared
    exact          site  0.1 km   two sites within reach + reach + SLACK_KM: +3     locality
    within_100m    site  0.1 km   (+2 when one is a neighbourhood); farther: -2     locality
    street         site  0.3 km                                                     locality
    neighbourhood  site  1.5 km   a site within an area's reach of its centre: +1    locality
    town           area  3 km     two area centres: nothing (the distance between    locality
    city           area  15 km    two city centres says nothing of the event)        locality
    district       area  25 km                                                      admin2
    province       -     -                                                          admin1
    country        -     -                                                          -

Names are compared at the finest level both records are known to (a district-precision record is not compared by
locality), normalised with `sources.text.normalise_search` (case, accents, Arabic letter forms and article), within
one country: the same locality (or Arabic place name) +2; at a coarser level, the same district or province +1.

A candidate is near in time and either near in place (a positive place part) or, on PostgreSQL, titled alike
(pg_trgm similarity of at least `TITLE_SIMILARITY`). The other parts only rank it:

    dates: the same day +3; overlapping periods of a week or less +2; a period within a coarser one +1; apart by
    no more than the slack +1. A shared belligerent +1 (each). Reported civilian deaths whose ranges overlap +1.
    Similar titles +1.

Scale: one query finds the candidates, the date window first. For each date precision it reads only the dates a
record of that precision could overlap (index `incident_precision_date` on date_precision, date_start), so a
day-precision check reads a few days of records however many year-precision ones the tracker holds; a bounding box,
the names (a regular expression for every spelling `normalise_search` reads alike) and the title (PostgreSQL, for
periods of under a week) narrow it; at most `FETCH_LIMIT` rows come back, best-placed first, in an order no index
gives (so the planner never walks a date index under the LIMIT). Measured on PostgreSQL with 1,000,000 incidents
(10% of them year-precision): 170–360 ms a check, every precision's window read through `incident_precision_date`. One more query reads
the shared belligerents of all of them (and one the incident's own, when not given). Nothing is read per candidate.

The admin shows the list on the incident's change page (drafts included: it is an editors' tool, never on a public
page) and warns with it on every save; imports call `possible_duplicates` with an unsaved incident.
"""

import calendar
import datetime
import math
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce

from sources.text import normalise_search

from .choices import DatePrecision, GeoPrecision
from .models import BelligerentRoleLink, Incident

LIMIT = 10
FETCH_LIMIT = 200
TITLE_SIMILARITY = 0.5
SLACK_KM = 2.0
_KM_PER_DEGREE = 111.32
_EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class DateTolerance:
    span: str  # what a start date alone stands for: "" (itself), "week", "month" or "year"
    longest: int  # the longest period (end minus start, in days) the check reaches back for
    slack: int  # days either side by which sources may misdate a record of this precision


@dataclass(frozen=True)
class PlaceTolerance:
    reach_km: float | None  # how far from its point the event may be; None: the point places nothing
    area: bool  # the point is the centre of an area, not a site: its distance to another centre says nothing
    level: str  # the finest name the record is compared by: locality, admin2, admin1 or "" (none)


DATE_TOLERANCE = {
    DatePrecision.DAY: DateTolerance("", 1, 2),
    DatePrecision.DAYS: DateTolerance("", 6, 2),
    DatePrecision.WEEK: DateTolerance("week", 7, 2),
    DatePrecision.MONTH: DateTolerance("month", 31, 0),
    DatePrecision.YEAR: DateTolerance("year", 366, 0),
}
PLACE_TOLERANCE = {
    GeoPrecision.EXACT: PlaceTolerance(0.1, False, "locality"),
    GeoPrecision.WITHIN_100M: PlaceTolerance(0.1, False, "locality"),
    GeoPrecision.STREET: PlaceTolerance(0.3, False, "locality"),
    GeoPrecision.NEIGHBOURHOOD: PlaceTolerance(1.5, False, "locality"),
    GeoPrecision.TOWN: PlaceTolerance(3.0, True, "locality"),
    GeoPrecision.CITY: PlaceTolerance(15.0, True, "locality"),
    GeoPrecision.DISTRICT: PlaceTolerance(25.0, True, "admin2"),
    GeoPrecision.PROVINCE: PlaceTolerance(None, True, "admin1"),
    GeoPrecision.COUNTRY: PlaceTolerance(None, True, ""),
}
_LEVELS = ["locality", "admin2", "admin1", ""]
_LEVEL_NAMES = {"locality": "locality", "admin2": "district", "admin1": "province"}
_SITE_REACH_MAX = max(t.reach_km for t in PLACE_TOLERANCE.values() if t.reach_km is not None and not t.area)
_AREA_REACH_MAX = max(t.reach_km for t in PLACE_TOLERANCE.values() if t.reach_km is not None)
_FIELDS = (
    "code", "title", "status", "date_start", "date_end", "date_precision", "country", "admin1", "admin2", "locality",
    "place_name_ar", "latitude", "longitude", "geo_precision", "reported_killed_min", "reported_killed_max",
    "reported_killed_open",
)


@dataclass(frozen=True)
class Part:
    """One piece of evidence for (or against) two records being one event, with its weight."""

    label: str
    points: int
    place: bool = False

    def __str__(self):
        return f"{self.label} {self.points:+d}"


@dataclass
class Candidate:
    incident: Incident
    parts: list[Part] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(part.points for part in self.parts)

    @property
    def reasons(self) -> list[str]:
        """The parts in words, with their points ("same locality (Mosul) +2")."""
        return [str(part) for part in self.parts]

    @property
    def summary(self) -> str:
        """'CT-000012 (same day +3; same locality (Mosul) +2)': how an import's preview and report flag the candidate."""
        return f"{self.incident.code} ({'; '.join(self.reasons)})"


def distance_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle (haversine) distance between two points, in kilometres."""
    lat1, lon1, lat2, lon2 = (math.radians(float(value)) for value in (lat1, lon1, lat2, lon2))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(a))


# When.


def _as_date(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if isinstance(value, str) and value else value or None


def period(incident: Incident) -> tuple[datetime.date, datetime.date]:
    """The first and last day the record allows: its dates, or what its start stands for at its precision."""
    start = _as_date(incident.date_start)
    end = _as_date(incident.date_end) or start
    if end != start:
        return start, end
    span = DATE_TOLERANCE.get(incident.date_precision, DATE_TOLERANCE[DatePrecision.DAY]).span
    if span == "week":
        return start, start + datetime.timedelta(days=6)
    if span == "month":
        return start.replace(day=1), start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if span == "year":
        return start.replace(month=1, day=1), start.replace(month=12, day=31)
    return start, end


def describe_period(first: datetime.date, last: datetime.date) -> str:
    if first == last:
        return f"{first.day} {first:%b %Y}"
    if (first.day, last.day) == (1, calendar.monthrange(last.year, last.month)[1]) and (first.year, first.month) == (last.year, last.month):
        return f"{first:%B %Y}"
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
        return str(first.year)
    return f"{first.day} {first:%b %Y}–{last.day} {last:%b %Y}"


def _slack(incident: Incident) -> int:
    return DATE_TOLERANCE.get(incident.date_precision, DATE_TOLERANCE[DatePrecision.DAY]).slack


def date_part(a: Incident, b: Incident) -> Part | None:
    """How near two records are in time, at their precisions; None when they are not near."""
    (a0, a1), (b0, b1) = period(a), period(b)
    if a0 <= b1 and b0 <= a1:
        if a0 == a1 == b0 == b1:
            return Part(f"dates overlap (same day, {describe_period(a0, a1)})", 3)
        if (a1 - a0).days < 7 and (b1 - b0).days < 7:
            return Part(f"dates overlap ({describe_period(a0, a1)} and {describe_period(b0, b1)})", 2)
        inner, outer = sorted([(a0, a1), (b0, b1)], key=lambda p: (p[1] - p[0]).days)
        return Part(f"dates overlap ({describe_period(*inner)} within {describe_period(*outer)})", 1)
    gap = max((b0 - a1).days, (a0 - b1).days)
    if gap <= max(_slack(a), _slack(b)):
        return Part(f"dates {gap} day{'s' if gap > 1 else ''} apart", 1)
    return None


# Where.


def _place(incident: Incident) -> PlaceTolerance:
    return PLACE_TOLERANCE.get(incident.geo_precision, PLACE_TOLERANCE[GeoPrecision.TOWN])


def _has_point(incident: Incident) -> bool:
    return incident.latitude is not None and incident.longitude is not None and _place(incident).reach_km is not None


def distance_part(a: Incident, b: Incident) -> Part | None:
    """What the distance between two points says, at their precisions (nothing between two area centres)."""
    if not (_has_point(a) and _has_point(b)):
        return None
    pa, pb = _place(a), _place(b)
    if pa.area and pb.area:
        return None
    km = distance_km(a.latitude, a.longitude, b.latitude, b.longitude)
    if pa.area or pb.area:
        site, area = (b, a) if pa.area else (a, b)
        if km <= _place(area).reach_km + _place(site).reach_km + SLACK_KM:
            return Part(f"{site.get_geo_precision_display()} point {km:.1f} km from the centre of the "
                        f"{area.get_geo_precision_display()} given by the other", 1, place=True)
        return None
    precisions = " and ".join(dict.fromkeys((a.get_geo_precision_display(), b.get_geo_precision_display())))
    both = f"both {precisions}" if " and " not in precisions else precisions
    if km <= pa.reach_km + pb.reach_km + SLACK_KM:
        coarse = GeoPrecision.NEIGHBOURHOOD in (a.geo_precision, b.geo_precision)
        return Part(f"{km:.1f} km apart, {both}", 2 if coarse else 3, place=True)
    return Part(f"{km:.1f} km apart, farther than {both} allow", -2, place=True)


def _names(incident: Incident, level: str) -> set[str]:
    values = [incident.locality, incident.place_name_ar] if level == "locality" else [getattr(incident, level, "")]
    return {name for name in (normalise_search(value) for value in values) if name}


def name_part(a: Incident, b: Incident) -> Part | None:
    """The same place named, at the finest level both records are known to and name (within one country)."""
    if a.country and b.country and a.country != b.country:
        return None
    floor = max(_LEVELS.index(_place(a).level), _LEVELS.index(_place(b).level))
    for level in _LEVELS[floor:-1]:
        names_a, names_b = _names(a, level), _names(b, level)
        if not (names_a and names_b):
            continue
        if names_a & names_b:
            fields = ["locality", "place_name_ar"] if level == "locality" else [level]
            spellings = dict.fromkeys(value for name in fields for value in (getattr(a, name), getattr(b, name))
                                      if value and normalise_search(value) in names_a & names_b)
            return Part(f"same {_LEVEL_NAMES[level]} ({' / '.join(spellings)})", 2 if level == "locality" else 1, place=True)
        return None
    return None


# The rest of the score.


def figures_part(a: Incident, b: Incident) -> Part | None:
    """Reported civilian deaths whose ranges overlap (both records give some)."""
    def bounds(incident):
        low, high = incident.reported_killed_min, incident.reported_killed_max
        return low, (None if getattr(incident, "reported_killed_open", False) else high)

    (a_low, a_high), (b_low, b_high) = bounds(a), bounds(b)
    if a_low is None or b_low is None:
        return None
    if (a_high is None or b_low <= a_high) and (b_high is None or a_low <= b_high):
        return Part(f"figures agree ({_describe(a_low, a_high)} vs {_describe(b_low, b_high)} killed)", 1)
    return None


def _describe(low, high) -> str:
    return f"{low}+" if high is None else str(low) if low == high else f"{low}–{high}"


def score(incident: Incident, other: Incident, *, shared_belligerents=(), title_similarity: float = 0.0) -> Candidate | None:
    """The parts and total for `other` as a duplicate of `incident`; None when it is not a candidate."""
    when = date_part(incident, other)
    if when is None:
        return None
    parts = [when, *(part for part in (distance_part(incident, other), name_part(incident, other)) if part)]
    # Two sites farther apart than their precisions allow are two places, whatever names they share.
    place_found = all(part.points > 0 for part in parts if part.place) and any(part.place for part in parts)
    titled_alike = title_similarity >= TITLE_SIMILARITY
    if not (place_found or titled_alike):
        return None
    parts += [Part(f"shares belligerent {name}", 1) for name in shared_belligerents]
    if (figures := figures_part(incident, other)) is not None:
        parts.append(figures)
    if titled_alike:
        parts.append(Part(f"similar titles {title_similarity:.2f}", 1))
    return Candidate(other, parts)


# The query.


def _date_window(incident: Incident) -> Q:
    """Records of each date precision whose period comes within the slack of the incident's (the same rule as `period`,
    in SQL); each precision's range of start dates is read through the index on date_precision, date_start."""
    first, last = period(incident)
    window = Q()
    for precision, tolerance in DATE_TOLERANCE.items():
        slack = datetime.timedelta(days=max(_slack(incident), tolerance.slack))
        low, high = first - slack, last + slack
        # A start alone stands for its week, month or year: the period it opens may reach back to `low`.
        alone_low, alone_high = {
            "week": (low - datetime.timedelta(days=6), high),
            "month": (low.replace(day=1), high.replace(day=calendar.monthrange(high.year, high.month)[1])),
            "year": (low.replace(month=1, day=1), high.replace(month=12, day=31)),
        }.get(tolerance.span, (low, high))
        window |= Q(date_precision=precision, date_start__gte=low - datetime.timedelta(days=tolerance.longest),
                    date_start__lte=alone_high) & (
            Q(date_end__isnull=True, date_start__gte=alone_low) | Q(date_end__gte=low, date_start__lte=high)
        )
    return window


def _box(incident: Incident, km: float) -> Q:
    latitude, longitude = float(incident.latitude), float(incident.longitude)
    dlat = km / _KM_PER_DEGREE
    dlon = km / (_KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    return Q(latitude__range=(latitude - dlat, latitude + dlat), longitude__range=(longitude - dlon, longitude + dlon))


def _spellings() -> tuple[dict[str, str], str]:
    """For each letter as `normalise_search` gives it, the characters it comes from; and the characters it drops."""
    letters: dict[str, set[str]] = {}
    dropped = set("\u02bb\u02bc\u02be\u02bf\u02c8\u2018\u2019'`\u00b4\u0640")
    ranges = [(0x30, 0x7b), (0xc0, 0x250), (0x300, 0x370), (0x600, 0x700), (0x1e00, 0x1f00)]
    for char in (chr(code) for first, last in ranges for code in range(first, last)):
        normal = normalise_search(f"x{char}x")  # inside a word, as a place name holds it
        if normal == "xx" and unicodedata.category(char)[0] in "MLS":
            dropped.add(char)
        elif len(normal) == 3 and normal[0] == normal[2] == "x":
            letters.setdefault(normal[1], {normal[1]}).add(char)
    return {letter: "".join(sorted(chars)) for letter, chars in letters.items()}, "".join(sorted(dropped))


_LETTERS, _DROPPED = _spellings()


def spelling_pattern(word: str) -> str:
    """A regular expression that finds, inside a stored name, every spelling `normalise_search` reads as this word
    (Mawsil finds Mawṣil and MAWSIL, موصل finds الموصِل): the SQL side of the comparison, which `name_part` confirms."""
    return "".join(f"[{re.escape(_LETTERS.get(letter, letter))}][{re.escape(_DROPPED)}]*" for letter in word)


def _named(name: str, value: str) -> Q:
    """Rows whose `name` holds the longest word of the value in any spelling (al-Mawsil, Al Mawṣil, الموصل)."""
    words = normalise_search(value).split()
    return Q(**{f"{name}__regex": spelling_pattern(max(words, key=len))}) if words else Q(pk__in=[])


def _place_filter(incident: Incident) -> tuple[Q, Q]:
    """Rows that may be near in place (a superset: `score` decides), and the best-placed of them (fetched first)."""
    near, close = Q(pk__in=[]), Q(pk__in=[])
    own = _place(incident)
    if _has_point(incident):
        # A site may fall within a district's reach; an area centre only within a site's.
        reach = own.reach_km + (_SITE_REACH_MAX if own.area else _AREA_REACH_MAX) + SLACK_KM
        near |= _box(incident, reach)
        close = _box(incident, own.reach_km + _SITE_REACH_MAX + SLACK_KM)
    words = normalise_search(incident.locality).split()
    if words and own.level == "locality":
        # The longest word of the name finds its spellings (al-Mawsil, Al Mawsil); `name_part` compares them normalised.
        named = _named("locality", incident.locality)
        near |= named
        close |= named
    if incident.place_name_ar and own.level == "locality":
        near |= _named("place_name_ar", incident.place_name_ar)
    coarse = Q(locality="") | Q(geo_precision__in=[p for p, t in PLACE_TOLERANCE.items() if t.level != "locality"])
    named_finely = own.level == "locality" and bool(words)
    for level in ("admin2", "admin1"):
        value = getattr(incident, level)
        if value and _LEVELS.index(own.level) <= _LEVELS.index(level):
            # Compared at this level only when one of the two is not known (or not named) more finely.
            near |= _named(level, value) & (coarse if named_finely else Q())
    return near, close


def possible_duplicates(incident: Incident, *, belligerent_ids=None, limit: int = LIMIT) -> list[Candidate]:
    """Other incidents that may record the same event, best first, each with the parts of its score (≤ 3 queries)."""
    if not incident.date_start:
        return []
    if belligerent_ids is None:
        belligerent_ids = list(incident.belligerent_roles.values_list("actor_id", flat=True)) if incident.pk else []
    near, close = _place_filter(incident)
    candidates = Incident.objects.filter(_date_window(incident))
    if incident.pk:
        candidates = candidates.exclude(pk=incident.pk).exclude(related=incident)
    similarity = None
    first, last = period(incident)
    # Titles are compared over a week's window at most: over a month or a year it would read every title of the period.
    if connection.vendor == "postgresql" and incident.title and (last - first).days < 7:
        from django.contrib.postgres.search import TrigramSimilarity

        similarity = TrigramSimilarity("title", incident.title)
        candidates = candidates.annotate(title_similarity=similarity)
        near |= Q(title_similarity__gte=TITLE_SIMILARITY)
    rows = list(
        candidates.filter(near)
        .annotate(placed=Case(When(close, then=Value(1)), default=Value(0), output_field=IntegerField()),
                  last_day=Coalesce("date_end", "date_start"))
        # No index gives this order, so the planner reads the window through the precision index and sorts the
        # few rows it keeps; ordered by date_start it would walk that index with the LIMIT and read years of rows.
        .only(*_FIELDS).order_by("-placed", "last_day", "pk")[:FETCH_LIMIT]
    )
    shared: dict[int, list[str]] = {}
    if rows and belligerent_ids:
        links = BelligerentRoleLink.objects.filter(incident__in=[row.pk for row in rows], actor_id__in=belligerent_ids)
        for incident_id, name in links.order_by("actor__name").values_list("incident_id", "actor__name"):
            shared.setdefault(incident_id, []).append(name)
    found = [
        candidate for row in rows
        if (candidate := score(incident, row, shared_belligerents=shared.get(row.pk, ()),
                               title_similarity=getattr(row, "title_similarity", 0.0) or 0.0)) is not None
        and candidate.total > 0
    ]
    anchor = period(incident)[0]
    found.sort(key=lambda c: (-c.total, abs((period(c.incident)[0] - anchor).days), c.incident.pk))
    return found[:limit]

"""The map's data: how sure a point is (precision → radius), and a filtered set of incidents clustered on a grid.

Uncertainty is drawn, never hidden: a point known to the exact site, to 100 m or to a street is a point; one known
only to a neighbourhood, town, city, district or province is an area whose radius says how far the incident may be
from it; one known only to its country is never a point at all: those are counted apart, per country.

At a million incidents the server clusters: the viewport (`Viewport`) is cut into square cells of `cell_degrees(zoom)`
(about 64 screen pixels), and the database counts the incidents of each cell (GROUP BY floor(lon / cell),
floor(lat / cell): the same SQL on SQLite and PostgreSQL, read from a partial index that holds exactly the mapped
points). When the viewport holds `INDIVIDUAL_LIMIT` incidents or fewer, they come one by one with what a popup shows.
The viewport is widened to whole cells, so a cell is either wholly counted or not at all, and a slightly moved view
asks the same question again. The set's own counts are kept per filter and data version, the viewport's cells or
incidents per filter, cells and data version (`incidents.cache`): a repeated view costs two primary-key lookups.

Counts always add up: for the whole world, the cells' (or individual incidents') count + the country-only count +
the count of incidents with no coordinates = the list's total for the same filter (`counts.total`).
"""

import math
from dataclasses import dataclass

from django.db.models import Avg, Count, FloatField, Q, Sum
from django.db.models.functions import Cast, Floor
from django.utils.translation import gettext as _

from . import choices, display
from .cache import cached_aggregate
from .params import is_whole_number

P = choices.GeoPrecision
# How far (metres) the incident may be from its point, by what the point stands for. None: the country only.
UNCERTAINTY_RADIUS_M = {
    P.EXACT: 0,
    P.WITHIN_100M: 100,
    P.STREET: 250,
    P.NEIGHBOURHOOD: 1_500,
    P.TOWN: 5_000,
    P.CITY: 15_000,
    P.DISTRICT: 40_000,
    P.PROVINCE: 120_000,
    P.COUNTRY: None,
}
# Up to this radius a point is drawn as a point (a distinct marker); beyond it, as an area of that radius.
POINT_RADIUS_M = 250

MIN_ZOOM, MAX_ZOOM = 0, 20
DEFAULT_ZOOM = 2
WORLD = (-180.0, -90.0, 180.0, 90.0)
# Incidents in the viewport at or below which they come one by one; above it, as counts per cell.
INDIVIDUAL_LIMIT = 300
# The most cells one answer may span (a box far larger than a screen at its zoom is refused, not clustered).
MAX_CELLS = 4096

# The map reads only the public point (`incidents.protection`: coarsened where the location is protected). A protection
# level is never "country", so the public precision is "country" exactly when the recorded one is.
MAPPED = Q(public_latitude__isnull=False) & ~Q(geo_precision=P.COUNTRY)
COUNTRY_ONLY = Q(public_latitude__isnull=False, geo_precision=P.COUNTRY)
UNPLACED = Q(public_latitude__isnull=True)


def uncertainty_radius_m(precision: str) -> int | None:
    """How far (metres) the incident may be from its point, by its geo precision; None when only the country is known."""
    return UNCERTAINTY_RADIUS_M.get(precision, UNCERTAINTY_RADIUS_M[P.TOWN])


def uncertainty_shape(precision: str) -> str:
    """How the map draws a point of this precision: "point" (a site), "area" (a circle of its radius) or "country"."""
    radius = uncertainty_radius_m(precision)
    if radius is None:
        return "country"
    return "point" if radius <= POINT_RADIUS_M else "area"


def radius_words(metres: int | None) -> str:
    """A radius for readers: "250 m", "1.5 km", "120 km" ("" for none)."""
    if not metres:
        return ""
    if metres < 1000:
        return _("%(metres)s m") % {"metres": metres}
    return _("%(km)s km") % {"km": f"{metres / 1000:g}"}


def precision_legend() -> list[dict]:
    """Every geo precision with its words, radius and shape: the JSON's `precisions` and the page's legend."""
    return [
        {"value": value, "label": str(label), "radius_m": uncertainty_radius_m(value),
         "radius_words": radius_words(uncertainty_radius_m(value)), "shape": uncertainty_shape(value)}
        for value, label in P.choices
    ]


def cell_degrees(zoom: int) -> float:
    """The side of a grid cell at a zoom, in degrees: about 64 pixels of a Web Mercator screen (4 cells per tile)."""
    return 90.0 / (2 ** zoom)


class BadViewport(ValueError):
    """A bbox or zoom that cannot be read; its message says why (the endpoint answers 400 with it)."""


@dataclass(frozen=True)
class Viewport:
    """A box (west, south, east, north, degrees) at a zoom, widened to whole grid cells."""

    zoom: int
    west: int  # cell numbers: the box spans cells west..east (inclusive) and south..north
    south: int
    east: int
    north: int

    @classmethod
    def parse(cls, bbox: str | None, zoom: str | None) -> "Viewport":
        """Read `bbox=west,south,east,north` and `zoom=Z`; without them, the whole world at a low zoom."""
        if zoom not in (None, "") and not is_whole_number(zoom):
            raise BadViewport(_("zoom must be a whole number from %(min)s to %(max)s.") % {"min": MIN_ZOOM, "max": MAX_ZOOM})
        level = DEFAULT_ZOOM if zoom in (None, "") else int(zoom)
        if not MIN_ZOOM <= level <= MAX_ZOOM:
            raise BadViewport(_("zoom must be a whole number from %(min)s to %(max)s.") % {"min": MIN_ZOOM, "max": MAX_ZOOM})
        if bbox in (None, ""):
            box = WORLD
        else:
            try:
                box = tuple(float(part) for part in bbox.split(","))
            except ValueError:
                raise BadViewport(_("bbox must be four numbers: west,south,east,north.")) from None
            if len(box) != 4 or not all(math.isfinite(value) for value in box):
                raise BadViewport(_("bbox must be four numbers: west,south,east,north."))
        west, south, east, north = box
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
            raise BadViewport(_("bbox is out of range: longitudes from -180 to 180, latitudes from -90 to 90."))
        if west > east or south > north:
            raise BadViewport(_("bbox must have west ≤ east and south ≤ north (split a box across the antimeridian in two)."))
        cell = cell_degrees(level)
        viewport = cls(level, math.floor(west / cell), math.floor(south / cell), math.floor(east / cell), math.floor(north / cell))
        if viewport.cells > MAX_CELLS:
            raise BadViewport(_("bbox is too large for zoom %(zoom)s: zoom out or ask for a smaller box.") % {"zoom": level})
        return viewport

    @property
    def cells(self) -> int:
        return (self.east - self.west + 1) * (self.north - self.south + 1)

    @property
    def bounds(self) -> list[float]:
        """The widened box in degrees: [west, south, east, north]."""
        cell = cell_degrees(self.zoom)
        return [max(self.west * cell, -180.0), max(self.south * cell, -90.0),
                min((self.east + 1) * cell, 180.0), min((self.north + 1) * cell, 90.0)]

    @property
    def is_world(self) -> bool:
        west, south, east, north = self.bounds
        return west <= -180 and south <= -90 and east >= 180 and north >= 90

    def within(self) -> Q:
        """The incidents inside the widened box (its east and north edges belong to the next cells, except the world's)."""
        west, south, east, north = self.bounds
        below_east = Q(public_longitude__lte=east) if east >= 180 else Q(public_longitude__lt=east)
        below_north = Q(public_latitude__lte=north) if north >= 90 else Q(public_latitude__lt=north)
        return Q(public_longitude__gte=west, public_latitude__gte=south) & below_east & below_north


POPUP_FIELDS = (
    "id", "code", "title", "date_start", "date_end", "date_precision", "country", "admin1", "admin2", "locality",
    "neighbourhood", "public_latitude", "public_longitude", "public_precision", "grade",
    "reported_killed_min", "reported_killed_max", "reported_killed_open", "reported_killed_unquantified",
    "conceded_killed_min", "conceded_killed_max", "conceded_killed_open",
)


def incident_feature(incident) -> dict:
    """One incident as its marker and popup show it: ranges and dates by the pages' own wording (open tops stay open)."""
    conceded = display.range_of(incident, "conceded_killed")
    has_conceded = conceded["low"] is not None or conceded["high"] is not None
    return {
        "code": incident.code,
        "title": incident.title,
        "url": incident.get_absolute_url(),
        "lat": float(incident.public_latitude),
        "lon": float(incident.public_longitude),
        "precision": incident.public_precision,
        "precision_words": display.GEO_PRECISION_WORDS.get(incident.public_precision, ""),
        "shape": uncertainty_shape(incident.public_precision),
        "radius_m": uncertainty_radius_m(incident.public_precision),
        "date": display.format_date(incident.date_start, incident.date_precision, incident.date_end),
        "date_precision": str(choices.DatePrecision(incident.date_precision).label),
        "place": display.format_place(incident),
        "reported": display.format_figure(incident, "reported_killed"),
        "conceded": display.format_figure(incident, "conceded_killed") if has_conceded else None,
        "grade": incident.grade,
        "grade_label": str(choices.Grade(incident.grade).label) if incident.grade else "",
    }


def map_data(queryset, viewport: Viewport, language: str = "") -> dict:
    """The map's answer for a filtered set of published incidents in a viewport.

    Two parts, each cached per data version (`incidents.cache`): the set's own counts (the same for every viewport:
    total, country-only groups, no coordinates) and the viewport's cells or incidents. `language` is part of the keys:
    the popups' dates and words are in the reader's language.
    """
    queryset = queryset.order_by()
    counts = cached_aggregate("map_counts", queryset, _set_counts, language)
    view = cached_aggregate("map_view", queryset, _in_view, viewport, language)
    return {
        **view,
        "country_only": counts["country_only"],
        "counts": {"total": counts["total"], "in_view": view["in_view"], "country_only": counts["country_only_count"],
                   "without_coordinates": counts["without_coordinates"]},
    }


def _set_counts(queryset, language: str) -> dict:
    countries = [
        {"country": row["country"], "name": display.country_name(row["country"]), "count": row["count"],
         "lat": round(row["lat"], 5), "lon": round(row["lon"], 5)}
        for row in queryset.filter(COUNTRY_ONLY).values("country").annotate(
            count=Count("*"), lat=Avg(Cast("public_latitude", FloatField())), lon=Avg(Cast("public_longitude", FloatField())),
        ).order_by("country")
    ]
    country_only = sum(row["count"] for row in countries)
    unplaced = queryset.filter(UNPLACED).count()
    # Counted in the three parts the map shows, each read from its own partial index where the filter allows.
    return {
        "total": queryset.filter(MAPPED).count() + country_only + unplaced,
        "country_only": countries,
        "country_only_count": country_only,
        "without_coordinates": unplaced,
    }


def _in_view(queryset, viewport: Viewport, language: str) -> dict:
    in_view = queryset.filter(MAPPED).filter(viewport.within())
    few = list(in_view.only(*POPUP_FIELDS)[: INDIVIDUAL_LIMIT + 1])
    clusters, incidents = [], []
    if len(few) <= INDIVIDUAL_LIMIT:
        incidents = [incident_feature(incident) for incident in sorted(few, key=lambda row: row.pk)]
        shown = len(incidents)
    else:
        clusters = _cells(in_view, cell_degrees(viewport.zoom))
        shown = sum(cluster["count"] for cluster in clusters)
    return {
        "zoom": viewport.zoom,
        "bbox": viewport.bounds,
        "cell_degrees": cell_degrees(viewport.zoom),
        "mode": "clusters" if clusters else "incidents",
        "clusters": clusters,
        "incidents": incidents,
        "in_view": shown,
    }


# Cell numbers folded into one key, x * CELL_KEY + y: one grouping expression (cheaper to hash than two). Latitude
# cells number fewer than 2^22 at the deepest zoom, so |y| < CELL_KEY / 2 and keys never collide.
CELL_KEY = 2 ** 23


def _cells(queryset, cell: float) -> list[dict]:
    """Counts per grid cell, with the mean point of each cell's incidents and the cell's box (to zoom into on a click).

    Sums, not averages, go to the database: PostgreSQL's float average also keeps a sum of squares for each row.
    """
    longitude, latitude = Cast("public_longitude", FloatField()), Cast("public_latitude", FloatField())
    rows = (
        queryset.annotate(cell_key=Floor(longitude / cell) * CELL_KEY + Floor(latitude / cell))
        .values("cell_key")
        .annotate(count=Count("*"), lat_sum=Sum(latitude), lon_sum=Sum(longitude))
        .order_by()
    )
    clusters = []
    for row in rows:
        x = round(row["cell_key"] / CELL_KEY)
        y = round(row["cell_key"] - x * CELL_KEY)
        clusters.append({
            "lat": round(row["lat_sum"] / row["count"], 5), "lon": round(row["lon_sum"] / row["count"], 5), "count": row["count"],
            "bounds": [y * cell, x * cell, (y + 1) * cell, (x + 1) * cell],  # south, west, north, east
        })
    return sorted(clusters, key=lambda cluster: (-cluster["count"], cluster["lat"], cluster["lon"]))

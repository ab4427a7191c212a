"""Location protection: an incident's public point, coarsened where exact coordinates would endanger people.

An editor sets `Incident.public_geo_precision` (neighbourhood, town or district; empty: as recorded). The public
point is the exact one snapped to a grid whose cell follows that level (`GRID_DEGREES`): deterministic, the same
on every request, so repeated views cannot be averaged back to the site, and never finer than the recorded point
(a database constraint). The database keeps it as generated columns (`public_latitude`, `public_longitude`,
`public_precision`), so every write path (the admin, `bulk.update_rows`, `services.recompute_many`, imports, the
synthetic generator) keeps them without knowing about them. Every public surface reads those; the exact point
stays in the admin. Past versions read from the history are snapped by the same expression with the level the
record has NOW (`redaction`): a later protection hides the earlier exact points too.
"""

import copy
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, DecimalField, F, Q, Value, When
from django.db.models.functions import Coalesce, Round

from .choices import GeoPrecision, ProtectionLevel

# The side of a grid cell, in degrees, for each level (about 1 km, 5.5 km and 28 km of latitude).
GRID_DEGREES = {
    ProtectionLevel.NEIGHBOURHOOD: Decimal("0.01"),
    ProtectionLevel.TOWN: Decimal("0.05"),
    ProtectionLevel.DISTRICT: Decimal("0.25"),
}
# Precisions finest first: a protection level may only be set on a point recorded at least as finely.
FINEST_FIRST = list(GeoPrecision.values)
_COORDINATE = DecimalField(max_digits=9, decimal_places=6)


def snapped(field: str, level: str) -> Round:
    """The coordinate `field` snapped to the grid of `level`: round(value / cell) * cell (half away from zero)."""
    cell = Value(GRID_DEGREES[level], output_field=_COORDINATE)
    return Round(F(field) / cell, output_field=_COORDINATE) * cell


def public_coordinate(field: str, level: str | None = None):
    """THE rule: the public value of `latitude`/`longitude`. With `level` None, by the row's own
    `public_geo_precision` (the generated columns); with a level, that level (history read under today's protection)."""
    if level is not None:
        return snapped(field, level) if level in GRID_DEGREES else F(field)
    return Case(
        *[When(public_geo_precision=name, then=snapped(field, name)) for name in GRID_DEGREES],
        default=F(field), output_field=_COORDINATE,
    )


def public_precision_expression():
    """The precision the public is told: the protection level where one is set, else the recorded one."""
    return Coalesce(F("public_geo_precision"), F("geo_precision"))


def allowed_levels() -> Q:
    """The database constraint: no protection, or a level no finer than the recorded precision."""
    allowed = Q(public_geo_precision__isnull=True)
    for level in GRID_DEGREES:
        finer_or_same = FINEST_FIRST[: FINEST_FIRST.index(level) + 1]
        allowed |= Q(public_geo_precision=level, geo_precision__in=finer_or_same)
    return allowed


# Levels above the neighbourhood: the neighbourhood's name would say more than the public point.
NAMELESS_NEIGHBOURHOOD = [ProtectionLevel.TOWN, ProtectionLevel.DISTRICT]


def no_finer_place_name() -> Q:
    """The database constraint: a location protected to the town or district names no neighbourhood (the editor
    clears it; the history shows none under that protection, `redaction.public_version`)."""
    return ~Q(public_geo_precision__in=NAMELESS_NEIGHBOURHOOD) | Q(neighbourhood="")


def coarser(first: str | None, second: str | None) -> str | None:
    """The coarser of two precisions (None: no protection)."""
    given = [level for level in (first, second) if level]
    return max(given, key=FINEST_FIRST.index) if given else None


def shown(incident):
    """A copy of the incident as the public sees it: the public point and precision in place of the exact ones.

    Pages render this copy, so templates reading `latitude`, `longitude` and `geo_precision` show only the public
    values; it is never saved."""
    public = copy.copy(incident)
    public.latitude, public.longitude = incident.public_latitude, incident.public_longitude
    public.geo_precision = incident.public_precision
    return public


def snap_value(value: Decimal | None, level: str | None) -> Decimal | None:
    """`snapped` in Python, for history rows read as values: the same grid, the same rounding (half away from zero)."""
    if value is None or level not in GRID_DEGREES:
        return value
    cell = GRID_DEGREES[level]
    return ((Decimal(value) / cell).quantize(Decimal(1), rounding=ROUND_HALF_UP) * cell).quantize(Decimal("0.000001"))

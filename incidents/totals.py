"""Totals of a set of published incidents, computed by the database: the one definition for every page and the API.

A range total adds the incidents' own lower bounds, then their upper bounds; an incident with no figure adds
nothing. When no incident of the set has a figure, the sum is None ("no number"), never 0: nothing known is not
the same as nobody killed. Counts are numbers (0 for an empty set).

Open tops: when an incident of the set has an open top ("more than 100") or a claim in words only ("dozens"),
the sum has no upper bound: its maximum is None and it reads "at least <sum of the minimums>" (`reported_open`,
`conceded_open` count those incidents).

Related records (`Incident.related`, possibly the same event): `totals_of` counts each group of related records
in the set once, by the group's widest envelope (lowest minimum, highest maximum, open if any member is open), and
says how many groups it merged (`related_groups`, `related_incidents`). Only the members inside the set count: a
member filtered out or unpublished never adds to a total. Sums per period or per belligerent (`killed_sums`) add
each incident in its row and show the overlap instead: how many of the row's incidents are related records.

Cached: `totals_of` and `totals_by_grade` are kept per set (its SQL) and data version (incidents.cache), so a
repeated page or API call costs one primary-key lookup and no write ever leaves a total stale.
"""

from django.db.models import BooleanField, Case, Count, ExpressionWrapper, IntegerField, Max, Min, Q, Sum, Value, When

from . import choices
from .cache import cached_aggregate

# The small lines of the totals: incidents whose grade says the civilian harm is best established.
STRONG_GRADES = (choices.Grade.CONFIRMED, choices.Grade.FAIR)
HAS_REPORTED = Q(reported_killed_min__isnull=False) | Q(reported_killed_max__isnull=False)
HAS_CONCEDED = Q(conceded_killed_min__isnull=False) | Q(conceded_killed_max__isnull=False)
# The top of an incident's range is unknown: an open-ended claim, or a claim with no number.
REPORTED_OPEN = Q(reported_killed_open=True) | Q(reported_killed_unquantified=True)
CONCEDED_OPEN = Q(conceded_killed_open=True)
IN_RELATED_GROUP = Q(related_group__isnull=False)


def _where(only: Q | None, condition: Q | None = None) -> Q | None:
    if only is None:
        return condition
    return only if condition is None else only & condition


def killed_sums(only: Q | None = None, prefix: str = "") -> dict:
    """The aggregates of a set (for `aggregate`, or `annotate` per group): incidents, reported and conceded killed.

    `only` narrows the rows counted (a filtered aggregate); keys: incidents, reported_min, reported_max, with_reported,
    reported_open, conceded_min, conceded_max, with_conceded, conceded_open, related_incidents (incidents of the set that
    have a related record: the overlap this sum may count twice). A row whose `*_open` count is not 0 has no upper bound.
    """
    return {
        f"{prefix}incidents": Count("pk", filter=_where(only)),
        f"{prefix}reported_min": Sum("reported_killed_min", filter=_where(only)),
        f"{prefix}reported_max": Sum("reported_killed_max", filter=_where(only)),
        f"{prefix}with_reported": Count("pk", filter=_where(only, HAS_REPORTED)),
        f"{prefix}reported_open": Count("pk", filter=_where(only, REPORTED_OPEN)),
        f"{prefix}conceded_min": Sum("conceded_killed_min", filter=_where(only)),
        f"{prefix}conceded_max": Sum("conceded_killed_max", filter=_where(only)),
        f"{prefix}with_conceded": Count("pk", filter=_where(only, HAS_CONCEDED)),
        f"{prefix}conceded_open": Count("pk", filter=_where(only, CONCEDED_OPEN)),
        f"{prefix}related_incidents": Count("pk", filter=_where(only, IN_RELATED_GROUP)),
    }


def _flag(condition: Q) -> Max:
    """1 when any row of the group meets the condition, else 0."""
    return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def _group_envelope(only: Q | None, prefix: str) -> dict:
    """Per group of related records (a lone record is its own group): its members and widest envelope."""
    always = Q(pk__isnull=False)
    return {
        f"g_{prefix}members": Count("pk", filter=_where(only)),
        f"g_{prefix}reported_min": Min("reported_killed_min", filter=_where(only)),
        f"g_{prefix}reported_max": Max("reported_killed_max", filter=_where(only)),
        f"g_{prefix}with_reported": Count("pk", filter=_where(only, HAS_REPORTED)),
        f"g_{prefix}reported_open": _flag(_where(only, REPORTED_OPEN) or always),
        f"g_{prefix}conceded_min": Min("conceded_killed_min", filter=_where(only)),
        f"g_{prefix}conceded_max": Max("conceded_killed_max", filter=_where(only)),
        f"g_{prefix}with_conceded": Count("pk", filter=_where(only, HAS_CONCEDED)),
        f"g_{prefix}conceded_open": _flag(_where(only, CONCEDED_OPEN) or always),
    }


def _group_sums(prefix: str) -> dict:
    members = f"g_{prefix}members"
    related = Q(**{f"{members}__gt": 1})
    sums = {
        f"{prefix}incidents": Sum(members),
        f"{prefix}related_groups": Count(members, filter=related),
        f"{prefix}related_incidents": Sum(members, filter=related),
    }
    for key in ("reported_min", "reported_max", "with_reported", "reported_open",
                "conceded_min", "conceded_max", "with_conceded", "conceded_open"):
        sums[f"{prefix}{key}"] = Sum(f"g_{prefix}{key}")
    return sums


def _honest(values: dict) -> dict:
    """Counts are 0 for an empty set; a sum with an open member has no maximum."""
    values = dict(values)
    for key in ("incidents", "related_groups", "related_incidents", "with_reported", "with_conceded", "reported_open", "conceded_open"):
        values[key] = values.get(key) or 0
    for kind in ("reported", "conceded"):
        if values[f"{kind}_open"]:
            values[f"{kind}_max"] = None
    return values


def _add(a, b):
    """Sum two partial sums, where None means "no number" (not 0)."""
    if a is None:
        return b
    return a if b is None else a + b


def totals_of(queryset) -> dict:
    """The totals of a set, all grades (`all`) and confirmed + fair only (`graded`), in two queries whatever its size (or from the cache).

    Each group of related records in the set counts once, by its widest envelope (module docstring). A lone record
    is its own group, so the records with no related record (nearly all) are summed directly, split by grade strength
    (one pass over the rows, no per-record grouping); only the related ones are grouped first.
    """
    return cached_aggregate("totals_of", queryset, _totals_of)


def _totals_of(queryset) -> dict:
    strong = Q(grade__in=STRONG_GRADES)
    rows = queryset.order_by()
    lone = (
        rows.filter(related_group__isnull=True)
        .annotate(strong=ExpressionWrapper(strong, output_field=BooleanField()))
        .values("strong").annotate(**killed_sums())
    )
    groups = (
        rows.filter(related_group__isnull=False)
        .values("related_group")
        .annotate(**_group_envelope(None, ""), **_group_envelope(strong, "graded_"))
    )
    related = groups.aggregate(**_group_sums(""), **_group_sums("graded_"))
    totals = {
        "all": {key: value for key, value in related.items() if not key.startswith("graded_")},
        "graded": {key.removeprefix("graded_"): value for key, value in related.items() if key.startswith("graded_")},
    }
    for row in lone:
        for kind in ("all", "graded") if row["strong"] else ("all",):
            for key, value in row.items():
                if key not in ("strong", "related_incidents"):
                    totals[kind][key] = _add(totals[kind].get(key), value)
    return {kind: _honest(values) for kind, values in totals.items()}


def totals_by_grade(queryset) -> list[dict]:
    """The same totals for each grade, in the grades' order, ungraded last; grades with no incident left out."""
    return cached_aggregate("totals_by_grade", queryset, _totals_by_grade)


def _totals_by_grade(queryset) -> list[dict]:
    rows = {row["grade"]: row for row in queryset.order_by().values("grade").annotate(**killed_sums())}
    labels = [(grade.value, grade.label) for grade in choices.Grade] + [("", "not graded yet")]
    return [{**_honest(rows[value]), "label": label} for value, label in labels if value in rows]


SUM_KEYS = tuple(killed_sums())


def sum_rows(rows: list[dict]) -> dict:
    """The `killed_sums` of a whole set from the sums of its parts (per month, per year): None is "no number", not 0,
    and a sum with an open member has no maximum, exactly as the database's own sum of the set says."""
    values: dict = {}
    for row in rows:
        for key in SUM_KEYS:
            values[key] = _add(values.get(key), row.get(key))
    values = _honest({key: values.get(key) for key in SUM_KEYS})
    values.pop("related_groups", None)
    return values

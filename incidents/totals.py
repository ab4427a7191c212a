"""Totals of a set of published incidents, computed by the database: the one definition for every page and the API.

A range total adds the incidents' own lower bounds, then their upper bounds; an incident with no figure adds
nothing. When no incident of the set has a figure, the sum is None ("no number", shown as "—"), never 0:
nothing known is not the same as nobody killed. Counts are numbers (0 for an empty set).
"""

from django.db.models import Count, Q, Sum

from . import choices

# The small lines of the totals: incidents whose grade says the civilian harm is best established.
STRONG_GRADES = (choices.Grade.CONFIRMED, choices.Grade.FAIR)
HAS_REPORTED = Q(reported_killed_min__isnull=False) | Q(reported_killed_max__isnull=False)
HAS_CONCEDED = Q(conceded_killed_min__isnull=False) | Q(conceded_killed_max__isnull=False)


def killed_sums(only: Q | None = None, prefix: str = "") -> dict:
    """The aggregates of a set (for `aggregate`, or `annotate` per group): incidents, reported and conceded killed.

    `only` narrows the rows counted (a filtered aggregate); keys: incidents, reported_min, reported_max, with_reported,
    conceded_min, conceded_max, with_conceded.
    """

    def where(condition: Q | None = None) -> Q | None:
        if only is None:
            return condition
        return only if condition is None else only & condition

    return {
        f"{prefix}incidents": Count("pk", filter=where()),
        f"{prefix}reported_min": Sum("reported_killed_min", filter=where()),
        f"{prefix}reported_max": Sum("reported_killed_max", filter=where()),
        f"{prefix}with_reported": Count("pk", filter=where(HAS_REPORTED)),
        f"{prefix}conceded_min": Sum("conceded_killed_min", filter=where()),
        f"{prefix}conceded_max": Sum("conceded_killed_max", filter=where()),
        f"{prefix}with_conceded": Count("pk", filter=where(HAS_CONCEDED)),
    }


def totals_of(queryset) -> dict:
    """The totals of a set, all grades (`all`) and confirmed + fair only (`graded`), in one query."""
    values = queryset.order_by().aggregate(**killed_sums(), **killed_sums(Q(grade__in=STRONG_GRADES), prefix="graded_"))
    graded = {key.removeprefix("graded_"): value for key, value in values.items() if key.startswith("graded_")}
    return {"all": {key: value for key, value in values.items() if not key.startswith("graded_")}, "graded": graded}


def totals_by_grade(queryset) -> list[dict]:
    """The same totals for each grade, in the grades' order, ungraded last; grades with no incident left out."""
    rows = {row["grade"]: row for row in queryset.order_by().values("grade").annotate(**killed_sums())}
    labels = [(grade.value, grade.label) for grade in choices.Grade] + [("", "not graded yet")]
    return [{**rows[value], "label": label} for value, label in labels if value in rows]

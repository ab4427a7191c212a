"""Month-by-month sums for the charts (civilians killed, incidents by grade, a belligerent's accountability gap).

One grouped query per chart, by the database, whatever the size of the record; cached per set and data version
(incidents.cache), like the totals. The numbers are `incidents.totals.killed_sums`, so a chart can never disagree
with the totals of the same set:

- Which month: the timeline's rule (incidents.views.timeline, `Period`): the month of the incident's earliest possible
  date (`date_start`). An incident known only to the year is in no month: it is counted apart, in a row for its year
  ("known only to the year"), so the months and the year-only rows add up to the set's sums.
- Open tops: a row with an incident whose top is open ("more than 100", or a claim with no number) has no upper bound
  (`*_max` is None, `*_open` counts those incidents); the table reads "at least", the chart marks the month.
- Related records (possibly the same event) count in their own month each, as on the timeline; `related_incidents`
  says how many of a row's incidents have one. `totals_of` counts each group once instead, so the sum of the rows
  equals the page's totals when no incident of the set has a related record, and otherwise exceeds it by at most
  the overlap that `related_incidents` shows.
"""

import datetime

from django.db.models import BooleanField, Case, Count, DateField, ExpressionWrapper, Q, QuerySet, When
from django.db.models.functions import TruncMonth, TruncYear
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import accountability, choices
from .cache import cached_aggregate
from .models import Actor
from .totals import killed_sums, sum_rows

YEAR_ONLY = Q(date_precision=choices.DatePrecision.YEAR)
# The grades in their order, then the incidents not graded yet (grade ""); keys of each row's `grades`.
GRADES = [(grade.value, grade.label) for grade in choices.Grade] + [("", gettext_lazy("not graded yet"))]
# Wider spans than this are drawn from the rows alone (no empty months filled in): a hundred years.
MAX_AXIS_MONTHS = 1200


def _grade_counts() -> dict:
    return {f"grade_{value or 'none'}": Count("pk", filter=Q(grade=value)) for value, _label in GRADES}


def _by_period(incidents: QuerySet, aggregates: dict) -> list[dict]:
    """One grouped query: the aggregates per month of `date_start`, and per year for the incidents known only to the year."""
    rows = (
        incidents.order_by()
        .annotate(
            year_only=ExpressionWrapper(YEAR_ONLY, output_field=BooleanField()),
            period=Case(When(YEAR_ONLY, then=TruncYear("date_start")), default=TruncMonth("date_start"), output_field=DateField()),
        )
        .values("period", "year_only")
        .annotate(**aggregates)
        .order_by("period", "year_only")
    )
    return [_row(row) for row in rows]


def _day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])


def _row(row: dict) -> dict:
    """A period's sums as plain values (cacheable): its key ("2017-03", or "2017" for the year-only row), the sums with
    open tops honoured (`incidents.totals`), the counts per grade under `grades`."""
    day = _day(row.pop("period"))
    year_only = bool(row.pop("year_only"))
    grades = {value: row.pop(f"grade_{value or 'none'}") for value, _label in GRADES if f"grade_{value or 'none'}" in row}
    values = {**row, **sum_rows([row])}
    values.update(period=f"{day.year:04d}" if year_only else f"{day.year:04d}-{day.month:02d}", year_only=year_only)
    if grades:
        values["grades"] = grades
    return values


def _split(rows: list[dict], extra_total: dict | None = None) -> dict:
    months = [row for row in rows if not row["year_only"]]
    years = [row for row in rows if row["year_only"]]
    total = sum_rows(rows)
    if rows and "grades" in rows[0]:
        total["grades"] = {value: sum(row["grades"][value] for row in rows) for value, _label in GRADES}
    total.update(extra_total or {})
    return {"months": months, "year_only": years, "total": total}


def monthly_sums(incidents: QuerySet) -> dict:
    """Civilians reported and conceded killed, and incidents by grade, per month (`months`), per year for the incidents
    known only to the year (`year_only`), and in all (`total`, the sum of both). Cached per set and data version."""
    return cached_aggregate("monthly_sums", incidents.order_by(), _monthly_sums)


def _monthly_sums(incidents: QuerySet) -> dict:
    return _split(_by_period(incidents, {**killed_sums(), **_grade_counts()}))


def actor_gap_by_month(actor: Actor) -> dict:
    """The belligerent's accountability gap per month: civilians reported killed in the incidents naming it, what it
    conceded (`accountability.ACTOR_CONCEDED_SUMS`), and how many it answered with any statement (`assessed`,
    `accountability.ASSESSED`). Same periods as `monthly_sums`. Cached per data version."""
    incidents = accountability.actor_incidents(actor)
    return cached_aggregate("actor_gap_by_month", incidents, lambda rows, _pk: _actor_gap_by_month(actor, rows), actor.pk)


def _actor_gap_by_month(actor: Actor, incidents: QuerySet) -> dict:
    sums = {**killed_sums(), **accountability.ACTOR_CONCEDED_SUMS, "assessed": Count("pk", filter=accountability.ASSESSED)}
    rows = _by_period(accountability.actor_answered(actor, incidents), sums)
    for row in rows:
        row["assessed"] = row.get("assessed") or 0
    data = _split(rows)
    data["total"]["assessed"] = sum(row["assessed"] for row in rows)
    return data


# Labels: read per request (the cached sums are the same in every language).


def period_label(row: dict) -> str:
    """The row's period in words, in the active language: "March 2017", or "2017 (known only to the year)"."""
    if row["year_only"]:
        return _("%(year)s (known only to the year)") % {"year": row["period"]}
    return date_format(datetime.date.fromisoformat(f"{row['period']}-01"), "YEAR_MONTH_FORMAT")


def short_label(day: datetime.date) -> str:
    """A month as a chart's axis writes it ("Mar 2017"), in the active language."""
    return date_format(day, "M Y")


def axis(months: list[dict]) -> list[dict]:
    """Every month from the first to the last with incidents (quiet months too, so the chart's time runs evenly)."""
    if not months:
        return []
    first, last = (datetime.date.fromisoformat(f"{months[index]['period']}-01") for index in (0, -1))
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    if span > MAX_AXIS_MONTHS:
        days = [datetime.date.fromisoformat(f"{row['period']}-01") for row in months]
    else:
        days = [datetime.date(first.year + (first.month - 1 + step) // 12, (first.month - 1 + step) % 12 + 1, 1) for step in range(span)]
    return [{"period": f"{day.year:04d}-{day.month:02d}", "label": date_format(day, "YEAR_MONTH_FORMAT"), "short": short_label(day)}
            for day in days]


def in_time_order(data: dict) -> list[dict]:
    """The months and the year-only rows together, each year's year-only row after its December (tables and CSV)."""
    return sorted(data["months"] + data["year_only"], key=lambda row: (row["period"][:4], row["year_only"], row["period"]))


def labelled(data: dict) -> dict:
    """The sums with their words in the active language: each row's `label`, the chart's `axis`, the grades' names."""
    rows = [{**row, "label": period_label(row)} for row in data["months"] + data["year_only"]]
    months = [row for row in rows if not row["year_only"]]
    return {
        "axis": axis(months),
        "months": months,
        "year_only": [row for row in rows if row["year_only"]],
        "total": data["total"],
        "grades": [{"value": value, "label": str(label)} for value, label in GRADES],
    }


def share(assessed: int, incidents: int) -> float | None:
    """The part of the incidents answered with any statement (0–1), None for none."""
    return round(assessed / incidents, 4) if incidents else None

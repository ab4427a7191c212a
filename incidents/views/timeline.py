"""/timeline/: published incidents by month, each month's count and totals computed by the database.

An incident known only to the month is listed under its month as such ("day unknown");
one known only to the year is listed apart, under the year, after its January. A page
shows a window of periods, and at most `PER_PERIOD` incidents in each, so a page costs
the same whatever the size of the record.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import RowNumber, TruncMonth, TruncYear
from django.shortcuts import render
from django.utils.formats import date_format

from .. import choices
from ..cache import cached_aggregate
from ..filters import IncidentFilter
from ..models import Incident
from ..totals import killed_sums, totals_of
from .incident_list import filter_context

PERIODS_PER_PAGE = 12
PER_PERIOD = 30
YEAR = choices.DatePrecision.YEAR


@dataclass(frozen=True, order=True)
class Period:
    """A month of a year, or (month 0) a year's incidents known only to the year; ordered in time, year-only after January."""

    year: int
    month: int

    @classmethod
    def decode(cls, text: str) -> "Period":
        match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", (text or "").strip())
        if not match:
            raise ValueError(text)
        year, month = int(match[1]), int(match[2] or 0)
        if not 1 <= year <= 9998 or not 0 <= month <= 12 or (match[2] and month == 0):
            raise ValueError(text)
        return cls(year, month)

    def encode(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" if self.month else f"{self.year:04d}"

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month or 1, 1)

    @property
    def last_day(self) -> datetime.date:
        if not self.month:
            return datetime.date(self.year, 12, 31)
        return (self.first_day + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)

    @property
    def year_only(self) -> bool:
        return self.month == 0

    @property
    def label(self) -> str:
        return f"{self.year} (month unknown)" if self.year_only else date_format(self.first_day, "F Y")

    @property
    def anchor(self) -> str:
        return f"period-{self.encode()}"


def _month_bound(period: Period, newer: bool) -> Q:
    """Month-grouped incidents (not year-only) in periods older or newer than `period`."""
    if newer:
        start = period.first_day if period.year_only else period.last_day + datetime.timedelta(days=1)
        return Q(date_start__gte=start)
    return Q(date_start__lt=datetime.date(period.year, period.month or 1, 1))


def _year_bound(period: Period, newer: bool) -> Q:
    """Year-only incidents in periods older or newer than `period` (a year-only period comes after its January)."""
    if newer:
        return Q(date_start__gte=datetime.date(period.year + 1, 1, 1))
    limit = period.year if period.year_only else period.year + 1
    return Q(date_start__lt=datetime.date(limit, 1, 1))


def period_totals(queryset, *, before: Period | None = None, after: Period | None = None, limit: int | None = None):
    """Up to `limit` periods with incidents, before or after a period (default: the newest), each with its totals.

    Two grouped queries (months, year-only), each limited, or the cache (incidents.cache); returns (periods newest
    first, more beyond?).
    """
    return cached_aggregate("period_totals", queryset, _period_totals, before, after, limit or PERIODS_PER_PAGE)


def _period_totals(queryset, before: Period | None, after: Period | None, limit: int):
    cursor, newer = (after, True) if after else (before, False)
    by_month = queryset.exclude(date_precision=YEAR)
    by_year = queryset.filter(date_precision=YEAR)
    if cursor:
        by_month = by_month.filter(_month_bound(cursor, newer))
        by_year = by_year.filter(_year_bound(cursor, newer))
    order = "period" if newer else "-period"
    months = by_month.order_by().annotate(period=TruncMonth("date_start")).values("period").annotate(**killed_sums()).order_by(order)
    years = by_year.order_by().annotate(period=TruncYear("date_start")).values("period").annotate(**killed_sums()).order_by(order)
    found = [(Period(row["period"].year, row["period"].month), row) for row in months[: limit + 1]]
    found += [(Period(row["period"].year, 0), row) for row in years[: limit + 1]]
    found.sort(key=lambda pair: pair[0], reverse=not newer)
    more = len(found) > limit
    found = found[:limit]
    found.sort(key=lambda pair: pair[0], reverse=True)
    return found, more


def period_incidents(queryset, periods: list[Period]) -> dict[Period, list[Incident]]:
    """The incidents of the shown periods, at most PER_PERIOD each, in one query: day unknown first, then by day."""
    months = [period for period in periods if not period.year_only]
    years = [period for period in periods if period.year_only]
    within = Q(pk__in=[])
    if months:
        within |= ~Q(date_precision=YEAR) & Q(date_start__gte=min(months).first_day, date_start__lte=max(months).last_day)
    if years:
        within |= Q(date_precision=YEAR, date_start__gte=min(years).first_day, date_start__lte=max(years).last_day)
    # Incidents known only to the month open their month, so the per-month cap never hides them.
    day_known = Case(When(date_precision=choices.DatePrecision.MONTH, then=Value(0)), default=Value(1), output_field=IntegerField())
    year_only = Case(When(date_precision=YEAR, then=Value(1)), default=Value(0), output_field=IntegerField())
    period = Case(When(date_precision=YEAR, then=TruncYear("date_start")), default=TruncMonth("date_start"))
    ranked = (
        queryset.filter(within)
        .annotate(
            year_only=year_only, day_known=day_known,
            rank=Window(RowNumber(), partition_by=[year_only, period], order_by=[day_known, F("date_start").asc(), F("id").asc()]),
        )
        .filter(rank__lte=PER_PERIOD)
        .order_by("day_known", "date_start", "id")
    )
    grouped: dict[Period, list[Incident]] = {period: [] for period in periods}
    for incident in ranked:
        key = Period(incident.date_start.year, 0 if incident.year_only else incident.date_start.month)
        grouped.setdefault(key, []).append(incident)
    return grouped


def timeline(request):
    filterset = IncidentFilter(request.GET or None, queryset=Incident.objects.published())
    context = filter_context(request, filterset)
    if not context["valid"]:
        return render(request, "incidents/timeline.html", context)

    message = ""
    before = after = None
    try:
        if request.GET.get("before"):
            before = Period.decode(request.GET["before"])
        elif request.GET.get("after"):
            after = Period.decode(request.GET["after"])
    except ValueError:
        message = "This page link is not valid: a period is written YYYY-MM (or YYYY). Showing the newest months."
    queryset = filterset.qs.order_by()
    found, more = period_totals(queryset, before=before, after=after)
    if not found and (before or after):
        message = "There are no incidents beyond that period. Showing the newest months."
        before = after = None
        found, more = period_totals(queryset)

    periods = [period for period, _ in found]
    incidents = period_incidents(queryset, periods) if periods else {}
    sections = [
        {"period": period, "totals": row, "incidents": incidents.get(period, []), "capped": row["incidents"] > PER_PERIOD}
        for period, row in found
    ]
    context.update(
        sections=sections, page_message=message, per_period=PER_PERIOD, totals=totals_of(queryset),
        newer=(periods[0] if (before or (after and more)) else None),
        older=(periods[-1] if ((not after and more) or after) else None),
    )
    return render(request, "incidents/timeline.html", context)

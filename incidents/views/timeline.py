"""/timeline/: published incidents by month, each month's count and totals computed by the database.

An incident known only to the month is listed under its month as such ("day unknown");
one known only to the year is listed apart, under the year, after its January. A page
shows a window of periods, and at most `PER_PERIOD` incidents in each, so a page costs
the same whatever the size of the record.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import TruncMonth, TruncYear
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext

from .. import choices
from ..cache import cached_aggregate
from ..filters import IncidentFilter
from ..models import Incident
from ..params import is_whole_number
from ..templatetags.tracker import when
from ..timeline_strip import build_strip, jump_years, year_page
from ..totals import killed_sums, totals_of
from .incident_list import filter_context, without_empty_parameters

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
        match = re.fullmatch(r"([0-9]{4})(?:-([0-9]{2}))?", (text or "").strip())
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
        return gettext("%(year)s (month unknown)") % {"year": self.year} if self.year_only else date_format(self.first_day, "F Y")

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


def _periods_between(by_month, by_year, order: str, limit: int) -> list:
    """The periods of month-grouped and year-only incidents, with their totals (two grouped queries, each limited)."""
    months = by_month.annotate(period=TruncMonth("date_start")).values("period").annotate(**killed_sums()).order_by(order)
    years = by_year.annotate(period=TruncYear("date_start")).values("period").annotate(**killed_sums()).order_by(order)
    return [(Period(row["period"].year, row["period"].month), row) for row in months[: limit + 1]] + [
        (Period(row["period"].year, 0), row) for row in years[: limit + 1]
    ]


def _window(edge: datetime.date, span: int, newer: bool) -> tuple[Q, Q]:
    """`span` months from the month of `edge` (towards newer or older periods), with the year-only periods that sit
    among them: a year-only period comes after its January, so it is inside only when every month of its year that
    is newer (or older) than it is inside too. Returns (months, year-only periods): the rest of each is beyond."""
    month = edge.year * 12 + edge.month - 1 + (span - 1 if newer else 1 - span)
    far = datetime.date(month // 12, month % 12 + 1, 1)
    next_year = datetime.date(far.year + 1, 1, 1)
    if newer:
        return Q(date_start__lt=(far + datetime.timedelta(days=32)).replace(day=1)), Q(date_start__lt=next_year)
    return Q(date_start__gte=far), Q(date_start__gte=next_year)


def period_totals(queryset, *, before: Period | None = None, after: Period | None = None, limit: int | None = None):
    """Up to `limit` periods with incidents, before or after a period (default: the newest), each with its totals.

    The sums read only a window of months next to the cursor (from the nearest incident, found through the date
    index), widened until it holds enough periods or the record ends: a page costs the same whatever the record's
    size. Every period outside the window is beyond every period inside it (`_window`). Cached per set and data
    version (incidents.cache). Returns (periods newest first, more beyond?).
    """
    return cached_aggregate("period_totals", queryset, _period_totals, before, after, limit or PERIODS_PER_PAGE)


def _period_totals(queryset, before: Period | None, after: Period | None, limit: int):
    cursor, newer = (after, True) if after else (before, False)
    by_month = queryset.order_by().exclude(date_precision=YEAR)
    by_year = queryset.order_by().filter(date_precision=YEAR)
    if cursor:
        by_month = by_month.filter(_month_bound(cursor, newer))
        by_year = by_year.filter(_year_bound(cursor, newer))
    direction = "date_start" if newer else "-date_start"
    nearest = [row.order_by(direction).values_list("date_start", flat=True).first() for row in (by_month, by_year)]
    nearest = [day for day in nearest if day]
    if not nearest:
        return [], False
    edge, span, order = (min(nearest) if newer else max(nearest)), limit + 1, "period" if newer else "-period"
    while True:
        months, years = _window(edge, span, newer)
        found = _periods_between(by_month.filter(months), by_year.filter(years), order, limit)
        more = len(found) > limit or by_month.exclude(months).exists() or by_year.exclude(years).exists()
        if len(found) > limit or not more:
            break
        span *= 2
    found.sort(key=lambda pair: pair[0], reverse=not newer)
    found = found[:limit]
    found.sort(key=lambda pair: pair[0], reverse=True)
    return found, more


def _first_of(queryset, within: Q, precision: Q, room: int) -> list[Incident]:
    return list(queryset.filter(within, precision).order_by("date_start", "id")[:room]) if room > 0 else []


def period_incidents(queryset, periods: list[Period]) -> dict[Period, list[Incident]]:
    """The incidents of the shown periods, at most PER_PERIOD each: day unknown first, then by day.

    Each read takes the first rows of one period from an index (at most two per period, and the periods of a page
    are few): no read sorts a whole period, whatever its size.
    """
    grouped: dict[Period, list[Incident]] = {}
    for period in periods:
        within = Q(date_start__gte=period.first_day, date_start__lte=period.last_day)
        if period.year_only:
            grouped[period] = _first_of(queryset, within, Q(date_precision=YEAR), PER_PERIOD)
            continue
        # Incidents known only to the month open their month, so the per-month cap never hides them.
        rows = _first_of(queryset, within, Q(date_precision=choices.DatePrecision.MONTH), PER_PERIOD)
        rows += _first_of(queryset, within, ~Q(date_precision__in=[choices.DatePrecision.MONTH, YEAR]), PER_PERIOD - len(rows))
        grouped[period] = rows
    return grouped


def to_year_page(request) -> HttpResponseRedirect | None:
    """`?year=2017` (the strip's jump form) redirected to that year's page, whatever the page's own parameters are."""
    text = request.GET.get("year", "")
    if not text:
        return None
    year = int(text) if is_whole_number(text) and 1 <= int(text) <= 9997 else None
    if year is None:
        params = request.GET.copy()
        params.pop("year")
        return HttpResponseRedirect(request.path + (f"?{params.urlencode()}" if params else ""))
    return HttpResponseRedirect(request.path + year_page(Period, year, request.GET))


def timeline(request):
    redirect = without_empty_parameters(request) or to_year_page(request)
    if redirect:
        return redirect
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
        message = gettext("This page link is not valid: a period is written YYYY-MM (or YYYY). Showing the newest months.")
    queryset = filterset.qs.order_by()
    found, more = period_totals(queryset, before=before, after=after)
    if not found and (before or after):
        message = gettext("There are no incidents beyond that period. Showing the newest months.")
        before = after = None
        found, more = period_totals(queryset)

    periods = [period for period, _ in found]
    incidents = period_incidents(queryset, periods) if periods else {}
    sections = [
        {"period": period, "totals": row, "incidents": incidents.get(period, []), "capped": row["incidents"] > PER_PERIOD}
        for period, row in found
    ]
    context.update(
        strip=build_strip(queryset, found, sections, request.GET, when), jump_years=jump_years(Period, queryset, request.GET),
        strip_keep=[(name, value) for name, values in request.GET.lists() if name not in ("before", "after", "page", "year") for value in values],
        sections=sections, page_message=message, per_period=PER_PERIOD, totals=totals_of(queryset),
        newer=(periods[0] if (before or (after and more)) else None),
        older=(periods[-1] if ((not after and more) or after) else None),
    )
    return render(request, "incidents/timeline.html", context)

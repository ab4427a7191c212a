"""The strip above /timeline/: each year of the page a row of twelve months, newest first, with the page's incidents on it.

An incident is drawn across every day it may have happened on, as honest as its date: one known only to the month
spans its whole month and one known only to the year its whole year, never a first day it is not known to have
happened on. The months' counts are the page's period sums (views.timeline), plus one grouped query for the months
of the shown years that lie on other pages; the marks are only the incidents the page already lists. So the strip
costs the same whatever the size of the record.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.db.models.functions import TruncMonth
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import choices
from .cache import cached_aggregate

MONTH_WIDTH = 60  # user units of one month; a row's viewBox is twelve of them, stretched to the page's width
ROW_WIDTH = 12 * MONTH_WIDTH
BAR_HEIGHT = 36  # the tallest month's count bar
LANE_HEIGHT = 7
LANE_GAP = 3
MAX_LANES = 10  # beyond it, marks share the last lane (each stays a link, and every incident is listed below)
YEAR, MONTH, WEEK = choices.DatePrecision.YEAR, choices.DatePrecision.MONTH, choices.DatePrecision.WEEK


def coordinate(value: float) -> str:
    """An SVG coordinate as written in the strip: at most three decimals, no trailing zeros."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


def possible_days(incident) -> tuple[datetime.date, datetime.date]:
    """The first and last day an incident may have happened on, as its precision says (a month's incident: the month)."""
    start, end = incident.date_start, incident.date_end or incident.date_start
    if incident.date_precision == YEAR:
        return datetime.date(start.year, 1, 1), datetime.date(end.year, 12, 31)
    if incident.date_precision == MONTH:
        return start.replace(day=1), end.replace(day=calendar.monthrange(end.year, end.month)[1])
    if incident.date_precision == WEEK and not incident.date_end:
        return start, start + datetime.timedelta(days=6)
    return start, max(start, end)


def month_span(month: int) -> tuple[float, float]:
    """Where a month sits on its year's row (x, width): December first, as the page lists the newest first."""
    return (12 - month) * MONTH_WIDTH, MONTH_WIDTH


def day_span(day: datetime.date) -> tuple[float, float]:
    """Where a day sits on its year's row (x, width): inside its month, the month's last day first."""
    length = calendar.monthrange(day.year, day.month)[1]
    x, _width = month_span(day.month)
    return x + (length - day.day) * MONTH_WIDTH / length, MONTH_WIDTH / length


def span_on_row(first: datetime.date, last: datetime.date, year: int) -> tuple[float, float] | None:
    """The (x, width) of the days first..last that fall in `year`, or None when none does."""
    first, last = max(first, datetime.date(year, 1, 1)), min(last, datetime.date(year, 12, 31))
    if first > last:
        return None
    newest_x, _width = day_span(last)
    oldest_x, oldest_width = day_span(first)
    return newest_x, oldest_x + oldest_width - newest_x


def into_lanes(spans: list[tuple[float, float]]) -> list[int]:
    """A lane for each (x, width), so that marks in one lane do not overlap (greedy, in the order given)."""
    ends: list[float] = []
    lanes = []
    for x, width in spans:
        lane = next((index for index, end in enumerate(ends) if end <= x), None)
        if lane is None:
            lane = min(len(ends), MAX_LANES - 1)
            if lane == len(ends):
                ends.append(0.0)
        ends[lane] = max(ends[lane], x + width)
        lanes.append(lane)
    return lanes


def successor(period):
    """The period right after `period` in time (a year's month-unknown incidents come before its January)."""
    if period.year_only:
        return type(period)(period.year, 1)
    return type(period)(period.year, period.month + 1) if period.month < 12 else type(period)(period.year + 1, 0)


def page_starting_at(period, params) -> str:
    """The address of the timeline page whose first period is `period`: the periods before its successor."""
    query = params.copy()
    for name in ("before", "after", "page", "year"):
        query.pop(name, None)
    query["before"] = successor(period).encode()
    return f"?{query.urlencode()}"


def year_page(period_class, year: int, params) -> str:
    """The address of the timeline page that opens with the newest period of `year` (its December, or older)."""
    return page_starting_at(period_class(year, 12), params)


def _other_counts(queryset, years: tuple[int, ...], newest, oldest, month_window) -> dict:
    """Incidents per period of `years` outside the page's window of periods: one grouped query."""
    Period = type(newest)
    first, last = datetime.date(years[-1], 1, 1), datetime.date(years[0], 12, 31)
    months = ~Q(date_precision=YEAR) & Q(date_start__gte=first, date_start__lte=last)
    if month_window:
        months &= ~Q(date_start__gte=month_window[0], date_start__lte=month_window[1])
    # Year-only periods outside the window, as date ranges (sargable, unlike a lookup on the year of the date).
    year_only = Q(pk__in=[])
    for year in years:
        if not oldest <= Period(year, 0) <= newest:
            year_only |= Q(date_precision=YEAR, date_start__gte=datetime.date(year, 1, 1), date_start__lte=datetime.date(year, 12, 31))
    rows = (
        queryset.order_by().filter(months | year_only)
        .annotate(month=TruncMonth("date_start"), year_only=Case(
            When(date_precision=YEAR, then=Value(True)), default=Value(False), output_field=BooleanField()))
        .values("month", "year_only").annotate(incidents=Count("id"))
    )
    return {Period(row["month"].year, 0 if row["year_only"] else row["month"].month): row["incidents"] for row in rows}


def other_counts(queryset, years, newest, oldest, month_window) -> dict:
    """`_other_counts`, cached per set and data version like the period sums."""
    return cached_aggregate("timeline_strip", queryset, _other_counts, years, newest, oldest, month_window)


@dataclass
class Mark:
    incident: object
    x: str
    width: str
    y: str
    label: str
    precision: str


def _mark_label(incident, when: str) -> str:
    return _("%(code)s: %(title)s, %(when)s") % {"code": incident.code, "title": incident.title, "when": when}


def _row(Period, year, counts, shown, incidents, tallest, params, when):
    months = []
    for month in range(12, 0, -1):
        period = Period(year, month)
        count, name = counts.get(period, 0), date_format(period.first_day, "F Y")
        x, width = month_span(month)
        height = max(2.0, BAR_HEIGHT * count / tallest) if count else 0.0
        months.append({
            "period": period, "count": count, "short": date_format(period.first_day, "M"),
            "href": f"#{period.anchor}" if period in shown else (page_starting_at(period, params) if count else ""),
            "x": coordinate(x), "width": coordinate(width), "bar_y": coordinate(BAR_HEIGHT - height), "bar_height": coordinate(height),
            "title": ngettext("%(month)s: %(count)s incident", "%(month)s: %(count)s incidents", count) % {"month": name, "count": count},
        })
    placed = [(incident, span_on_row(*possible_days(incident), year)) for incident in incidents]
    placed = sorted([pair for pair in placed if pair[1]], key=lambda pair: (pair[1][0], -pair[1][1], pair[0].id))
    lanes = into_lanes([span for _incident, span in placed])
    marks = [
        Mark(incident, coordinate(span[0]), coordinate(span[1]), coordinate(BAR_HEIGHT + LANE_GAP + lane * (LANE_HEIGHT + LANE_GAP)),
             _mark_label(incident, when(incident)), incident.date_precision)
        for (incident, span), lane in zip(placed, lanes, strict=True)
    ]
    used = max(lanes, default=-1) + 1
    year_period = Period(year, 0)
    year_only = counts.get(year_period, 0)
    return {
        "year": year, "months": months, "marks": marks, "height": BAR_HEIGHT + LANE_GAP + max(used, 1) * (LANE_HEIGHT + LANE_GAP),
        "year_only": year_only,
        "year_only_href": f"#{year_period.anchor}" if year_period in shown else (page_starting_at(year_period, params) if year_only else ""),
        "empty": not marks and not year_only and not any(month["count"] for month in months),
    }


def build_strip(queryset, found, sections, params, when) -> dict | None:
    """The strip of the page's periods (`found`: (period, sums) newest first) and incidents (`sections`).

    `params` is the request's query (filters kept in every link); `when` writes an incident's date as pages do.
    Rows run from the newest shown year to the oldest, leaving out years without an incident.
    """
    if not found:
        return None
    periods = [period for period, _row in found]
    newest, oldest = periods[0], periods[-1]
    years = tuple(range(newest.year, oldest.year - 1, -1))
    month_periods = [period for period in periods if not period.year_only]
    month_window = (min(month_periods).first_day, max(month_periods).last_day) if month_periods else None
    counts = dict(other_counts(queryset, years, newest, oldest, month_window))
    counts.update({period: row["incidents"] for period, row in found})
    shown = set(periods)
    tallest = max([count for period, count in counts.items() if not period.year_only] or [1]) or 1
    shown_incidents = [incident for section in sections for incident in section["incidents"]]
    rows = [_row(type(newest), year, counts, shown, shown_incidents, tallest, params, when) for year in years]
    return {"rows": [row for row in rows if not row["empty"]], "width": ROW_WIDTH, "bar_height": BAR_HEIGHT, "lane_height": LANE_HEIGHT}


def year_range(queryset) -> tuple[int, int] | None:
    """The newest and oldest year with an incident in the set: two reads from the date index."""
    dates = queryset.order_by().values_list("date_start", flat=True)
    newest, oldest = dates.order_by("-date_start").first(), dates.order_by("date_start").first()
    return (newest.year, oldest.year) if newest else None


def jump_years(period_class, queryset, params) -> list[dict]:
    """Every year from the newest incident's to the oldest's, newest first, each with its page of the timeline."""
    bounds = cached_aggregate("timeline_years", queryset, year_range)
    if not bounds:
        return []
    return [{"year": year, "href": year_page(period_class, year, params)} for year in range(bounds[0], bounds[1] - 1, -1)]

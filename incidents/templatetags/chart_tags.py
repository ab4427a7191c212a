"""{% page_charts %}: the month-by-month charts' numbers for a page, the same as its JSON and CSV give."""

from django import template
from django.http import QueryDict
from django.urls import reverse

from .. import charts
from ..views import charts as chart_views

register = template.Library()


@register.simple_tag
def page_charts(query=None, actor=None, conflict=None):
    """The charts of a page: all published incidents, a page's filters (`query`: the timeline's request.GET), or the
    incidents naming a belligerent (with its gap) or of a conflict. None when the filters are not valid (the page
    says why). Keys: monthly, rows (months and year-only rows in time order), json_url, csv_url, and for a
    belligerent gap, gap_rows, gap_json_url, gap_csv_url."""
    params = QueryDict(mutable=True)
    actor = actor or None  # a variable the page does not set reads as ""
    if actor:
        params["belligerent"] = actor.slug
    elif conflict:
        params["conflict"] = conflict.slug
    elif query:
        params = query
    monthly, errors = chart_views.monthly_data(params)
    if monthly is None:
        return None
    filters = chart_views.filter_query(params)
    suffix = f"?{filters}" if filters else ""
    found = {
        "monthly": monthly,
        "rows": charts.in_time_order(monthly),
        "json_url": reverse("chart_monthly_json") + suffix,
        "csv_url": reverse("chart_monthly_csv") + suffix,
    }
    if actor is not None:
        gap = chart_views.gap_data(actor)
        found.update(
            gap=gap, gap_rows=charts.in_time_order(gap), actor=actor,
            gap_json_url=reverse("belligerent_gap_json", args=[actor.slug]),
            gap_csv_url=reverse("belligerent_gap_csv", args=[actor.slug]),
        )
    return found


@register.filter
def grade_count(row, value):
    """{{ row|grade_count:"confirmed" }}: the row's incidents of that grade ("" for not graded yet)."""
    return row["grades"].get(value, 0)


@register.filter
def percent(part):
    """0.4567 → "46%" (None → "–")."""
    return "–" if part is None else f"{round(part * 100)}%"

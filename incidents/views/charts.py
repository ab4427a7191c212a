"""The charts' data: JSON for the page's script, CSV for people (the same rows, the same sums as the page's table).

`/charts/monthly.json|.csv` take the incident list's filters (`IncidentFilter`, on the published incidents only), so
a chart follows its page's filter; `/belligerents/<slug>/gap.json|.csv` are a public belligerent's gap by month.
A filter that is not valid is answered 400 with its reasons, never with the sums of a set nobody asked for.
"""

import csv
import io

from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import charts
from ..exports import spreadsheet_safe
from ..filters import DEFAULT_SORT, IncidentFilter
from ..models import Actor, Incident

# Stable English column names (whatever the page's language): what a researcher's script reads.
MONTHLY_COLUMNS = [
    "period", "precision", "incidents",
    "reported_killed_min", "reported_killed_max", "reported_killed_open",
    "conceded_killed_min", "conceded_killed_max", "conceded_killed_open",
    "incidents_with_reported", "incidents_with_conceded", "related_incidents",
] + [f"grade_{value or 'none'}" for value, _label in charts.GRADES]
GAP_COLUMNS = [
    "period", "precision", "incidents",
    "reported_killed_min", "reported_killed_max", "reported_killed_open",
    "conceded_killed_min", "conceded_killed_max", "conceded_killed_open",
    "incidents_with_statement", "share_with_statement", "related_incidents",
]


def chart_filter(params: QueryDict) -> IncidentFilter:
    """The list's filter on the published incidents, in date order (a chart sums; relevance would only cost)."""
    data = params.copy()
    data["sort"] = DEFAULT_SORT
    return IncidentFilter(data, queryset=Incident.objects.published())


def filter_query(params: QueryDict) -> str:
    """The filters of a page's address that the chart's data follows (the page's own parameters, such as the timeline's
    `before`, left out), url-encoded."""
    kept = QueryDict(mutable=True)
    for name in IncidentFilter.base_filters:
        if name != "sort":
            values = [value for value in params.getlist(name) if value]
            if values:
                kept.setlist(name, values)
    return kept.urlencode()


def monthly_data(params: QueryDict) -> tuple[dict | None, dict]:
    """(labelled monthly sums, {}) for valid filters, else (None, {field: [reasons]})."""
    filterset = chart_filter(params)
    if not filterset.is_valid():
        return None, {name: [str(error) for error in errors] for name, errors in filterset.form.errors.items()}
    return charts.labelled(charts.monthly_sums(filterset.qs.order_by())), {}


def _refused(errors: dict, as_json: bool) -> HttpResponse:
    if as_json:
        return JsonResponse({"errors": errors}, status=400)
    lines = [_("These filters are not valid:")] + [f"{name}: {' '.join(reasons)}" for name, reasons in errors.items()]
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


def _number(value):
    return "" if value is None else value


def _csv(rows: list[list], columns: list[str], filename: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _killed_cells(row: dict) -> list:
    return [
        row["period"], "year" if row["year_only"] else "month", row["incidents"],
        _number(row["reported_min"]), _number(row["reported_max"]), row["reported_open"],
        _number(row["conceded_min"]), _number(row["conceded_max"]), row["conceded_open"],
    ]


def monthly_json(request):
    data, errors = monthly_data(request.GET)
    if data is None:
        return _refused(errors, as_json=True)
    return JsonResponse({**data, "csv": reverse("chart_monthly_csv") + _query(request), "text": chart_words()})


def monthly_csv(request):
    data, errors = monthly_data(request.GET)
    if data is None:
        return _refused(errors, as_json=False)
    rows = [
        _killed_cells(row) + [row["with_reported"], row["with_conceded"], row["related_incidents"]]
        + [row["grades"][value] for value, _label in charts.GRADES]
        for row in charts.in_time_order(data)
    ]
    return _csv(rows, MONTHLY_COLUMNS, "incidents-by-month.csv")


def _query(request) -> str:
    query = filter_query(request.GET)
    return f"?{query}" if query else ""


def public_actor(slug: str) -> Actor:
    actor = Actor.objects.public().filter(slug=slug).first()
    if actor is None:
        raise Http404("No such belligerent")
    return actor


def gap_data(actor: Actor) -> dict:
    """The belligerent's gap by month, labelled, each row with its `share` answered."""
    data = charts.labelled(charts.actor_gap_by_month(actor))
    for row in data["months"] + data["year_only"] + [data["total"]]:
        row["share"] = charts.share(row["assessed"], row["incidents"])
    return data


def gap_json(request, slug):
    actor = public_actor(slug)
    data = gap_data(actor)
    return JsonResponse({**data, "csv": reverse("belligerent_gap_csv", args=[actor.slug]), "text": chart_words(actor)})


def gap_csv(request, slug):
    actor = public_actor(slug)
    data = gap_data(actor)
    rows = [
        _killed_cells(row) + [row["assessed"], _number(row["share"]), row["related_incidents"]]
        for row in charts.in_time_order(data)
    ]
    return _csv(rows, GAP_COLUMNS, f"{actor.slug}-gap-by-month.csv")


def chart_words(actor: Actor | None = None) -> dict:
    """The words the script draws with, in the active language ({n} stands for a number)."""
    words = {
        "reported": _("Civilians reported killed (lowest to highest)"),
        "conceded": _("Conceded killed by a belligerent"),
        "reported_open": _("Reported: at least (no upper bound)"),
        "conceded_open": _("Conceded: at least (no upper bound)"),
        "at_least": _("at least {n}"),
        "no_number": _("no number"),
        "incidents": _("Incidents"),
        "killed_axis": _("Civilians killed"),
        "incidents_axis": _("Incidents"),
        "share": _("Answered with a statement"),
        "share_of": _("{assessed} of {incidents} incidents"),
    }
    if actor is not None:
        words["conceded"] = _("Conceded by %(actor)s") % {"actor": actor.name}
        words["share"] = _("Answered by %(actor)s with any statement") % {"actor": actor.name}
    return words

"""Overlap between sources and datasets (`incidents.overlap`) for the list's filters: a page and a CSV of the same rows.

Parameters besides the list's filters: `system` (2 to 5, repeated or comma-separated: `source:<slug>`,
`dataset:<name>`, `confidential`; default the three that recorded most incidents of the set) and `by`
(`none`, `month` or `admin1`). Bad values: reasons in the page's notice, a 400 with them for the CSV.
"""

from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import charts, overlap
from ..filters import IncidentFilter
from ..models import Incident
from .charts import _csv, _query, _refused, chart_filter
from .incident_list import filter_context

# Stable English column names: the stratum, the capture history, one 0/1 column per chosen system (its key), the counts.
CSV_HEAD = ["by", "stratum", "capture_history"]
CSV_TAIL = ["incidents", "named_victims"]
# How many systems of the set the page offers to choose from (most incidents first; any other by its key).
OFFERED = 40


def _read(params, incidents) -> dict:
    """The chosen systems, stratification and table of a valid set, or the reasons (`errors`) it cannot be drawn."""
    by = params.get("by") or "none"
    found = overlap.systems_of(incidents)
    chosen, errors = overlap.parse_systems(params.getlist("system"), found)
    if by not in overlap.BY:
        errors.append(_("Unknown stratification “%(by)s”: choose none, month or admin1.") % {"by": by[:30]})
    result = {"by": by, "found": found, "chosen": chosen, "errors": errors}
    if not errors and chosen:
        table = overlap.capture_histories(incidents, tuple((system["kind"], system["ref"]) for system in chosen), by)
        result.update(rows=overlap.table_rows(table, len(chosen)), summary=overlap.summary(table, len(chosen)))
    return result


def stratum_label(by: str, stratum: str) -> str:
    """A stratum in words, in the active language."""
    if by == "month":
        return charts.period_label({"period": stratum, "year_only": len(stratum) == 4})
    if by == "admin1":
        country, _colon, admin1 = stratum.partition(":")
        return _("%(province)s (%(country)s)") % {"province": admin1 or _("province unknown"), "country": country or _("country unknown")}
    return _("all incidents")


def overlap_page(request):
    filterset = IncidentFilter(request.GET or None, queryset=Incident.objects.published())
    context = filter_context(request, filterset)
    if context["valid"]:
        incidents = filterset.qs.order_by()
        data = _read(request.GET, incidents)
        chosen_keys = {system["key"] for system in data["chosen"]}
        offered = data["found"][:OFFERED] + [s for s in data["found"][OFFERED:] if s["key"] in chosen_keys]
        context.update(data, offered=offered, chosen_keys=chosen_keys, by_choices=_by_choices(),
                       kept=[(name, value) for name in IncidentFilter.base_filters if name != "sort"
                             for value in request.GET.getlist(name) if value],
                       csv_url=reverse("overlap_csv") + _csv_query(request))
        for row in data.get("rows", []):
            row["label"] = stratum_label(data["by"], row["stratum"])
        if "summary" in data:
            context["per_system"] = list(zip(data["chosen"], data["summary"]["per_system"], strict=True))
    return render(request, "incidents/overlap.html", context)


def _by_choices() -> list[tuple[str, str]]:
    return [("none", _("no strata (all incidents)")), ("month", _("by month")), ("admin1", _("by province (admin1)"))]


def _csv_query(request) -> str:
    """The page's filters, systems and stratification, for its CSV link."""
    params = QueryDict(mutable=True)
    for name in ("system", "by"):
        values = [value for value in request.GET.getlist(name) if value]
        if values:
            params.setlist(name, values)
    query = _query(request)
    if not params:
        return query
    return (query + "&" if query else "?") + params.urlencode()


def overlap_csv(request):
    filterset = chart_filter(request.GET)
    if not filterset.is_valid():
        return _refused({name: [str(e) for e in errors] for name, errors in filterset.form.errors.items()}, as_json=False)
    data = _read(request.GET, filterset.qs.order_by())
    if data["errors"]:
        return _refused({"system/by": data["errors"]}, as_json=False)
    if not data["chosen"]:  # fewer than two systems recorded the set: no history to count
        return _csv([], CSV_HEAD + CSV_TAIL, "overlap-capture-histories.csv")
    columns = CSV_HEAD + [system["key"] for system in data["chosen"]] + CSV_TAIL
    rows = [[data["by"], row["stratum"], row["code"], *row["history"], row["incidents"], row["victims"]] for row in data["rows"]]
    return _csv(rows, columns, "overlap-capture-histories.csv")

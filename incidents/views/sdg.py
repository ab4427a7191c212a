"""The SDG 16.1.2 table (`incidents.sdg`) for the list's filters: a page and a CSV of the same numbers."""

from django.shortcuts import render
from django.urls import reverse

from .. import sdg
from ..filters import IncidentFilter
from ..models import Incident
from ..totals import totals_of
from .charts import _csv, _query, _refused, chart_filter
from .incident_list import filter_context

# Stable English column names, whatever the page's language: the SDG dimensions, the deaths, then "of which" each
# protected profession.
CSV_COLUMNS = ["cause", "status", "sex", "age", "documented_deaths", *(f"of_which_{p.value}" for p in sdg.PROFESSIONS)]


def sdg_page(request):
    filterset = IncidentFilter(request.GET or None, queryset=Incident.objects.published())
    context = filter_context(request, filterset)
    if context["valid"]:
        incidents = filterset.qs.order_by()
        table = sdg.sdg_table(incidents)
        context.update(
            table=table,
            by_cause=sdg.crossed(table, "cause", "status"),
            by_sex=sdg.crossed(table, "sex", "age"),
            statuses=sdg.DIMENSIONS["status"], ages=sdg.DIMENSIONS["age"],
            status_totals=list(sdg.margin(table, "status").values()),
            age_totals=list(sdg.margin(table, "age").values()),
            professions=[(profession.label, deaths) for profession, deaths in sdg.profession_totals(table).items()],
            totals=totals_of(incidents),
            csv_url=reverse("sdg_table_csv") + _query(request), overlap_query=_query(request),
        )
    return render(request, "incidents/sdg.html", context)


def sdg_csv(request):
    filterset = chart_filter(request.GET)
    if not filterset.is_valid():
        return _refused({name: [str(e) for e in errors] for name, errors in filterset.form.errors.items()}, as_json=False)
    return _csv(sdg.long_rows(sdg.sdg_table(filterset.qs.order_by())), CSV_COLUMNS, "sdg-16-1-2-documented-deaths.csv")


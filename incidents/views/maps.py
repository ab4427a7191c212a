"""/map/ and /map/data.json: the published incidents on a map, filtered as the list is, clustered by the server.

The page draws the filter form and the counts (useful without JavaScript); incidents/map.js asks the data endpoint
for the viewport it shows. Both read the set through `IncidentFilter` on `Incident.objects.published()`, the list's
own gate, and the counts and clusters through `incidents.geo.map_data`.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..filters import DEFAULT_SORT, IncidentFilter
from ..geo import BadViewport, Viewport, map_data, precision_legend
from ..models import Incident
from .incident_list import filter_context, without_empty_parameters

VIEW_PARAMETERS = ("bbox", "zoom")
# Parameters of a list page that say which page, not which incidents: never carried to another view.
PAGE_PARAMETERS = ("after", "before", "start", *VIEW_PARAMETERS)


def map_filter(request) -> IncidentFilter:
    """The list's filter on the request's filters; a map has no order, so a text search is not ranked."""
    data = request.GET.copy()
    for name in PAGE_PARAMETERS:
        data.pop(name, None)
    if data:
        data["sort"] = DEFAULT_SORT
    return IncidentFilter(data or None, queryset=Incident.objects.published())


def filter_query(request, **replace) -> str:
    """The request's filters as a query string ("?country=IQ&grade=fair", or ""): paging, viewport and empty fields dropped."""
    params = request.GET.copy()
    for name in (*PAGE_PARAMETERS, "sort", *replace):
        params.pop(name, None)
    for name in list(params):
        params.setlist(name, [value for value in params.getlist(name) if value])
        if not params.getlist(name):
            del params[name]
    for name, values in replace.items():
        params.setlist(name, values)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else ""


def _with_list_links(request, data: dict) -> dict:
    """The answer with, for each country-only group, the list of those incidents (the same filters, that country)."""
    listed = reverse("incident_list")
    countries = [{**row, "list_url": listed + filter_query(request, country=[row["country"]])} for row in data["country_only"]]
    return {**data, "country_only": countries}


def map_page(request):
    redirect = without_empty_parameters(request)
    if redirect:
        return redirect
    filterset = map_filter(request)
    context = filter_context(request, filterset)
    query = filter_query(request)
    if context["valid"]:
        context["map"] = _with_list_links(request, map_data(filterset.qs, Viewport.parse(None, None), get_language()))
    context.update(
        query=query,
        data_url=reverse("map_data") + query,
        tile_url=settings.MAP_TILE_URL,
        tile_attribution=settings.MAP_TILE_ATTRIBUTION,
        outlines_url=static("vendor/world-atlas/countries-110m.json"),
        legend=precision_legend(),
    )
    return render(request, "incidents/map.html", context)


def map_data_view(request):
    """The clusters (or incidents) of a viewport as JSON; a bbox, zoom or filter that cannot be read is a 400 with why."""
    try:
        viewport = Viewport.parse(request.GET.get("bbox"), request.GET.get("zoom"))
    except BadViewport as problem:
        return JsonResponse({"error": str(problem)}, status=400)
    filterset = map_filter(request)
    if filterset.is_bound and not filterset.is_valid():
        errors = {name: [str(error) for error in errors] for name, errors in filterset.form.errors.items()}
        return JsonResponse({"error": _("Some filters could not be read."), "fields": errors}, status=400)
    data = _with_list_links(request, map_data(filterset.qs, viewport, get_language()))
    data["precisions"] = precision_legend()
    data["list_url"] = reverse("incident_list") + filter_query(request)
    return JsonResponse(data)

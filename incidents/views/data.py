"""Exports of any filtered list (/incidents/export.csv …) and the full downloads page (/data/)."""

from django.http import JsonResponse

from .. import exports
from ..filters import IncidentFilter
from ..models import Incident


def filtered_incidents(request):
    """The published incidents the list shows for this query string, in its order; None and the errors when it is not valid."""
    filterset = IncidentFilter(request.GET or None, queryset=Incident.objects.published())
    if filterset.is_bound and not filterset.is_valid():
        return None, filterset.errors
    return filterset.qs, None


def export(request, fmt: str):
    """Every incident of the filtered list (all pages), streamed in the asked format."""
    queryset, errors = filtered_incidents(request)
    if queryset is None:
        return JsonResponse({"errors": errors.get_json_data()}, status=400)
    return exports.streaming_export(queryset, fmt, base_url=request.build_absolute_uri("/"))

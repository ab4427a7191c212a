"""Exports of any filtered list (/incidents/export.csv …) and the full downloads page (/data/)."""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render

from casualtytracker import limits

from .. import citations, downloads, exports, full_exports
from ..filters import IncidentFilter
from ..methodology_versions import current_methodology
from ..models import Incident


def filtered_incidents(request):
    """The published incidents the list shows for this query string, in its order; None and the errors when it is not valid."""
    filterset = IncidentFilter(request.GET or None, queryset=Incident.objects.published())
    if filterset.is_bound and not filterset.is_valid():
        return None, filterset.errors
    return filterset.qs, None


def wants_byte_order_mark(request) -> bool:
    """`?bom=1`: a CSV for Excel, which reads UTF-8 only after a byte-order mark (exports.with_byte_order_mark)."""
    return request.GET.get("bom", "").lower() in ("1", "true", "yes")


def export(request, fmt: str):
    """Every incident of the filtered list (all pages), streamed in the asked format.

    With no query string, the prebuilt whole export while it is fresh (incidents/full_exports.py). Otherwise the export
    streams live, holding one of the EXPORTS_AT_ONCE slots (casualtytracker/limits.py): when all are taken, 503 with
    Retry-After, so exports can never take every app server worker from the people reading pages."""
    if not request.GET and (prebuilt := full_exports.fresh_full_export(fmt)):
        return prebuilt_export(prebuilt, fmt)
    queryset, errors = filtered_incidents(request)
    if queryset is None:
        return JsonResponse({"errors": errors.get_json_data()}, status=400)
    slot = limits.acquire_export_slot()
    if slot is None:
        return limits.too_many_exports(request)
    return exports.streaming_export(
        queryset, fmt, base_url=request.build_absolute_uri("/"), byte_order_mark=wants_byte_order_mark(request),
        wrap=lambda lines: limits.holding_slot(lines, slot),
    )


def prebuilt_export(path: Path, fmt: str):
    """The whole export of a format from its prebuilt file, under the same download name as the live one."""
    content_type, _extension, _writer = exports.FORMATS[fmt]
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = exports.export_file_name(fmt)
    return response


def data_page(request):
    """/data/: the dated full downloads, their checksums, and what every column means."""
    return render(request, "incidents/data.html", {
        "snapshots": downloads.list_downloads(),
        "files": downloads.dictionary_rows(),
        "citations": citations.DATASET_CITATIONS.values(),
        "methodology": current_methodology(),
    })


def data_file(request, name: str):
    """One download file, by its exact dated name."""
    if not downloads.FILE_NAME.match(name) and not (name.endswith(".sha256") and downloads.FILE_NAME.match(name[: -len(".sha256")])):
        raise Http404("No such download.")
    path = Path(settings.DOWNLOADS_DIR) / name
    if not path.is_file():
        raise Http404("No such download.")
    content_type = {"zip": "application/zip", "sqlite": "application/vnd.sqlite3"}.get(name.rsplit(".", 1)[-1], "text/plain")
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=content_type)

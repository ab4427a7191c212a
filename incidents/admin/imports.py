"""The admin's bulk import page: upload a file, preview it (a dry run with row errors and possible duplicates), confirm."""

import datetime
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils import timezone

from ..imports import MAX_BYTES, import_file

SESSION_KEY = "incident_import"
UPLOADS = "imports"
KEEP_UPLOADS = datetime.timedelta(days=1)


def _forget_upload(request) -> None:
    """Delete the file of this editor's previous preview, and any preview file left for more than a day."""
    stored = request.session.pop(SESSION_KEY, None)
    if stored:
        default_storage.delete(stored["path"])
    try:
        _, names = default_storage.listdir(UPLOADS)
    except FileNotFoundError:
        return
    limit = timezone.now() - KEEP_UPLOADS
    for name in names:
        path = f"{UPLOADS}/{name}"
        if default_storage.get_modified_time(path) < limit:
            default_storage.delete(path)


def import_view(model_admin, request):
    """Upload → preview (a rolled-back run: row-by-row errors, duplicates, counts) → confirm (all or nothing).

    Mounted by the incident admin (`IncidentAdmin.get_urls`): the admin's login, its context, the right to add incidents.
    """
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {**model_admin.admin_site.each_context(request), "title": "Import incidents", "opts": model_admin.opts}
    if request.method == "POST" and request.POST.get("confirm"):
        stored = request.session.get(SESSION_KEY)
        if not stored or stored.get("token") != request.POST.get("token"):
            messages.error(request, "That preview has expired or was replaced: upload the file again.")
            return redirect("admin:incidents_incident_import")
        try:
            with default_storage.open(stored["path"], "rb") as file:
                content = file.read()
        except OSError:
            messages.error(request, "That preview has expired: upload the file again.")
            return redirect("admin:incidents_incident_import")
        report = import_file(content, stored["filename"], user=request.user, dry_run=False)
        request.session.pop(SESSION_KEY, None)
        default_storage.delete(stored["path"])
        if report.ok and report.committed:
            messages.success(request, f"Imported {stored['filename']}: {report.created} incident(s) created as drafts, "
                                      f"{report.skipped} already present, {report.figures_created} claim(s).")
            return redirect("admin:incidents_incident_changelist")
        context.update(report=report, filename=stored["filename"])
        return render(request, "admin/incidents/import_preview.html", context)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["form_error"] = "Choose a CSV or XLSX file to upload."
            return render(request, "admin/incidents/import.html", context)
        if upload.size > MAX_BYTES:
            context["form_error"] = f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it."
            return render(request, "admin/incidents/import.html", context)
        content = upload.read()
        report = import_file(content, upload.name, user=request.user, dry_run=True)
        token = ""
        _forget_upload(request)
        if report.ok:
            token = secrets.token_hex(16)
            path = default_storage.save(f"{UPLOADS}/{token}.upload", ContentFile(content))
            request.session[SESSION_KEY] = {"token": token, "filename": upload.name, "path": path}
        context.update(report=report, filename=upload.name, token=token)
        return render(request, "admin/incidents/import_preview.html", context)
    return render(request, "admin/incidents/import.html", context)

"""The admin's bulk import page: upload a file, preview it (a dry run with row errors and possible duplicates), confirm.

Both the preview and the import run as background jobs (incidents/jobs.py), in batches of short transactions: a file
of 16,000 rows neither times out a request nor holds the database. The upload is kept (default storage) for the jobs;
the editor's session remembers their latest preview, and only that one can be confirmed.
"""

import datetime
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from jobs.models import Job, JobStatus
from jobs.services import start_job

from ..imports.layouts import LAYOUTS
from ..imports.reading import ImportFileError, check_upload, max_bytes, too_large
from ..jobs import stored_report

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
    """Upload → preview job (a rolled-back run: row-by-row errors, duplicates, counts) → confirm job (batched, resumable).

    Mounted by the incident admin (`IncidentAdmin.get_urls`): the admin's login, its context, the right to add incidents.
    """
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {**model_admin.admin_site.each_context(request), "title": "Import incidents", "opts": model_admin.opts,
               "layouts": list(LAYOUTS.items()), "layout": request.POST.get("layout", "auto")}
    if request.method == "POST" and request.POST.get("confirm"):
        return _confirm(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["form_error"] = "Choose a CSV or XLSX file to upload."
            return render(request, "admin/incidents/import.html", context)
        try:
            if upload.size > max_bytes():
                raise too_large()
            content = upload.read()
            check_upload(content, upload.name)
        except ImportFileError as error:
            context["form_error"] = str(error)
            return render(request, "admin/incidents/import.html", context)
        layout = request.POST.get("layout", "auto")
        if layout not in LAYOUTS:
            context["form_error"] = gettext("Choose one of the layouts listed.")
            return render(request, "admin/incidents/import.html", context, status=400)
        choice = {"layout": layout, "all_events": bool(request.POST.get("all_events"))}
        _forget_upload(request)
        token = secrets.token_hex(16)
        path = default_storage.save(f"{UPLOADS}/{token}.upload", ContentFile(content))
        job = start_job(kind="import_preview", label=f"Preview the import of {upload.name}", user=request.user,
                        params={"path": path, "filename": upload.name, "token": token, **choice})
        request.session[SESSION_KEY] = {"token": token, "filename": upload.name, "path": path, "preview": job.pk, **choice}
        return redirect("admin:jobs_job_change", job.pk)
    return render(request, "admin/incidents/import.html", context)


def _confirm(request):
    """Start the import of the editor's latest preview, if it ran and found nothing wrong."""
    stored = request.session.get(SESSION_KEY)
    if not stored or stored.get("token") != request.POST.get("token"):
        messages.error(request, gettext("That preview has expired or was replaced: upload the file again."))
        return redirect("admin:incidents_incident_import")
    preview = Job.objects.filter(pk=stored.get("preview"), kind="import_preview", created_by=request.user).first()
    if preview is None or preview.status != JobStatus.DONE or not preview.details.get("ok"):
        messages.error(request, gettext("That file has no finished preview without errors: upload it again."))
        return redirect("admin:incidents_incident_import")
    if not default_storage.exists(stored["path"]):
        messages.error(request, gettext("That preview has expired: upload the file again."))
        return redirect("admin:incidents_incident_import")
    request.session.pop(SESSION_KEY, None)
    job = start_job(kind="import_confirm", label=f"Import {stored['filename']}", user=request.user,
                    params={"path": stored["path"], "filename": stored["filename"], "preview": preview.pk,
                            "layout": preview.params.get("layout", "auto"), "all_events": preview.params.get("all_events", False)})
    return redirect("admin:jobs_job_change", job.pk)


def job_page_context(request, job) -> dict:
    """What an import job's page shows below its progress: the preview's or the import's rows, and the confirm button."""
    stored = request.session.get(SESSION_KEY) or {}
    report = stored_report(job.details) if job.finished else None
    current = job.kind == "import_preview" and stored.get("preview") == job.pk and job.created_by_id == request.user.pk
    return {
        "report": report, "filename": job.params.get("filename", ""),
        "token": stored["token"] if report is not None and report.ok and current else "",
    }

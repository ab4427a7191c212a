"""The admin's Jobs list and job page: progress bar (refreshed from a JSON status URL), result, errors, re-run."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from incidents.params import is_whole_number

from . import services
from .models import Job, JobStatus
from .registry import KINDS, STARTERS


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["label", "status", "progress_display", "created_by", "created_at", "finished_at"]
    list_display_links = ["label"]
    list_filter = ["status", "kind"]
    list_select_related = ["created_by"]
    list_per_page = 50
    show_full_result_count = False
    change_list_template = "admin/jobs/job/change_list.html"

    # Every member of staff has a Jobs list: their own jobs (reviewers and administrators see everyone's).
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (obj is None or services.visible_jobs(request.user).filter(pk=obj.pk).exists())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return services.visible_jobs(request.user)

    @admin.display(description=gettext_lazy("progress"))
    def progress_display(self, obj):
        if obj.total:
            return format_html('<progress max="{}" value="{}">{}%</progress> {} / {}', obj.total, obj.done, obj.percent,
                               f"{obj.done:,}", f"{obj.total:,}")
        return "—"

    def get_urls(self):
        return [
            path("<path:object_id>/status.json", self.admin_site.admin_view(self.status_view), name="jobs_job_status"),
            path("<path:object_id>/rerun/", self.admin_site.admin_view(self.rerun_view), name="jobs_job_rerun"),
            path("start/<str:name>/", self.admin_site.admin_view(self.start_view), name="jobs_job_start"),
            *super().get_urls(),
        ]

    def _job(self, request, object_id) -> Job:
        job = services.visible_jobs(request.user).select_related("created_by").filter(pk=unquote(object_id)).first() \
            if is_whole_number(str(object_id)) else None
        if job is None:
            raise Http404("No such job, or not one of yours.")
        return job

    def changelist_view(self, request, extra_context=None):
        starters = [starter for starter in STARTERS.values() if starter.allowed(request.user)]
        return super().changelist_view(request, {**(extra_context or {}), "starters": starters})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self.job_view(request, object_id)

    def job_view(self, request, object_id):
        """The job page: what it does, a progress bar that refreshes itself, its result or its error, re-run."""
        job = self._job(request, object_id)
        kind = KINDS.get(job.kind)
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": job.label, "job": job,
            "may_rerun": services.may_rerun(job), "resumable": kind is not None and kind.resumable,
            "status_url": reverse("admin:jobs_job_status", args=[job.pk]),
        }
        template = "admin/jobs/job/detail.html"
        if kind is not None and kind.page is not None:
            template, extra = kind.page(request, job)
            context.update(extra)
        return TemplateResponse(request, template, context)

    def status_view(self, request, object_id):
        """The job's progress as JSON, polled by its page."""
        job = self._job(request, object_id)
        return JsonResponse({
            "status": job.status, "stage": job.stage, "done": job.done, "total": job.total, "percent": job.percent,
            "result": job.result, "error": job.error, "finished": job.finished,
            "heartbeat_at": job.heartbeat_at.isoformat() if job.heartbeat_at else None,
        })

    def rerun_view(self, request, object_id):
        job = self._job(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (job.created_by_id == request.user.pk or request.user.is_superuser):
            messages.error(request, gettext("Only the person who started a job (or an administrator) may run it again: it acts with "
                                   "their rights."))
        elif services.rerun_job(job=job):
            messages.success(request, gettext("The job is queued again. It goes on from where it stopped.") if KINDS[job.kind].resumable
                             else gettext("The job is queued again."))
        else:
            messages.error(request, gettext("Only a failed job (or one whose worker stopped) can be run again."))
        return HttpResponseRedirect(reverse("admin:jobs_job_change", args=[job.pk]))

    def start_view(self, request, name):
        """Start a site-wide job (full downloads, recompute) from the Jobs list (POST only)."""
        starter = STARTERS.get(name)
        if starter is None:
            raise Http404("No such job to start.")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not starter.allowed(request.user):
            messages.error(request, gettext("You may not start “%(job)s”: ask a reviewer or an administrator.") % {"job": starter.label})
            return HttpResponseRedirect(reverse("admin:jobs_job_changelist"))
        job = starter.start(request.user)
        messages.success(request, gettext("“%(job)s” is queued; this page shows its progress.") % {"job": job.label})
        return HttpResponseRedirect(reverse("admin:jobs_job_change", args=[job.pk]))


__all__ = ["JobAdmin", "JobStatus"]

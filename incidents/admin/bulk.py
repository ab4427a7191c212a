"""Bulk workflow steps from a list's action: a small selection at once, a large one as a background job."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext

from ..jobs import TARGETS, start_step_job, take_step


def bulk_step(model_admin, request, *, target: str, step, queryset, reason: str = ""):
    """Take the step for every selected record through the workflow, one transaction per batch; say what was done
    in a sentence. More than JOBS_INLINE_LIMIT records go to a job, whose page the editor is sent to."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    if len(ids) > settings.JOBS_INLINE_LIMIT:
        job = start_step_job(target=target, step_name=step.name, ids=ids, user=request.user, reason=reason)
        model_admin.message_user(request, gettext("“%(job)s” runs as a background job; this page shows its progress.") % {
            "job": job.label}, messages.INFO)
        return HttpResponseRedirect(reverse("admin:jobs_job_change", args=[job.pk]))
    tally = take_step(target=target, step_name=step.name, ids=ids, user=request.user, reason=reason)
    level = messages.ERROR if not tally.applied else messages.WARNING if tally.skipped else messages.SUCCESS
    model_admin.message_user(request, tally.sentence(step, TARGETS[target].noun), level)
    return None

"""A background job: the one record of what was asked, by whom, how far it got, and what came of it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Job(models.Model):
    kind = models.CharField(max_length=40, help_text=_("What the job does (a name in the registry, jobs.registry)."))
    label = models.CharField(max_length=300, help_text=_("What the job does, in words, as its starter asked for it."))
    params = models.JSONField(default=dict, blank=True, help_text=_("What the job was asked to do (ids, file, step…)."))
    state = models.JSONField(
        default=dict, blank=True,
        help_text=_("Where a resumable job got to (saved in the same transaction as each batch): a re-run goes on from there."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs",
        help_text=_("Who started the job; the job acts with this person's rights."),
    )
    status = models.CharField(max_length=16, choices=JobStatus, default=JobStatus.QUEUED, db_index=True,
                              help_text=_("Queued, running, done or failed."))
    stage = models.CharField(max_length=100, blank=True, help_text=_("The step the job is at (checking rows, writing…)."))
    done = models.PositiveIntegerField(default=0, help_text=_("Items handled so far in the current stage."))
    total = models.PositiveIntegerField(null=True, blank=True, help_text=_("Items in the current stage, when known."))
    result = models.TextField(blank=True, help_text=_("What the job did, in a sentence."))
    details = models.JSONField(default=dict, blank=True, help_text=_("The job's result in detail (an import's rows, skipped codes…)."))
    error = models.TextField(blank=True, help_text=_("Why the job failed, and what a re-run does."))
    attempts = models.PositiveIntegerField(default=0, help_text=_("How many times a worker started the job."))
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text=_("Last sign of life from the worker running it."))

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="job_queue")]
        constraints = [models.CheckConstraint(condition=models.Q(total__isnull=True) | models.Q(done__lte=models.F("total")),
                                              name="job_done_within_total")]

    def __str__(self):
        return f"Job {self.pk}: {self.label}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.status == JobStatus.DONE else None
        return min(100, round(100 * self.done / self.total))

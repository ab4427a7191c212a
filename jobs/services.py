"""Starting, re-running and seeing jobs: the admin, commands and tests call these."""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Job, JobStatus
from .registry import KINDS

logger = logging.getLogger(__name__)

# Who sees every job, not only their own: reviewers and administrators (the permission the Reviewer group has).
SEE_ALL_PERMISSION = "incidents.publish_incident"


def _enqueue(job_id: int) -> None:
    """Hand the job to the queue. The embedded worker polls the Job table, so only RQ needs telling."""
    if settings.JOBS_BACKEND != "rq":
        return
    try:
        rq_queue().enqueue("jobs.runner.run_job", job_id, job_timeout=int(settings.JOBS_TIMEOUT.total_seconds()),
                           job_id=f"casualtytracker-job-{job_id}-{timezone.now().timestamp():.0f}")
    except Exception:  # noqa: BLE001 — the job stays queued and visible; `manage.py run_jobs --requeue` hands it over again
        logger.exception("Could not hand job %s to RQ", job_id)


def rq_queue():
    """The RQ queue the site's jobs go to (JOBS_BACKEND=rq)."""
    from redis import Redis
    from rq import Queue

    return Queue(settings.JOBS_RQ_QUEUE, connection=Redis.from_url(settings.JOBS_REDIS_URL))


def start_job(*, kind: str, label: str, params: dict, user, total: int | None = None) -> Job:
    """Record a job as queued and hand it to the queue once the record is committed."""
    if kind not in KINDS:
        raise ValueError(f"No kind of job named {kind!r}.")
    job = Job.objects.create(kind=kind, label=label[:300], params=params, created_by=user, total=total)
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def may_rerun(job: Job) -> bool:
    """A failed job, or one whose worker stopped giving signs of life, may be run again."""
    stalled = job.status == JobStatus.RUNNING and job.heartbeat_at is not None and job.heartbeat_at < timezone.now() - settings.JOBS_STALE_AFTER
    return job.status == JobStatus.FAILED or stalled


def rerun_job(*, job: Job) -> bool:
    """Queue the job again (a resumable one goes on from its saved state); False if it is not failed or stalled."""
    if not may_rerun(job):
        return False
    requeued = Job.objects.filter(pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at).update(
        status=JobStatus.QUEUED, finished_at=None, error="")
    if requeued:
        transaction.on_commit(lambda: _enqueue(job.pk))
    return bool(requeued)


def sees_all_jobs(user) -> bool:
    return user.is_active and user.is_staff and (user.is_superuser or user.has_perm(SEE_ALL_PERMISSION))


def visible_jobs(user):
    """The jobs a person may see in the admin: staff see their own; reviewers and administrators see all."""
    if not (user.is_active and user.is_staff):
        return Job.objects.none()
    if sees_all_jobs(user):
        return Job.objects.all()
    return Job.objects.filter(Q(created_by=user))

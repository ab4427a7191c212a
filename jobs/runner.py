"""Running jobs: claim one atomically, run its kind with a context that reports progress, record how it ended.

The same `run_job` serves both queues: the embedded worker (`manage.py run_jobs`, which polls the Job table) and
RQ (whose workers receive only a job's id). The Job row is the source of truth either way.
"""

import logging
import time

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import F, Q
from django.utils import timezone

from .models import Job, JobStatus
from .registry import KINDS, JobFailed, Outcome

logger = logging.getLogger(__name__)

RESUME_HINT = "The batches finished before the failure stay done; re-run the job to go on from where it stopped."
RESTART_HINT = "Nothing was written; re-run the job to start it again."


class WorkerStopped(BaseException):
    """The worker was asked to stop (SIGTERM) while a job ran: the batch in progress rolls back."""


class JobContext:
    """What a kind of job sees: its parameters, its saved state, its starter, and ways to report progress."""

    def __init__(self, job: Job):
        self.job = job

    @property
    def params(self) -> dict:
        return self.job.params

    @property
    def state(self) -> dict:
        return self.job.state

    @property
    def user(self):
        return self.job.created_by

    def progress(self, done: int, total: int | None = None, stage: str | None = None) -> None:
        """Record how far the job is (inside a batch's transaction, it commits with the batch)."""
        job = self.job
        job.done, job.heartbeat_at = done, timezone.now()
        if total is not None:
            job.total = total
        if stage is not None:
            job.stage = stage[:100]
        if job.total is not None and job.done > job.total:
            job.total = job.done
        Job.objects.filter(pk=job.pk).update(done=job.done, total=job.total, stage=job.stage, heartbeat_at=job.heartbeat_at)

    def save_state(self, **values) -> None:
        """Remember where the job got to; call it inside the batch's transaction, so a batch and its mark commit together."""
        self.job.state = {**self.job.state, **values}
        Job.objects.filter(pk=self.job.pk).update(state=self.job.state, heartbeat_at=timezone.now())


def stale_before():
    return timezone.now() - settings.JOBS_STALE_AFTER


def claim(job_id: int) -> Job | None:
    """Take a queued job for this worker; None if another worker took it first (one conditional UPDATE: atomic on any database)."""
    now = timezone.now()
    taken = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, finished_at=None, error="", stage="", attempts=F("attempts") + 1,
    )
    if not taken:
        return None
    return Job.objects.select_related("created_by").get(pk=job_id)


def _finish(job: Job, **fields) -> None:
    fields.update(finished_at=timezone.now(), heartbeat_at=timezone.now())
    for name, value in fields.items():
        setattr(job, name, value)
    Job.objects.filter(pk=job.pk).update(**fields)


def run_job(job_id: int) -> str:
    """Claim the job and run it to its end: done with a sentence, or failed with what was done and what a re-run does."""
    job = claim(job_id)
    if job is None:
        return "not queued"
    kind = KINDS.get(job.kind)
    if kind is None:
        _finish(job, status=JobStatus.FAILED, error=f"No kind of job named “{job.kind}” is known to this version of the site.")
        return job.status
    hint = RESUME_HINT if kind.resumable else RESTART_HINT
    try:
        outcome = kind.run(JobContext(job))
    except JobFailed as failure:
        _finish(job, status=JobStatus.FAILED, error=failure.message, details=failure.details)
    except (KeyboardInterrupt, WorkerStopped):
        _finish(job, status=JobStatus.FAILED, error=f"The worker was stopped while the job ran. {hint}")
        raise
    except Exception as error:  # noqa: BLE001 — any failure is recorded on the job for its starter to read
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, status=JobStatus.FAILED, error=f"It stopped on an unexpected error ({type(error).__name__}: {error}). {hint}")
    else:
        if not isinstance(outcome, Outcome):
            outcome = Outcome(str(outcome))
        _finish(job, status=JobStatus.DONE, result=outcome.sentence, details=outcome.details or {},
                done=job.total if job.total is not None else job.done)
    return job.status


def fail_stalled() -> int:
    """Running jobs with no sign of life for JOBS_STALE_AFTER (their worker died): failed, for their starter to re-run."""
    stalled = Job.objects.filter(status=JobStatus.RUNNING).filter(Q(heartbeat_at__lt=stale_before()) | Q(heartbeat_at__isnull=True))
    return stalled.update(
        status=JobStatus.FAILED, finished_at=timezone.now(),
        error="Its worker stopped giving signs of life (it was stopped or crashed). Re-run the job: a resumable job goes on "
              "from its last finished batch, any other starts again.",
    )


def next_queued_id() -> int | None:
    return Job.objects.filter(status=JobStatus.QUEUED).order_by("created_at", "pk").values_list("pk", flat=True).first()


def work(*, once: bool = False, poll: float = 1.0, should_stop=lambda: False) -> int:
    """The embedded worker: run queued jobs one after another, oldest first; with `once`, stop when none is left."""
    ran = 0
    while not should_stop():
        if not connection.in_atomic_block:  # a test's transaction: keep its connection
            close_old_connections()
        fail_stalled()
        job_id = next_queued_id()
        if job_id is None:
            if once:
                break
            time.sleep(poll)
            continue
        if run_job(job_id) != "not queued":
            ran += 1
    return ran


def run_queued_jobs() -> int:
    """Run every queued job now, in this process (tests, and scripts that want the result before going on)."""
    return work(once=True)

"""The incidents app's background jobs: imports (preview and confirm), bulk workflow steps, full downloads, recomputes.

Each runs in batches, one short transaction per batch, so the public site keeps answering (and other editors keep
saving) while it runs. Writing jobs save where they got to in the transaction of each batch: a job that fails is
never half-applied silently; it says how far it got, and a re-run goes on from there.
"""

import datetime
import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext

from jobs.registry import JobFailed, Outcome, job_kind, starter
from jobs.services import start_job

from . import downloads, workflow
from .dbstats import refresh_planner_statistics
from .display import count_words, number
from .filetext import more_problems
from .import_outcome import ERRORS_SHOWN, SKIP_WHY, outcome_sentence, skip_sentences
from .imports import Batching, ImportInterrupted, import_file
from .models import AggregateClaim, Incident
from .services import recompute_many

# Bulk workflow steps -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepTarget:
    """The records a bulk workflow step applies to, and the one workflow function that moves one of them."""

    model: type
    steps: dict
    noun: str

    def label(self, obj) -> str:
        return obj.code if self.model is Incident else gettext("aggregate claim %(id)s") % {"id": obj.pk}

    def take(self, obj, step, user, reason: str):
        if self.model is Incident:
            return workflow.transition_incident(incident=obj, name=step.name, user=user, reason=reason)
        return workflow.transition_aggregate_claim(claim=obj, name=step.name, user=user)


# A record that went away during a bulk step, by the noun of its target.
GONE = {
    "incident": gettext_lazy("no incident has this id any more (deleted meanwhile)."),
    "aggregate claim": gettext_lazy("no aggregate claim has this id any more (deleted meanwhile)."),
}
TARGETS = {
    "incident": StepTarget(Incident, workflow.TRANSITIONS_BY_NAME, "incident"),
    "aggregateclaim": StepTarget(AggregateClaim, workflow.AGGREGATE_TRANSITIONS_BY_NAME, "aggregate claim"),
}
EXAMPLES = 10


@dataclass
class StepTally:
    """What a bulk step did so far: how many moved, and the others grouped by why they were left as they were."""

    applied: int = 0
    skipped: dict = field(default_factory=dict)  # why → {"count": n, "examples": [label, …]}

    def skip(self, why: str, label: str) -> None:
        group = self.skipped.setdefault(why, {"count": 0, "examples": []})
        group["count"] += 1
        if len(group["examples"]) < EXAMPLES:
            group["examples"].append(label)

    def as_state(self) -> dict:
        return {"applied": self.applied, "skipped": self.skipped}

    @classmethod
    def from_state(cls, state: dict) -> "StepTally":
        return cls(applied=state.get("applied", 0), skipped={why: dict(group) for why, group in state.get("skipped", {}).items()})

    def sentence(self, step, noun: str) -> str:
        """'11,000 incidents submitted for review; 12 skipped: it is in review: “Submit for review” applies only to …'"""
        parts = [gettext("%(records)s %(done)s") % {"records": count_words(self.applied, noun), "done": workflow.DONE_WORDS[step.name]}]
        for why, group in sorted(self.skipped.items(), key=lambda item: -item[1]["count"]):
            more = group["count"] - len(group["examples"])
            examples = ", ".join(group["examples"])
            if more > 0:
                examples = gettext("%(examples)s and %(count)s more") % {"examples": examples, "count": number(more)}
            parts.append(gettext("%(count)s skipped (%(examples)s): %(why)s") % {
                "count": number(group["count"]), "examples": examples, "why": why})
        return pgettext("separator between notes", "; ").join(parts) + ("" if parts[-1].endswith(".") else ".")


def _why(message: str, label: str) -> str:
    """A refusal in words that hold for every record it applies to: the record's own name becomes 'it'."""
    it = pgettext("the record a refusal is about, in place of its code", "it")
    return re.sub(re.escape(label), it, message, flags=re.IGNORECASE)


def take_step(*, target: str, step_name: str, ids: list[int], user, reason: str = "", start: int = 0,
              tally: StepTally | None = None, after_batch=None) -> StepTally:
    """Take one workflow step for each record, in batches of JOBS_BATCH_SIZE, one transaction per batch.

    Each record goes through the workflow's own function (its rules, checks and history); one it refuses is counted
    with the reason. `after_batch(position, tally)` runs inside the batch's transaction (a job saves its place there).
    """
    chosen = TARGETS[target]
    step = chosen.steps[step_name]
    tally = tally or StepTally()
    size = settings.JOBS_BATCH_SIZE
    for position in range(start, len(ids), size):
        batch = ids[position:position + size]
        with transaction.atomic():
            found = chosen.model.objects.in_bulk(batch)
            for pk in batch:
                obj = found.get(pk)
                if obj is None:
                    tally.skip(str(GONE[chosen.noun]), f"#{pk}")
                    continue
                try:
                    chosen.take(obj, step, user, reason)
                except workflow.TransitionRefused as refusal:
                    tally.skip(_why(refusal.message, chosen.label(obj)), chosen.label(obj))
                else:
                    tally.applied += 1
            if after_batch is not None:
                after_batch(position + len(batch), tally)
    return tally


def start_step_job(*, target: str, step_name: str, ids: list[int], user, reason: str = ""):
    """A bulk workflow step as a background job."""
    chosen = TARGETS[target]
    step = chosen.steps[step_name]
    return start_job(kind="workflow_step", label=f"{step.label}: {count_words(len(ids), chosen.noun)}", user=user, total=len(ids),
                     params={"target": target, "step": step_name, "ids": ids, "reason": reason})


@job_kind("workflow_step", resumable=True)
def run_workflow_step(job) -> Outcome:
    params = job.params
    chosen = TARGETS[params["target"]]
    step = chosen.steps[params["step"]]
    ids = params["ids"]
    position = job.state.get("position", 0)
    tally = StepTally.from_state(job.state)
    job.progress(position, len(ids), step.label)

    def after_batch(reached: int, tally: StepTally) -> None:
        job.save_state(position=reached, **tally.as_state())
        job.progress(reached, len(ids))

    try:
        take_step(target=params["target"], step_name=step.name, ids=ids, user=job.user, reason=params.get("reason", ""),
                  start=position, tally=tally, after_batch=after_batch)
    except Exception as error:  # noqa: BLE001 — any error: say exactly how far the step got, and how to finish it
        done = StepTally.from_state(job.state)
        reached = job.state.get("position", 0)
        raise JobFailed(
            f"Stopped by an error after {reached:,} of {count_words(len(ids), chosen.noun)} ({type(error).__name__}: {error}). "
            f"So far {done.sentence(step, chosen.noun)} Those stay as they are; the rest are unchanged. "
            f"Re-run the job to go on from {chosen.noun} {reached + 1:,}.",
        ) from error
    return Outcome(tally.sentence(step, chosen.noun), {
        f"Skipped: {why}": [f"{group['count']:,}: " + ", ".join(group["examples"])] for why, group in tally.skipped.items()
    })


# Imports ---------------------------------------------------------------------------------------------------------

ROWS_SHOWN = 500


def report_details(report, filename: str) -> dict:
    """An import report as the job keeps it (JSON): counts, every error, the first notes and rows."""
    errors = report.errors
    return {
        "filename": filename, "layout": report.layout, "ok": report.ok, "committed": report.committed,
        "created": report.created, "skipped": report.skipped, "figures_created": report.figures_created,
        "merged": report.merged, "skips": report.skips, "skip_sentences": skip_sentences(report.skips),
        "flagged": report.flagged, "duplicates": report.duplicates[:ROWS_SHOWN],
        # Every error up to ERRORS_SHOWN, then how many more: a file of 20,000 bad rows still says what is wrong.
        "errors": errors[:ERRORS_SHOWN] + ([more_problems(len(errors) - ERRORS_SHOWN)] if len(errors) > ERRORS_SHOWN else []),
        "error_count": len(errors),
        "warnings": report.warnings[:200], "warning_count": len(report.warnings),
        "row_count": len(report.rows),
        "rows": [{"line": row.line, "code": row.code or row.data.get("label", ""), "title": row.title, "errors": row.errors,
                  "existing": row.existing, "skip_why": str(SKIP_WHY.get(row.data.get("skip"), "")),
                  "matched_by": row.matched_by, "possible_duplicates": row.possible_duplicates, "created": row.created,
                  "figures": row.figures} for row in report.rows[:ROWS_SHOWN]],
    }


def stored_report(details: dict) -> SimpleNamespace | None:
    """The import report kept by a job, read back for the preview page."""
    if "layout" not in details:
        return None
    return SimpleNamespace(**{**details, "rows": [SimpleNamespace(**row) for row in details["rows"]]})


def _content(job) -> bytes:
    try:
        with default_storage.open(job.params["path"], "rb") as file:
            return file.read()
    except OSError as error:
        raise JobFailed("The uploaded file is gone (replaced by a newer upload, or older than a day): upload it again.") from error


def _batching(job) -> Batching:
    return Batching(
        size=settings.JOBS_BATCH_SIZE, start=job.state.get("next_batch", 0), carried=job.state.get("carried", {}),
        progress=lambda stage, done, total: job.progress(done, total, stage),
        committed=lambda next_batch, carried: job.save_state(next_batch=next_batch, carried=carried),
    )


def _layout(job) -> dict:
    """The layout the editor chose on the upload page (else detected from the header), and ACLED's all-events option."""
    return {"layout": job.params.get("layout", "auto"), "all_events": bool(job.params.get("all_events", False))}


def import_page(request, job):
    from .admin.imports import job_page_context

    return "admin/incidents/import_job.html", job_page_context(request, job)


@job_kind("import_preview", resumable=False, page=import_page)
def run_import_preview(job) -> Outcome:
    """The preview: the whole import tried batch by batch, each batch rolled back; nothing is written."""
    filename = job.params["filename"]
    report = import_file(_content(job), filename, user=job.user, dry_run=True, batching=_batching(job), **_layout(job))
    if not report.ok:
        return Outcome(_refused(report, filename), report_details(report, filename))
    return Outcome(outcome_sentence(report, filename, preview=True), report_details(report, filename))


def _refused(report, filename: str) -> str:
    """'x.csv cannot be imported: 3 problems; nothing was written.'"""
    return gettext("%(file)s cannot be imported: %(problems)s; nothing was written.") % {
        "file": filename, "problems": count_words(len(report.errors), "problem")}


@job_kind("import_confirm", resumable=True, page=import_page)
def run_import_confirm(job) -> Outcome:
    """The import itself, in batches: each committed with its place, so a failure is resumed, never imported twice."""
    filename = job.params["filename"]
    try:
        report = import_file(_content(job), filename, user=job.user, dry_run=False, batching=_batching(job), **_layout(job))
    except ImportInterrupted as stop:
        carried = job.state.get("carried", {})
        raise JobFailed(
            f"Stopped in batch {stop.batch + 1:,} of {stop.batches:,} on a database error ({stop.error}). "
            f"The {stop.batch:,} batch(es) before it are imported and stay so "
            f"({count_words(carried.get('created', 0), 'incident')} created as drafts); nothing of the rest is written. "
            f"Re-run the job to go on from batch {stop.batch + 1:,}: nothing is imported twice.",
        ) from stop
    if not report.ok:
        raise JobFailed(_refused(report, filename) + " " + " ".join(report.errors[:5]), details=report_details(report, filename))
    default_storage.delete(job.params["path"])
    refresh_planner_statistics()
    return Outcome(outcome_sentence(report, filename, preview=False), report_details(report, filename))


# Full downloads and recomputes -------------------------------------------------------------------------------------


def runs_site_jobs(user) -> bool:
    """Site-wide jobs (full downloads, recomputing every incident) are for reviewers and administrators."""
    return user.is_active and user.is_staff and (user.is_superuser or user.has_perm("incidents.publish_incident"))


@job_kind("build_downloads", resumable=False)
def run_build_downloads(job) -> Outcome:
    """Today's full download (ZIP and SQLite): written aside, then moved into place, so it is all or nothing."""
    day = datetime.date.fromisoformat(job.params["day"])
    job.progress(0, 1, "writing the files")
    paths = downloads.build_downloads(day=day)
    job.progress(1, 1)
    return Outcome("Built " + " and ".join(f"{path.name} ({path.stat().st_size:,} bytes)" for path in paths) + ".")


@starter("build_downloads", label="Build today's full downloads", allowed=runs_site_jobs,
         description="The dated ZIP and SQLite files of the published data listed on /data/ (manage.py build_downloads).")
def start_build_downloads(user):
    day = timezone.localdate()
    return start_job(kind="build_downloads", label=f"Build the full downloads of {day:%Y-%m-%d}", params={"day": day.isoformat()},
                     user=user, total=1)


@job_kind("recompute", resumable=True)
def run_recompute(job) -> Outcome:
    """Re-derive the stored figures of every incident (`services.recompute_many`), a chunk per transaction, resumable."""
    incidents = Incident.objects.order_by("pk").values_list("pk", flat=True)
    after, done, changed = job.state.get("after", 0), job.state.get("done", 0), job.state.get("changed", 0)
    total = done + incidents.filter(pk__gt=after).count()
    size = settings.JOBS_BATCH_SIZE * 5
    job.progress(done, total, "re-deriving figures")
    while chunk := list(incidents.filter(pk__gt=after)[:size]):
        with transaction.atomic():
            changed += recompute_many(chunk)
            after, done = chunk[-1], done + len(chunk)
            job.save_state(after=after, done=done, changed=changed)
            job.progress(done, max(total, done))
    return Outcome(f"Re-derived the figures of {count_words(done, 'incident')}: {changed:,} changed.")


@starter("recompute", label="Recompute every incident's figures", allowed=runs_site_jobs,
         description="Re-derive the stored ranges and positions from the claims and statements (manage.py recompute_figures).")
def start_recompute(user):
    return start_job(kind="recompute", label="Recompute the figures of every incident", params={}, user=user)

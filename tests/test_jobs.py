"""Background jobs: bulk steps in batches with a sentence, failures that say how far they got and resume, imports as
jobs, the job page and its progress, who sees which job, the worker loop, and SQLite readers during a job's write."""

import threading

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents import choices, workflow
from incidents.imports import writing
from incidents.models import AggregateClaim, Incident
from jobs.models import Job, JobStatus
from jobs.runner import claim, fail_stalled, run_queued_jobs
from jobs.services import rerun_job, start_job
from tests import factories
from tests.conftest import _member

pytestmark = pytest.mark.django_db

DRAFT, IN_REVIEW = choices.Status.DRAFT, choices.Status.IN_REVIEW
CHANGELIST = "/admin/incidents/incident/"
EXAMPLE = django_settings.BASE_DIR / "data" / "examples" / "incidents-import-example.csv"


@pytest.fixture(autouse=True)
def _small_batches(settings, tmp_path):
    settings.JOBS_BATCH_SIZE = 10
    settings.JOBS_INLINE_LIMIT = 5
    settings.MEDIA_ROOT = tmp_path / "media"


def submit_all(client, incidents):
    return client.post(CHANGELIST, {"action": "workflow_submit", "_selected_action": [i.pk for i in incidents], "index": 0})


def statuses(incidents) -> list[str]:
    return list(Incident.objects.filter(pk__in=[i.pk for i in incidents]).order_by("pk").values_list("status", flat=True))


def test_a_large_bulk_submit_runs_as_a_job_in_batches_and_says_what_it_did(editor_client):
    drafts = factories.IncidentFactory.create_batch(35)
    waiting = factories.IncidentFactory.create_batch(2, status=IN_REVIEW)

    response = submit_all(editor_client, drafts + waiting)

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("admin:jobs_job_change", args=[job.pk])
    assert (job.status, job.total, job.label) == (JobStatus.QUEUED, 37, "Submit for review: 37 incidents")
    assert statuses(drafts) == [DRAFT] * 35  # nothing happens in the request
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and (job.done, job.total) == (37, 37)
    assert statuses(drafts) == [IN_REVIEW] * 35
    codes = ", ".join(i.code for i in waiting)
    assert job.result == (f"35 incidents submitted for review; 2 skipped ({codes}): it is in review: "
                          "“Submit for review” applies only to draft incidents.")
    assert job.state["position"] == 37
    # Each incident went through the workflow: its history says so, with who.
    assert drafts[0].history.latest().history_change_reason == "Workflow: submitted for review"


def test_a_small_selection_runs_at_once_with_a_sentence(editor_client):
    drafts = factories.IncidentFactory.create_batch(3)
    response = editor_client.post(CHANGELIST, {"action": "workflow_submit", "_selected_action": [i.pk for i in drafts], "index": 0},
                                  follow=True)
    assert "3 incidents submitted for review." in response.content.decode()
    assert not Job.objects.exists()


def test_a_failure_in_a_later_batch_says_how_far_it_got_and_a_rerun_finishes(editor_client, monkeypatch):
    drafts = factories.IncidentFactory.create_batch(35)
    submit_all(editor_client, drafts)
    real, calls = workflow.transition_incident, []

    def breaks_on_the_25th(**kwargs):
        calls.append(kwargs["incident"].pk)
        if len(calls) == 25:
            raise DatabaseError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(workflow, "transition_incident", breaks_on_the_25th)
    run_queued_jobs()

    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Stopped by an error after 20 of 35 incidents (DatabaseError: disk full). "
                                "So far 20 incidents submitted for review.")
    assert "Re-run the job to go on from incident 21." in job.error
    # Two batches applied and kept; the third rolled back whole; nothing half-applied.
    assert statuses(drafts) == [IN_REVIEW] * 20 + [DRAFT] * 15

    monkeypatch.setattr(workflow, "transition_incident", real)
    assert rerun_job(job=job)
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert statuses(drafts) == [IN_REVIEW] * 35
    assert job.result == "35 incidents submitted for review."


def test_aggregate_claims_in_bulk_go_through_a_job_too(reviewer_client):
    claims = factories.AggregateClaimFactory.create_batch(7, status=IN_REVIEW)
    reviewer_client.post("/admin/incidents/aggregateclaim/", {"action": "aggregate_workflow_publish",
                                                              "_selected_action": [c.pk for c in claims]})
    run_queued_jobs()
    assert Job.objects.get().result == "7 aggregate claims published."
    assert set(AggregateClaim.objects.values_list("status", flat=True)) == {choices.Status.PUBLISHED}


def test_the_job_page_shows_a_progress_bar_and_the_status_url_its_numbers(editor_client, editor):
    job = start_job(kind="workflow_step", label="Submit for review: 40 incidents", user=editor, total=40,
                    params={"target": "incident", "step": "submit", "ids": []})
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=10, stage="Submit for review")

    page = editor_client.get(reverse("admin:jobs_job_change", args=[job.pk])).content.decode()
    status = editor_client.get(reverse("admin:jobs_job_status", args=[job.pk])).json()

    assert '<progress id="job-progress" max="40" value="10">' in page and "10 / 40 (25%)" in page
    assert reverse("admin:jobs_job_status", args=[job.pk]) in page and "jobs/progress.js" in page
    assert (status["status"], status["done"], status["total"], status["percent"], status["finished"]) == ("running", 10, 40, 25, False)
    listing = editor_client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert "Submit for review: 40 incidents" in listing and '<progress max="40" value="10">' in listing


def test_editors_see_their_own_jobs_reviewers_all_the_public_none(client, editor, reviewer):
    other = _member("other", "Editor")
    mine = start_job(kind="recompute", label="Mine", user=editor, params={})
    theirs = start_job(kind="recompute", label="Theirs", user=other, params={})
    editor_client = Client()
    editor_client.force_login(editor)

    assert editor_client.get(reverse("admin:jobs_job_change", args=[mine.pk])).status_code == 200
    assert editor_client.get(reverse("admin:jobs_job_change", args=[theirs.pk])).status_code == 404
    assert editor_client.get(reverse("admin:jobs_job_status", args=[theirs.pk])).status_code == 404
    listing = editor_client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert "Mine" in listing and "Theirs" not in listing

    reviewer_client = Client()
    reviewer_client.force_login(reviewer)
    assert reviewer_client.get(reverse("admin:jobs_job_change", args=[theirs.pk])).status_code == 200
    # Seeing is not acting: a re-run acts with its starter's rights, so only they (or an administrator) may ask for it.
    Job.objects.filter(pk=theirs.pk).update(status=JobStatus.FAILED)
    reviewer_client.post(reverse("admin:jobs_job_rerun", args=[theirs.pk]))
    assert Job.objects.get(pk=theirs.pk).status == JobStatus.FAILED

    assert client.get(reverse("admin:jobs_job_change", args=[mine.pk])).status_code == 302  # to the login page
    assert client.get(reverse("admin:jobs_job_status", args=[mine.pk])).status_code == 302


def test_site_wide_jobs_are_started_by_reviewers_not_editors(editor_client, reviewer_client):
    factories.IncidentFactory.create_batch(3)
    refused = editor_client.post(reverse("admin:jobs_job_start", args=["recompute"]), follow=True)
    assert "You may not start" in refused.content.decode() and not Job.objects.exists()

    started = reviewer_client.post(reverse("admin:jobs_job_start", args=["recompute"]))
    job = Job.objects.get()
    assert started["Location"] == reverse("admin:jobs_job_change", args=[job.pk])
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result.startswith("Re-derived the figures of 3 incidents")
    assert "Build today" in reviewer_client.get(reverse("admin:jobs_job_changelist")).content.decode()


def test_full_downloads_as_a_job(reviewer_client, settings, tmp_path):
    settings.DOWNLOADS_DIR = tmp_path / "downloads"
    reviewer_client.post(reverse("admin:jobs_job_start", args=["build_downloads"]))
    run_queued_jobs()
    job = Job.objects.get()
    assert job.status == JobStatus.DONE, job.error
    assert sorted(path.suffix for path in settings.DOWNLOADS_DIR.glob("casualty-tracker-*")) == [".sha256", ".sha256", ".sqlite", ".zip"]
    assert ".zip" in job.result and ".sqlite" in job.result


def test_an_import_stopped_halfway_resumes_and_imports_nothing_twice(editor_client, settings, monkeypatch):
    settings.JOBS_BATCH_SIZE = 1
    preview = editor_client.post("/admin/incidents/incident/import/", {"file": SimpleUploadedFile("example.csv", EXAMPLE.read_bytes())})
    run_queued_jobs()
    page = editor_client.get(preview["Location"])
    assert page.context["report"].created == 3 and Incident.objects.count() == 0
    real, calls = writing._Writer.create, []

    def breaks_on_the_second(self, row):
        calls.append(row.line)
        if len(calls) == 2:
            raise DatabaseError("connection lost")
        return real(self, row)

    monkeypatch.setattr(writing._Writer, "create", breaks_on_the_second)
    editor_client.post("/admin/incidents/incident/import/", {"confirm": "1", "token": page.context["token"]})
    run_queued_jobs()
    job = Job.objects.get(kind="import_confirm")
    assert job.status == JobStatus.FAILED
    assert "Stopped in batch 2 of 3 on a database error (connection lost)" in job.error
    assert "(1 incident created as drafts)" in job.error and "Re-run the job to go on from batch 2" in job.error
    assert Incident.objects.count() == 1

    monkeypatch.setattr(writing._Writer, "create", real)
    rerun_job(job=job)
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.result == "Imported example.csv: created 3 incidents as drafts with 6 claims."
    assert Incident.objects.count() == 3 and set(Incident.objects.values_list("status", flat=True)) == {DRAFT}


def test_the_worker_command_runs_queued_jobs_and_each_job_is_claimed_once(editor):
    drafts = factories.IncidentFactory.create_batch(3)
    job = start_job(kind="workflow_step", label="Submit", user=editor, total=3,
                    params={"target": "incident", "step": "submit", "ids": [d.pk for d in drafts]})
    call_command("run_jobs", "--once")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and statuses(drafts) == [IN_REVIEW] * 3
    assert claim(job.pk) is None  # done: no worker takes it again
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    assert claim(job.pk) is not None and claim(job.pk) is None


def test_a_job_whose_worker_died_is_failed_and_may_be_rerun(editor, settings):
    job = start_job(kind="recompute", label="Recompute", user=editor, params={})
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now() - settings.JOBS_STALE_AFTER * 2)
    assert fail_stalled() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "Re-run the job" in job.error
    assert rerun_job(job=job) and Job.objects.get(pk=job.pk).status == JobStatus.QUEUED


def _read_during_a_big_write(config: dict) -> tuple[list, float]:
    """A job's batch writes more than SQLite's page cache holds (so it must write to the file before it commits), and
    meanwhile another connection reads: what the reader saw, and how long it took."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    writer = DatabaseWrapper(config, alias="writer")
    with writer.cursor() as cursor:
        cursor.execute("CREATE TABLE incident (title TEXT)")
        cursor.execute("INSERT INTO incident VALUES ('published before')")
        cursor.execute("PRAGMA cache_size = 10")
    writer.set_autocommit(False)
    with writer.cursor() as cursor:  # BEGIN IMMEDIATE (settings), then pages spilled to the file
        cursor.executemany("INSERT INTO incident VALUES (%s)", [("x" * 1000,)] * 3000)
    seen = []

    def read():
        reader = DatabaseWrapper({**config, "OPTIONS": {**config["OPTIONS"], "timeout": 1}}, alias="reader")
        try:
            seen.extend(reader.cursor().execute("SELECT title FROM incident LIMIT 1").fetchall())
        except DatabaseError as error:
            seen.append(str(error))
        finally:
            reader.close()

    thread = threading.Thread(target=read)
    started = timezone.now()
    thread.start()
    thread.join(timeout=10)
    waited = (timezone.now() - started).total_seconds()
    writer.rollback()
    writer.close()
    return seen, waited


@pytest.mark.skipif(connection.vendor != "sqlite", reason="WAL is SQLite's; PostgreSQL readers never wait for writers")
def test_on_sqlite_a_reader_reads_while_a_job_holds_a_write_transaction(tmp_path):
    config = {**django_settings.DATABASES["default"], "NAME": str(tmp_path / "wal.sqlite3")}
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    seen, waited = _read_during_a_big_write(config)
    assert seen == [("published before",)] and waited < 1

    # Without WAL (SQLite's default journal) the same reader is locked out: the setting is what keeps the site answering.
    old = {**config, "NAME": str(tmp_path / "delete.sqlite3"), "OPTIONS": {**config["OPTIONS"], "init_command": "PRAGMA journal_mode=DELETE"}}
    seen, _ = _read_during_a_big_write(old)
    assert seen == ["database is locked"]

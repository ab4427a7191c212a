"""Submissions never appear publicly: every public surface of the privacy walk (tests/test_privacy_walk.py: pages in
both languages, filters, search, API, schema, exports, feeds, change logs, as-of views, map and chart data, sitemap,
robots, the full downloads), walked over the same world plus submissions whose every field is a unique marker —
one a correction of a published record, one turned into a report and a draft incident, one closed, one erased."""

import datetime
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from incidents import downloads
from submissions import services
from submissions.models import Kind
from tests import dataworld
from tests.test_privacy_walk import OPTIONAL, SURFACES, _get, _text, redactions

pytestmark = pytest.mark.django_db

FIELDS = ["what", "where", "when", "contact_name", "contact"]


def _markers(name: str) -> dict[str, str]:
    return {field: f"SubMarker{name}{field.title().replace('_', '')}Zq" for field in FIELDS}


def _submit(name: str, **extra):
    values = _markers(name)
    return services.record_submission(links=[f"https://submarker-{name.lower()}.example.org/evidence"], **values, **extra), values


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = dataworld.build_world()
        redactions(built)  # the walk's redacted record, whose change log and as-of views are surfaces too
        reviewer = get_user_model().objects.create_user("sub-reviewer", "sub-reviewer@example.org", "pw-sub-reviewer-123",
                                                        is_staff=True)
        reviewer.groups.add(Group.objects.get(name="Reviewer"))
        markers = []
        correction, values = _submit("Correction", kind=Kind.CORRECTION, incident=built["mosul"])
        markers += [*values.values(), "submarker-correction", correction.reference]
        fresh, values = _submit("Fresh", kind=Kind.NEW_INCIDENT)
        markers += [*values.values(), "submarker-fresh", fresh.reference]
        closed, values = _submit("Closed", kind=Kind.NEW_INCIDENT)
        services.close_submission(submission=closed, user=reviewer, reason="SubMarkerCloseReasonZq")
        markers += [*values.values(), "submarker-closed", closed.reference, "SubMarkerCloseReasonZq"]
        erased, values = _submit("Erased", kind=Kind.CORRECTION, incident=built["aleppo"])
        services.erase_contact(submission=erased, user=reviewer)
        markers += [*values.values(), "submarker-erased", erased.reference]
        # Turned into a report linked to a new draft incident: the draft is hidden, and so is the submission.
        converted, values = _submit("Converted", kind=Kind.NEW_INCIDENT)
        services.convert_submission(
            submission=converted, user=reviewer,
            report=services.NewReport(source=built["mosul"].report_links.first().report.source, title="SubMarkerDraftReportZq",
                                      url="https://submarker-converted.example.org/evidence"),
            new_incident=services.NewIncident(title="SubMarkerDraftIncidentZq", date_start=datetime.date(2017, 3, 18)),
        )
        markers += [*values.values(), "submarker-converted", converted.reference, "SubMarkerDraftIncidentZq", "SubMarkerDraftReportZq"]
        built["markers"] = markers
        built["submissions"] = [correction, fresh, closed, erased, converted]
        yield built
        transaction.set_rollback(True)


def assert_no_submission(text: str, world, where: str) -> None:
    found = [marker for marker in world["markers"] if marker in text]
    assert not found, f"a submission shows on {where}: {found}"


@pytest.mark.parametrize("surface", SURFACES)
def test_no_submission_on_any_public_surface(world, surface):
    url = SURFACES[surface](world)
    response = _get(url)
    assert response.status_code in (200, 404), (url, response.status_code)
    assert_no_submission(_text(response), world, f"{surface} ({url})")


@pytest.mark.parametrize("name", OPTIONAL)
def test_no_submission_on_the_sitemap_or_robots(world, name):
    response = _get(OPTIONAL[name])
    if response.status_code == 404:
        pytest.skip(f"{OPTIONAL[name]} does not exist")
    assert_no_submission(_text(response), world, OPTIONAL[name])


def test_the_corrected_records_pages_do_not_show_their_corrections(world):
    for key in ("mosul", "aleppo"):
        for prefix in ("", "/ar"):
            url = prefix + f"/incidents/{world[key].code}/"
            page = _text(_get(url))
            assert world[key].title in page or world[key].code in page
            assert_no_submission(page, world, url)
            assert f"/submit/?incident={world[key].code}" in page  # the link to send one, and nothing more


def test_no_submission_in_the_downloads(world, settings, tmp_path):
    settings.DOWNLOADS_DIR = tmp_path
    zip_path, sqlite_path = downloads.build_downloads(day=datetime.date(2026, 11, 24))
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            assert_no_submission(archive.read(name).decode("utf-8-sig"), world, f"download {name}")
    assert_no_submission(sqlite_path.read_bytes().decode("utf-8", errors="replace"), world, "the SQLite download")


def test_the_walk_holds_submissions(world):
    """The markers are in the database: the walk above would see them if a surface read submissions."""
    from submissions.models import Submission

    assert Submission.objects.filter(what__startswith="SubMarker").count() == 5
    assert Submission.objects.filter(contact_name="SubMarkerCorrectionContactNameZq").exists()

"""Imports are all or nothing and say where (issue 14): row, column and value; a layout's missing column; the line of
a byte that is not UTF-8; the admin's duplicate check on UCDP events; what happened counted by reason."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from incidents import imports
from incidents.models import ExternalIdentifier, Incident
from jobs.models import Job
from tests import factories
from tests.test_import import EXAMPLE, confirm, upload
from tests.test_ucdp_import import MOSUL, _bundled, ged_row, write_ged

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def ged_ids(count: int) -> list[str]:
    """Ids of bundled events with civilian deaths that UCDP does not mark as aggregated (each one incident)."""
    rows = _bundled()[2].values()
    return [row["id"] for row in rows if int(row["deaths_civilians"]) > 0 and row["event_clarity"] == "1"][:count]


def test_a_letter_in_a_ucdp_number_column_names_row_column_and_value_and_writes_nothing(editor_client, tmp_path):
    rows = [ged_row(event_id) for event_id in ged_ids(10)]
    rows[9]["best"] = "12a"  # row 12: the header is row 1, HDX's hashtag row is row 2
    rows[3]["deaths_civilians"] = "-4"
    content = write_ged(tmp_path, rows).read_bytes()

    preview = upload(editor_client, content, "ged.csv")

    report = preview.context["report"]
    assert report.errors == [
        "Row 6, column `deaths_civilians`: “-4” is not a whole number.",
        "Row 12, column `best`: “12a” is not a whole number.",
    ]
    assert preview.context["token"] == "" and "Nothing was written" in preview.content.decode()
    # Never the other rows written with the bad one left out under a note: nothing at all.
    assert not imports.import_file(content, "ged.csv", dry_run=False).ok
    assert Incident.objects.count() == 0
    with pytest.raises(CommandError, match="Row 12, column `best`: “12a” is not a whole number."):
        call_command("import_ucdp", str(tmp_path / "ged.csv"), stdout=io.StringIO())
    assert Incident.objects.count() == 0


def test_a_letter_in_a_number_column_of_the_trackers_layout(editor_client):
    content = (b"title,date_start,reported_killed_min,reported_killed_max,source_url\r\nA,2017-01-01,3,5,https://a.example.org/1\r\n"
               b"B,2017-01-02,12a,,https://a.example.org/2\r\n")
    report = upload(editor_client, content, "x.csv").context["report"]
    assert report.errors == ["Row 3, column `reported_killed_min`: “12a” is not a whole number."]
    assert not imports.import_file(content, "x.csv", dry_run=False).ok and Incident.objects.count() == 0


def test_every_error_is_listed_up_to_a_cap_with_the_count_of_the_rest(editor_client):
    lines = ["title,date_start"] + [f"T{n},not-a-date" for n in range(250)]
    preview = upload(editor_client, "\r\n".join(lines).encode(), "many.csv")
    report = preview.context["report"]
    assert report.error_count == 250 and len(report.errors) == 201
    assert report.errors[0] == "Row 2, column `date_start`: “not-a-date” is not a date written YYYY-MM-DD."
    assert report.errors[-1] == "… and 50 more problems."
    assert "250 problems" in preview.content.decode()


def test_a_ucdp_file_missing_a_required_column_says_so(editor_client, tmp_path):
    path = write_ged(tmp_path, [ged_row(MOSUL)])
    text = path.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    at = header.index("high")
    without = "\r\n".join(",".join(cell for n, cell in enumerate(line.split(",")) if n != at) for line in text[:2]) + "\r\n"

    report = upload(editor_client, without.encode(), "ged.csv").context["report"]

    assert report.errors == ["This file looks like UCDP GED but has no column `high`."]
    (tmp_path / "short.csv").write_text(without, encoding="utf-8")
    with pytest.raises(CommandError, match="This file looks like UCDP GED but has no column `high`."):
        call_command("import_ucdp", str(tmp_path / "short.csv"), stdout=io.StringIO())


def test_an_encoding_error_names_its_line(editor_client, tmp_path):
    content = "title,date_start\r\nA,2017-01-01\r\nCafé,2017-01-02\r\n".encode("latin-1")
    [error] = upload(editor_client, content, "x.csv").context["report"].errors
    assert error.startswith("Line 3 is not UTF-8 text (byte 0xe9)")

    lines = write_ged(tmp_path, [ged_row(MOSUL), ged_row(ged_ids(2)[1])]).read_bytes().split(b"\r\n")
    lines[3] = lines[3].replace(b"Iraq", "Iraq é".encode("latin-1"), 1)
    (tmp_path / "latin.csv").write_bytes(b"\r\n".join(lines))
    with pytest.raises(CommandError, match="Line 4 is not UTF-8 text"):
        call_command("import_ucdp", str(tmp_path / "latin.csv"), stdout=io.StringIO())


def hand_entered_mosul():
    """An editor's record of the 17 March 2017 Mosul strike, entered by hand: no UCDP id."""
    return factories.IncidentFactory(title="Strike on Mosul al-Jadida", status="published", date_start="2017-03-17", country="IQ",
                                     locality="Mosul", latitude=36.34, longitude=43.12, geo_precision="neighbourhood")


def test_a_ucdp_event_duplicating_a_hand_entered_incident_is_flagged_as_the_admin_does(editor_client, reviewer_client, tmp_path):
    existing = hand_entered_mosul()
    content = write_ged(tmp_path, [ged_row(MOSUL), ged_row(ged_ids(1)[0])]).read_bytes()

    preview = upload(editor_client, content, "ged.csv")

    report = preview.context["report"]
    assert report.ok and report.flagged == 1
    [[event_id, _code, [listed]]] = report.duplicates
    assert event_id == int(MOSUL) and listed.startswith(f"{existing.code} (") and "same locality (Mosul) +2" in listed
    html = preview.content.decode()
    assert "1 flagged as a possible duplicate" in html and existing.code in html
    assert "1 flagged as a possible duplicate" in Job.objects.get(kind="import_preview").result

    confirm(editor_client, preview)
    job = Job.objects.get(kind="import_confirm")
    assert job.result.endswith("; 1 flagged as a possible duplicate."), job.result
    imported = ExternalIdentifier.objects.get(dataset="ucdp_ged", identifier=MOSUL).incident
    assert job.details["duplicates"] == [[int(MOSUL), imported.code, [listed]]]
    # The written record shows it on its admin page, exactly as for an incident entered by hand.
    page = reviewer_client.get(reverse("admin:incidents_incident_change", args=[imported.pk]))
    assert [candidate.incident for candidate in page.context["possible_duplicates"]] == [existing]

    out = io.StringIO()
    (tmp_path / "again.csv").write_bytes(write_ged(tmp_path, [ged_row(MOSUL, id=990301)], name="again.csv").read_bytes())
    call_command("import_ucdp", str(tmp_path / "again.csv"), stdout=out)
    assert "1 flagged as a possible duplicate" in out.getvalue() and existing.code in out.getvalue()


def test_events_of_the_same_file_are_not_flagged_against_each_other(editor_client, tmp_path, settings):
    settings.JOBS_BATCH_SIZE = 1  # the second event's batch runs after the first one's incident is written
    content = write_ged(tmp_path, [ged_row(MOSUL), ged_row(MOSUL, id=990302)]).read_bytes()
    preview = upload(editor_client, content, "ged.csv")
    assert preview.context["report"].flagged == 0
    confirm(editor_client, preview)
    assert Job.objects.get(kind="import_confirm").details["flagged"] == 0 and Incident.objects.count() == 2


def test_the_trackers_layout_counts_possible_duplicates_in_its_sentences(editor_client):
    factories.IncidentFactory(status="published", date_start="2017-03-18", country="IQ", locality="Mosul", title="Another strike",
                              latitude=36.345, longitude=43.13)
    preview = upload(editor_client, EXAMPLE.read_bytes(), "example.csv")
    assert Job.objects.get(kind="import_preview").result == (
        "Preview of example.csv: confirming will create 3 incidents as drafts with 6 claims; 1 flagged as a possible duplicate.")
    confirm(editor_client, preview)
    assert Job.objects.get(kind="import_confirm").result == (
        "Imported example.csv: created 3 incidents as drafts with 6 claims; 1 flagged as a possible duplicate.")


def test_confirmation_counts_what_happened_by_reason(editor_client, tmp_path):
    no_civilians = next(row for row in _bundled()[2].values() if row["deaths_civilians"] == "0" and row["event_clarity"] == "1")
    upload_once = write_ged(tmp_path, [ged_row(MOSUL)]).read_bytes()
    confirm(editor_client, upload(editor_client, upload_once, "first.csv"))
    content = write_ged(tmp_path, [ged_row(MOSUL), ged_row(no_civilians["id"]), ged_row(ged_ids(1)[0])]).read_bytes()

    confirm(editor_client, upload(editor_client, content, "second.csv"))

    result = Job.objects.filter(kind="import_confirm").latest("pk").result
    assert result.startswith("Imported second.csv: created 1 incident as drafts with ")
    assert "; 1 skipped: no civilian deaths" in result and "; 1 skipped: already imported (UCDP 238475)" in result
    assert "already present" not in result

    confirm(editor_client, upload(editor_client, EXAMPLE.read_bytes(), "example.csv"))
    confirm(editor_client, upload(editor_client, EXAMPLE.read_bytes(), "example.csv"))
    again = Job.objects.filter(kind="import_confirm").latest("pk").result
    codes = sorted(Incident.objects.filter(external_ids__identifier="CI550").values_list("code", flat=True))
    assert again.startswith("Imported example.csv: created 0 incidents as drafts with 0 claims; 3 skipped: already imported (")
    assert codes[0] in again

"""Bulk import in the admin: preview then confirm, errors by row and column, all or nothing, drafts, nothing twice, UCDP, round trip."""

import csv
import io

import pytest
import tablib
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents import choices, imports, workflow
from incidents.exports import INCIDENT_COLUMNS
from incidents.models import AggregateClaim, CasualtyFigure, ExternalIdentifier, Incident, OfficialStatement, Victim
from incidents.totals import totals_of
from jobs.models import Job
from jobs.runner import run_queued_jobs
from sources.models import Report
from tests import factories
from tests.dataworld import build_world

pytestmark = pytest.mark.django_db

URL = "/admin/incidents/incident/import/"
INCIDENT_COLUMN_NAMES = {column.name for column in INCIDENT_COLUMNS}
EXAMPLE = settings.BASE_DIR / "data" / "examples" / "incidents-import-example.csv"
BUNDLED_GED = settings.DATA_DIR / "ucdp" / "ucdp_ged191_iraq_hdx_hxl.csv"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, content: bytes, name: str):
    """Upload a file: its preview runs as a job (here, at once); the job's page shows the preview."""
    started = client.post(URL, {"file": SimpleUploadedFile(name, content)})
    if started.status_code != 302:
        return started
    run_queued_jobs()
    return client.get(started["Location"])


def confirm(client, preview):
    """Confirm the preview shown: the import runs as a job (here, at once); its page says what it did."""
    started = client.post(URL, {"confirm": "1", "token": preview.context["token"]})
    run_queued_jobs()
    return started


def counts() -> tuple:
    return Incident.objects.count(), CasualtyFigure.objects.count(), Report.objects.count(), ExternalIdentifier.objects.count()


def test_good_file_previews_then_imports_drafts(editor_client):
    preview = upload(editor_client, EXAMPLE.read_bytes(), "example.csv")
    assert preview.status_code == 200
    report = preview.context["report"]
    assert report.ok and (report.created, report.skipped, report.figures_created) == (3, 0, 6)
    assert counts() == (0, 0, 0, 0)  # the preview wrote nothing
    assert "Confirm the import" in preview.content.decode() and "will be created as a draft with 3 claims" in preview.content.decode()

    done = confirm(editor_client, preview)
    job = Job.objects.get(kind="import_confirm")
    assert done.status_code == 302 and done["Location"] == reverse("admin:jobs_job_change", args=[job.pk])
    assert job.result == "Imported example.csv: created 3 incidents as drafts with 6 claims."
    assert Incident.objects.count() == 3
    assert set(Incident.objects.values_list("status", flat=True)) == {choices.Status.DRAFT}
    zanjili = Incident.objects.get(locality="Mosul")
    assert (zanjili.reported_killed_min, zanjili.reported_killed_max, zanjili.children_killed_max, zanjili.reported_injured_min) == (
        83, 137, 12, 20)
    assert zanjili.created_by.username == "editor"
    assert list(zanjili.belligerent_roles.values_list("actor__name", "role")) == [("CJTF-OIR coalition", "alleged")]
    assert zanjili.conflict.name == "Coalition vs ISIS — Iraq"
    assert zanjili.external_ids.get().identifier == "CI550"
    assert zanjili.figures.filter(report__url="https://news.example.org/2017/03/zanjili-market", attributed_to="residents").count() == 3
    yakla = Incident.objects.get(locality="Yakla")
    assert (yakla.conceded_killed_min, yakla.date_precision, yakla.event_type) == (3, "month", "ground_raid")
    assert [b.actor.name for b in Incident.objects.get(locality="Aleppo").belligerent_roles.order_by("actor__name")] == [
        "Russian forces", "Syrian forces"]
    assert zanjili.history.get(history_type="+").history_change_reason.startswith("Imported from a file")


def test_file_with_errors_writes_nothing_and_says_which_row_and_column(editor_client):
    text = EXAMPLE.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    rows[0]["date_start"] = "17/03/2017"
    rows[1]["reported_killed_min"], rows[1]["reported_killed_max"] = "50", "10"
    rows[2]["country"], rows[2]["latitude"], rows[2]["event_type"] = "Yemen", "", "bombing"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    preview = upload(editor_client, buffer.getvalue().encode(), "bad.csv")

    report = preview.context["report"]
    assert not report.ok and preview.context["token"] == ""
    assert report.errors == [
        # One wording for both layouts (incidents.filetext.cell_error): "Row N, column `x`: …".
        "Row 2, column `date_start`: “17/03/2017” is not a date written YYYY-MM-DD.",
        "Row 3, column `reported_killed_min`: the minimum 50 is greater than the maximum 10.",
        "Row 4, column `event_type`: “bombing” is not one of airstrike, drone_strike, shelling, ground_raid, explosion, gunfire, other.",
        "Row 4, column `country`: “Yemen” is not a two-letter ISO 3166-1 code such as IQ.",
        "Row 4, column `latitude`: give both latitude and longitude, or neither.",
    ]
    html = preview.content.decode()
    assert "Nothing was written" in html and "Confirm the import" not in html
    assert counts() == (0, 0, 0, 0)
    # Even without the preview, a file with one bad row writes nothing.
    assert not imports.import_file(buffer.getvalue().encode(), "bad.csv", dry_run=False).ok
    assert counts() == (0, 0, 0, 0)


def test_same_file_twice_creates_nothing_twice(editor_client):
    confirm(editor_client, upload(editor_client, EXAMPLE.read_bytes(), "example.csv"))
    before = counts()

    preview = upload(editor_client, EXAMPLE.read_bytes(), "example.csv")
    report = preview.context["report"]
    assert (report.created, report.skipped) == (0, 3)
    assert [row.matched_by for row in report.rows] == ["airwars id CI550", "source URL, start date and place", "source URL, start date and place"]
    confirm(editor_client, preview)
    assert counts() == before


def test_external_ids_column_matches_and_is_checked(editor_client):
    existing = factories.ExternalIdentifierFactory(dataset="ucdp_ged", identifier="238475").incident
    content = (b"title,date_start,external_ids\r\n"
               b"Known,2017-03-17,ucdp_ged:238475; airwars:CI1\r\n"
               b"Bad,2017-03-18,nowhere:5\r\n"
               b"Twice,2017-03-19,airwars:CI1\r\n")
    report = upload(editor_client, content, "ids.csv").context["report"]
    assert report.errors == [
        "Row 3, column `external_ids`: “nowhere:5” is not dataset:id with a dataset among ucdp_ged, airwars, acled, other.",
        "Row 4, column `external_ids`: the same record (airwars:CI1) appears again; it was first on row 2.",
    ]
    ok = upload(editor_client, b"title,date_start,external_ids\r\nKnown,2017-03-17,ucdp_ged:238475\r\n", "ids.csv").context["report"]
    assert ok.rows[0].existing == existing.code and ok.rows[0].matched_by == "ucdp_ged id 238475"


def test_possible_duplicates_are_shown(editor_client):
    existing = factories.IncidentFactory(status="published", date_start="2017-03-18", country="IQ", locality="Mosul", title="Another strike",
                                         latitude=36.345, longitude=43.13)
    preview = upload(editor_client, EXAMPLE.read_bytes(), "example.csv")
    [listed] = preview.context["report"].rows[0].possible_duplicates
    assert listed.startswith(f"{existing.code} (") and "same locality (Mosul) +2" in listed
    assert existing.code in preview.content.decode()


def test_xlsx_file_imports_like_csv(editor_client):
    dataset = tablib.Dataset().load(EXAMPLE.read_text(encoding="utf-8"), format="csv")
    preview = upload(editor_client, dataset.export("xlsx"), "example.xlsx")
    assert preview.context["report"].ok and preview.context["report"].created == 3
    confirm(editor_client, preview)
    assert Incident.objects.count() == 3


def test_unreadable_or_unknown_files_are_refused_in_words(editor_client):
    assert "must be a CSV" in upload(editor_client, b"hello", "notes.pdf").context["report"].errors[0]
    assert "no “title” column" in upload(editor_client, b"name,value\r\na,1\r\n", "other.csv").context["report"].errors[0]
    latin = "title,date_start\r\nCafé,2017-01-01\r\n".encode("latin-1")
    assert "Line 2 is not UTF-8" in upload(editor_client, latin, "x.csv").context["report"].errors[0]


def test_only_editors_may_import(client):
    assert client.get(URL).status_code == 302  # to the admin login
    staff = get_user_model().objects.create_user("staff", "s@example.org", "pw-staff-123", is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403


def test_editor_sees_the_upload_form(editor_client):
    response = editor_client.get(URL)
    assert response.status_code == 200 and 'type="file"' in response.content.decode()


def test_ucdp_file_through_the_admin_upload(editor_client):
    preview = upload(editor_client, BUNDLED_GED.read_bytes(), "ucdp_ged191_iraq_hdx_hxl.csv")
    report = preview.context["report"]
    assert report.layout == "ucdp" and report.ok
    # 2,455 events with civilian deaths: 82 UCDP marks as aggregated become aggregate claims, never incidents.
    assert (report.created, report.skipped) == (2373, 5018)
    assert any("82 events UCDP marks as aggregated" in warning for warning in report.warnings)
    assert Incident.objects.count() == 0

    confirm(editor_client, preview)
    assert Incident.objects.count() == 2373
    assert not Incident.objects.exclude(status=choices.Status.DRAFT).exists()
    assert ExternalIdentifier.objects.filter(dataset=choices.Dataset.UCDP_GED).count() == 2373
    assert AggregateClaim.objects.exists() and not AggregateClaim.objects.exclude(status=choices.Status.DRAFT).exists()

    again = upload(editor_client, BUNDLED_GED.read_bytes(), "ucdp_ged191_iraq_hdx_hxl.csv").context["report"]
    assert again.created == 0


def test_round_trip_export_import_gives_the_same_public_totals(client):
    editor = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-chief-123")
    world = build_world()
    factories.ExternalIdentifierFactory(incident=world["mosul"], identifier="238475")
    published = Incident.objects.published()
    before = totals_of(published)
    exported = b"".join(client.get(reverse("export_csv")).streaming_content)
    count = published.count()
    # An empty database of incidents: evidence protects its incident (PROTECT), so it goes first, on purpose.
    for model in (CasualtyFigure, OfficialStatement, Victim, Incident):
        model.objects.all().delete()

    report = imports.import_file(exported, "export.csv", user=editor, dry_run=False)

    assert report.ok and report.created == count, report.errors
    workflow.publish_by_system(incident_ids=Incident.objects.values_list("pk", flat=True), why="test")  # imported as drafts
    assert totals_of(Incident.objects.published()) == before
    again = b"".join(client.get(reverse("export_csv")).streaming_content)
    same = [name for name in imports.KNOWN_COLUMNS if name in INCIDENT_COLUMN_NAMES and name not in
            {"code", "permalink", "updated_at", "sources_count", "latest_stance", "positions", "external_ids"}]

    def rows(content):
        return {row["title"]: {name: row[name] for name in same} for row in csv.DictReader(io.StringIO(content.decode()))}

    assert rows(again) == rows(exported)
    mosul = ExternalIdentifier.objects.get(dataset="ucdp_ged", identifier="238475").incident
    assert mosul.title == world["mosul"].title
    assert mosul.external_ids.get(dataset="other").identifier == world["mosul"].code  # the code it had, to find it again
    # The same export again creates nothing: each incident is found by the code it had.
    assert imports.import_file(exported, "export.csv", user=editor, dry_run=False).created == 0


def test_a_new_preview_replaces_the_previous_file(editor_client, settings):
    uploads = settings.MEDIA_ROOT / "imports"
    upload(editor_client, EXAMPLE.read_bytes(), "example.csv")
    first = sorted(uploads.iterdir())
    upload(editor_client, EXAMPLE.read_bytes(), "example.csv")
    second = sorted(uploads.iterdir())
    assert len(first) == len(second) == 1 and first != second
    preview = upload(editor_client, EXAMPLE.read_bytes(), "example.csv")
    confirm(editor_client, preview)
    assert list(uploads.iterdir()) == []


def test_values_too_long_for_the_database_are_row_errors(editor_client):
    long_name = "x" * 250
    content = f"title,date_start,belligerents,conflict,locality\r\nT,2017-01-01,{long_name} (alleged),{long_name},{long_name}\r\n".encode()
    report = upload(editor_client, content, "long.csv").context["report"]
    assert [error.split(":")[0] for error in report.errors] == [
        "Row 2, column `locality`", "Row 2, column `conflict`", "Row 2, column `belligerents`",
    ]
    assert Incident.objects.count() == 0


NASTY = ["\x00", "-1", "99999999999999999999999", "2017-02-30", "abc", "1e5", "   ", "'; drop table", "ü" * 400, "(", "a (b) (c)", ";;", ":"]


def test_no_cell_value_makes_a_server_error():
    header = ["code", "title", "date_start", *[name for name in imports.KNOWN_COLUMNS if name not in ("code", "title", "date_start")]]
    for column in header:
        for value in NASTY:
            row = {name: "" for name in header}
            row.update({"title": "T", "date_start": "2017-01-01", column: value})
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=header)
            writer.writeheader()
            writer.writerow(row)
            report = imports.import_file(buffer.getvalue().encode(), "fuzz.csv", dry_run=True)
            assert report.ok or report.errors, (column, value)
    assert Incident.objects.count() == 0


def test_ucdp_rows_in_an_xlsx_file_go_through_the_same_mapping(editor_client):
    lines = BUNDLED_GED.read_text(encoding="utf-8").splitlines(keepends=True)
    sample = "".join(lines[:2] + lines[2:40])
    rows = list(csv.DictReader(io.StringIO(sample, newline="")))[1:]  # the HXL row is not an event
    civilian = sum(int(row["deaths_civilians"]) > 0 for row in rows)
    dataset = tablib.Dataset().load(sample, format="csv")
    report = upload(editor_client, dataset.export("xlsx"), "ged.xlsx").context["report"]
    assert report.layout == "ucdp" and report.ok, report.errors
    assert report.created == civilian > 0

"""ACLED's export through the admin's import: made-up rows only (ACLED's data may not be redistributed)."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents import choices, imports
from incidents.acled import COLUMNS, check_acled_row, looks_like_acled
from incidents.models import BelligerentRoleLink, CasualtyFigure, ExternalIdentifier, Incident
from jobs.runner import run_queued_jobs
from sources.choices import ReportKind
from sources.models import Report, Source
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/admin/incidents/incident/import/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def event(**changes) -> dict:
    """One made-up ACLED row (not ACLED's data): a drone strike on civilians in Mosul."""
    row = {
        "event_id_cnty": "IRQ90001", "event_date": "2017-03-17", "year": "2017", "time_precision": "1",
        "disorder_type": "Political violence", "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
        "actor1": "Military Forces of Example", "assoc_actor_1": "", "inter1": "8", "actor2": "Civilians (Iraq)",
        "assoc_actor_2": "", "inter2": "7", "interaction": "87", "civilian_targeting": "Civilian targeting", "iso": "368",
        "region": "Middle East", "country": "Iraq", "admin1": "Ninewa", "admin2": "Mosul", "admin3": "Mosul",
        "location": "Mosul al-Jadida", "latitude": "36.3400", "longitude": "43.1000", "geo_precision": "1",
        "source": "Example News; Example Monitor", "source_scale": "National", "notes": "On 17 March 2017, a made-up strike hit a house.",
        "fatalities": "12", "tags": "", "timestamp": "1700000000",
    }
    row.update(changes)
    return row


def acled_file(*rows: dict, columns=COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def counts() -> tuple:
    return Incident.objects.count(), CasualtyFigure.objects.count(), Report.objects.count(), ExternalIdentifier.objects.count()


def test_each_column_maps_to_its_field():
    report = imports.import_file(acled_file(event()), "acled.csv", dry_run=False)
    assert report.layout == "acled" and report.ok and report.created == 1
    incident = Incident.objects.get()
    assert incident.status == choices.Status.DRAFT
    assert (incident.date_start, incident.date_end, incident.date_precision) == (
        datetime.date(2017, 3, 17), None, choices.DatePrecision.DAY)
    assert (incident.country, incident.admin1, incident.admin2, incident.locality) == ("IQ", "Ninewa", "Mosul", "Mosul al-Jadida")
    assert (str(incident.latitude), str(incident.longitude), incident.geo_precision) == ("36.340000", "43.100000", choices.GeoPrecision.TOWN)
    assert incident.event_type == choices.EventType.AIRSTRIKE and incident.event_type_inferred
    assert incident.title == "Airstrike: Military Forces of Example"
    # actor1 (and actor2 unless it names the harmed) are alleged belligerents; "Civilians (Iraq)" is not one.
    assert list(BelligerentRoleLink.objects.values_list("actor__name", "role")) == [("Military Forces of Example", "alleged")]
    external = ExternalIdentifier.objects.get()
    assert (external.dataset, external.identifier, external.incident_id) == (choices.Dataset.ACLED, "IRQ90001", incident.pk)
    assert external.source_codes == "time_precision 1; geo_precision 1; interaction 87"
    claim = CasualtyFigure.objects.get()
    # ACLED's fatalities count every death of any status: never a civilian claim, and no cause is inferred.
    assert (claim.person_status, claim.count_min, claim.count_max, claim.count_best) == (choices.ClaimStatus.ANY, 12, 12, 12)
    assert claim.cause == choices.Cause.UNKNOWN and claim.basis == choices.Basis.REPORTED
    assert claim.attributed_to == "ACLED (sources: Example News; Example Monitor)"
    record = claim.report
    assert (record.source.name, record.kind, record.title) == ("ACLED", ReportKind.DATASET_RECORD, "ACLED event IRQ90001")
    assert record.text == "On 17 March 2017, a made-up strike hit a house."
    incident.refresh_from_db()
    assert incident.reported_killed_max is None  # all deaths are not civilians killed


@pytest.mark.parametrize(("code", "precision"), [("1", "day"), ("2", "week"), ("3", "month")])
def test_time_precision_codes(code, precision):
    assert check_acled_row(2, event(time_precision=code)).data["date_precision"] == precision


@pytest.mark.parametrize(("code", "precision"), [("1", "town"), ("2", "district"), ("3", "province")])
def test_geo_precision_codes(code, precision):
    assert check_acled_row(2, event(geo_precision=code)).data["geo_precision"] == precision


@pytest.mark.parametrize(("sub_event_type", "notes", "expected"), [
    ("Air/drone strike", "A drone hit a car.", "drone_strike"),
    ("Air/drone strike", "Jets struck.", "airstrike"),
    ("Shelling/artillery/missile attack", "", "shelling"),
    ("Remote explosive/landmine/IED", "", "explosion"),
    ("Attack", "", "gunfire"),
    ("Armed clash", "", "gunfire"),
    ("Looting/property destruction", "", "other"),
])
def test_sub_event_types_map_to_event_types(sub_event_type, notes, expected):
    assert check_acled_row(2, event(sub_event_type=sub_event_type, notes=notes)).data["event_type"] == expected


def test_acled_dates_as_acled_writes_them():
    assert str(check_acled_row(2, event(event_date="17 March 2017")).data["date_start"]) == "2017-03-17"


@pytest.mark.parametrize(("column", "value", "words"), [
    ("fatalities", "twelve", "“twelve” is not a whole number."),
    ("time_precision", "4", "“4” is not one of ACLED's codes 1, 2, 3."),
    ("geo_precision", "x", "“x” is not a whole number."),
    ("event_date", "17/13/2017", "is not a date"),
    ("latitude", "north", "is not a number"),
    ("civilian_targeting", "yes", "is neither empty nor"),
    ("event_id_cnty", "", "is empty"),
])
def test_a_bad_row_is_a_row_error_naming_row_and_column(column, value, words):
    report = imports.import_file(acled_file(event(), event(**{"event_id_cnty": "IRQ90002", column: value})), "acled.csv", dry_run=False)
    assert not report.ok and counts() == (0, 0, 0, 0)  # all or nothing
    assert len(report.errors) == 1
    assert report.errors[0].startswith(f"Row 3, column `{column}`: ") and words in report.errors[0]


def test_missing_columns_are_named():
    columns = [name for name in COLUMNS if name != "fatalities"]
    report = imports.import_file(acled_file(event(), columns=columns), "acled.csv", dry_run=False)
    assert report.errors == ["This file looks like ACLED but has no column `fatalities`."]


def test_only_civilian_targeting_by_default_and_all_on_request():
    content = acled_file(event(), event(event_id_cnty="IRQ90002", civilian_targeting="", sub_event_type="Armed clash"))
    report = imports.import_file(content, "acled.csv", dry_run=False)
    assert (report.created, report.skipped) == (1, 1)
    assert report.skips["not_civilian_targeting"]["count"] == 1
    everything = imports.import_file(content, "acled.csv", dry_run=False, all_events=True)
    assert (everything.created, everything.skipped) == (1, 1)  # the first is already imported
    assert set(ExternalIdentifier.objects.values_list("identifier", flat=True)) == {"IRQ90001", "IRQ90002"}


def test_a_reimport_creates_nothing_and_matches_by_id():
    content = acled_file(event(), event(event_id_cnty="IRQ90002", location="Tel Kaif"))
    imports.import_file(content, "acled.csv", dry_run=False)
    before = counts()
    again = imports.import_file(content, "acled.csv", dry_run=False)
    assert (again.created, again.skipped) == (0, 2) and counts() == before
    assert {row.matched_by for row in again.rows} == {"acled id IRQ90001", "acled id IRQ90002"}


def test_a_new_event_on_the_same_day_and_place_is_imported_but_flagged():
    imports.import_file(acled_file(event()), "acled.csv", dry_run=False)
    report = imports.import_file(acled_file(event(event_id_cnty="IRQ90003")), "acled.csv", dry_run=False)
    assert report.created == 1  # another id: never taken for the same record by its title
    assert report.flagged == 1 and report.rows[0].possible_duplicates


def test_the_preview_writes_nothing():
    content = acled_file(*(event(event_id_cnty=f"IRQ9{n:04d}") for n in range(20)))
    report = imports.import_file(content, "acled.csv", dry_run=True)
    assert report.ok and report.created == 20 and not report.committed
    assert counts() == (0, 0, 0, 0) and not Source.objects.filter(name="ACLED").exists()


def upload(client, content: bytes, name: str, **fields):
    started = client.post(URL, {"file": SimpleUploadedFile(name, content), **fields})
    assert started.status_code == 302
    run_queued_jobs()
    return client.get(started["Location"])


def test_the_admin_upload_detects_acled(editor_client):
    preview = upload(editor_client, acled_file(event()), "acled.csv")
    report = preview.context["report"]
    assert report.layout == "acled" and report.ok and report.created == 1
    assert counts() == (0, 0, 0, 0)
    editor_client.post(URL, {"confirm": "1", "token": preview.context["token"]})
    run_queued_jobs()
    assert ExternalIdentifier.objects.get().dataset == choices.Dataset.ACLED


def test_the_editor_chooses_the_layout_and_all_events(editor_client):
    content = acled_file(event(civilian_targeting=""))
    report = upload(editor_client, content, "acled.csv", layout="tracker").context["report"]
    assert report.layout == "tracker" and not report.ok  # read as the monitor CSV, it has no title column
    preview = upload(editor_client, content, "acled.csv", layout="acled", all_events="1")
    assert preview.context["report"].created == 1
    editor_client.post(URL, {"confirm": "1", "token": preview.context["token"]})
    run_queued_jobs()
    assert Incident.objects.count() == 1  # the confirm keeps the preview's choices


def test_an_unknown_layout_is_refused_in_words(editor_client):
    response = editor_client.post(URL, {"file": SimpleUploadedFile("a.csv", acled_file(event())), "layout": "nope"})
    assert response.status_code == 400 and "Choose one of the layouts" in response.content.decode()


def test_header_detection():
    assert looks_like_acled(list(COLUMNS)) and not looks_like_acled(["title", "date_start"])
    assert imports.detect_layout(list(COLUMNS)) == "acled"


def test_an_existing_acled_source_is_reused():
    factories.SourceFactory(name="ACLED", slug="acled")
    imports.import_file(acled_file(event()), "acled.csv", dry_run=False)
    assert Source.objects.filter(name="ACLED").count() == 1


def test_the_preview_page_names_acled_and_why_a_row_is_left_out(editor_client):
    content = acled_file(event(), event(event_id_cnty="IRQ90002", civilian_targeting=""))
    page = upload(editor_client, content, "acled.csv").content.decode()
    assert "Layout: ACLED export." in page
    assert "ACLED IRQ90002" in page and "not civilian targeting (ACLED)" in page
    assert "1 skipped: not civilian targeting (ACLED)" in page

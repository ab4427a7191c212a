"""Hostile uploads to the admin import: not what they claim, or far bigger inside than outside. Refused in words, early.

"Early" is asserted by how far reading got (`rows_read`), not by timing: reading must stop at the limit.
"""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents import imports
from incidents.imports import reading
from incidents.models import Incident

pytestmark = pytest.mark.django_db

URL = "/admin/incidents/incident/import/"


def workbook(rows: int, *, width: int = 3) -> bytes:
    """An XLSX of `rows` small rows, written streaming (openpyxl write-only): small on disk, long inside."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["title", "date_start", *[f"c{n}" for n in range(width - 2)]])
    for number in range(rows):
        sheet.append([f"Row {number}", "2017-01-01", *["x"] * (width - 2)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_text_file_named_xlsx_is_a_clear_form_error(editor_client):
    response = editor_client.post(URL, {"file": SimpleUploadedFile("incidents.xlsx", b"title,date_start\r\nT,2017-01-01\r\n")})
    assert response.status_code == 200
    assert "not an Excel workbook" in response.context["form_error"]
    report = imports.import_file(b"title,date_start\r\nT,2017-01-01\r\n", "incidents.xlsx", dry_run=True)
    assert not report.ok and "not an Excel workbook" in report.errors[0]


def test_a_zip_that_is_not_a_workbook_is_refused_in_words():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    report = imports.import_file(buffer.getvalue(), "incidents.xlsx", dry_run=True)
    assert not report.ok and "could not be read" in report.errors[0]


def test_an_xlsx_with_too_many_rows_stops_reading_at_the_limit(settings):
    settings.IMPORT_MAX_ROWS = 1_000
    content = workbook(20_000)
    assert len(content) < 400_000  # small outside
    with pytest.raises(reading.ImportFileError) as refused:
        reading.read_table(content, "many.xlsx")
    assert "more than 1000 rows" in str(refused.value)
    assert refused.value.rows_read == 1_002  # the header, 1,000 rows, and the one too many: no further
    report = imports.import_file(content, "many.xlsx", dry_run=True)
    assert not report.ok and "more than 1000 rows" in report.errors[0]


def test_a_csv_with_too_many_rows_stops_reading_at_the_limit(settings):
    settings.IMPORT_MAX_ROWS = 100
    content = ("title,date_start\r\n" + "T,2017-01-01\r\n" * 5_000).encode()
    with pytest.raises(reading.ImportFileError) as refused:
        reading.read_table(content, "many.csv")
    assert refused.value.rows_read == 102


def test_a_csv_with_an_overlong_line_is_refused_naming_the_line(settings):
    settings.IMPORT_MAX_LINE_CHARS = 1_000
    content = ("title,date_start\r\nT,2017-01-01\r\n" + "x" * 2_000 + ",2017-01-02\r\n").encode()
    with pytest.raises(reading.ImportFileError, match="Line 3 is longer than 1000 characters"):
        reading.read_table(content, "long.csv")


def _bomb(part_size: int) -> bytes:
    """A workbook-looking zip with one part that unpacks enormously (zeros pack about a thousand times over)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/sharedStrings.xml", "w") as part:
            block = b"\0" * (1 << 20)
            for _ in range(part_size >> 20):
                part.write(block)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory_before_unpacking(settings, monkeypatch):
    content = _bomb(64 << 20)
    assert len(content) < 200_000
    monkeypatch.setattr(reading, "_xlsx_rows", lambda content: pytest.fail("the workbook was opened"))
    with pytest.raises(reading.ImportFileError, match="packed suspiciously tightly"):
        reading.read_table(content, "bomb.xlsx")
    settings.IMPORT_MAX_UNZIPPED_BYTES = 32 << 20
    with pytest.raises(reading.ImportFileError, match="unpacks to more than 32.0"):
        reading.read_table(content, "bomb.xlsx")


def test_the_admin_refuses_a_bomb_before_starting_a_job(editor_client):
    response = editor_client.post(URL, {"file": SimpleUploadedFile("bomb.xlsx", _bomb(64 << 20))})
    assert response.status_code == 200 and "packed suspiciously tightly" in response.context["form_error"]


def test_a_file_over_the_size_limit_is_refused(settings, editor_client):
    settings.IMPORT_MAX_BYTES = 1024
    content = ("title,date_start\r\n" + "T,2017-01-01\r\n" * 200).encode()
    response = editor_client.post(URL, {"file": SimpleUploadedFile("big.csv", content)})
    assert "larger than" in response.context["form_error"]
    assert not imports.import_file(content, "big.csv", dry_run=True).ok


def test_a_workbook_within_the_limits_still_imports(settings):
    report = imports.import_file(workbook(5), "ok.xlsx", dry_run=False)
    assert report.ok, report.errors
    assert Incident.objects.count() == 5

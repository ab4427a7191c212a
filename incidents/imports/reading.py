"""Reading an uploaded table (CSV or XLSX) into header and rows, within limits checked as the file is read.

Why while reading: an upload is hostile until read. A 200 kB XLSX can unpack to gigabytes or to hundreds of thousands of
rows; read whole (as tablib does) it takes minutes and hundreds of MB before any limit could be checked. So an XLSX's
zip directory is checked first (declared unpacked sizes and packing ratio: Python's zipfile never unpacks more than a
part declares), then its sheet is streamed (openpyxl read-only) and reading stops at the row limit; a CSV is streamed
line by line with the same row limit and a line-length limit. The limits are settings (IMPORT_MAX_*, see settings.py).
"""

import csv
import datetime
import io
import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

from .. import ucdp
from ..filetext import NotUtf8, decode_utf8

# The defaults of the settings of the same names (casualtytracker.settings).
MAX_ROWS = 20_000

MAX_BYTES = 20 * 1024 * 1024


def max_rows() -> int:
    """Data rows one file may hold (IMPORT_MAX_ROWS)."""
    return getattr(settings, "IMPORT_MAX_ROWS", MAX_ROWS)


def max_bytes() -> int:
    """The largest file accepted (IMPORT_MAX_BYTES)."""
    return getattr(settings, "IMPORT_MAX_BYTES", MAX_BYTES)


class ImportFileError(ValueError):
    """The file cannot be read as a table of the accepted layouts; `rows_read` says how far reading went."""

    def __init__(self, message: str, rows_read: int = 0):
        super().__init__(message)
        self.rows_read = rows_read


def _cell(value) -> str:
    """A cell as text whatever the file type: XLSX dates and whole numbers read as a CSV would give them."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def too_many_rows(rows_read: int) -> ImportFileError:
    limit = max_rows()
    return ImportFileError(
        gettext("The file has more than %(limit)s rows; import at most %(limit)s at a time (split it).") % {"limit": limit},
        rows_read=rows_read,
    )


def too_large() -> ImportFileError:
    return ImportFileError(gettext("The file is larger than %(size)s; split it.") % {"size": filesizeformat(max_bytes())})


def check_upload(content: bytes, filename: str) -> None:
    """Refuse, before any parsing, a file too large, or an .xlsx that is not a zip or would unpack too far (zip bomb)."""
    if len(content) > max_bytes():
        raise too_large()
    if not filename.lower().endswith(".xlsx"):
        return
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ImportFileError(gettext("This is not an Excel workbook: an .xlsx file is a zip archive, and this one is not. "
                                      "Save it from your spreadsheet as “Excel Workbook (.xlsx)” or as “CSV UTF-8”."))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = archive.infolist()
    limit, ratio = settings.IMPORT_MAX_UNZIPPED_BYTES, settings.IMPORT_MAX_ZIP_RATIO
    if sum(part.file_size for part in parts) > limit:
        raise ImportFileError(gettext("The workbook unpacks to more than %(size)s; split it or save it as CSV.")
                              % {"size": filesizeformat(limit)})
    for part in parts:
        if part.file_size > 1024 * 1024 and part.file_size > ratio * max(part.compress_size, 1):
            raise ImportFileError(gettext("The workbook is packed suspiciously tightly (its part %(part)s unpacks %(ratio)s times "
                                          "over); save it again from your spreadsheet, or as CSV.")
                                  % {"part": part.filename[:60], "ratio": part.file_size // max(part.compress_size, 1)})


def _xlsx_rows(content: bytes):
    """The first sheet's rows as lists of text, streamed (openpyxl read-only: one row in memory at a time)."""
    import openpyxl  # imported here: only an XLSX upload needs it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError(gettext("The workbook could not be read: %(error)s.") % {"error": str(error)[:200]}) from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(cell) for cell in row]
    finally:
        workbook.close()


def _csv_rows(content: bytes):
    """The CSV's rows, streamed; a line longer than IMPORT_MAX_LINE_CHARS is refused where it is."""
    try:
        text = decode_utf8(content)
    except NotUtf8 as error:
        raise ImportFileError(str(error)) from error
    limit = settings.IMPORT_MAX_LINE_CHARS
    reader = csv.reader(io.StringIO(text, newline=""))
    for row in reader:
        if sum(len(cell) for cell in row) > limit:
            raise ImportFileError(gettext("Line %(line)s is longer than %(limit)s characters; is this really a table?")
                                  % {"line": reader.line_num, "limit": limit})
        yield row


def read_table(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header and the rows ({column: text}, with their line numbers) of a CSV or XLSX file; an HXL row is skipped."""
    name = filename.lower()
    if not name.endswith((".xlsx", ".csv", ".txt")):
        raise ImportFileError(gettext("The file must be a CSV (.csv) or Excel (.xlsx) file."))
    check_upload(content, filename)
    limit = max_rows()
    header, rows, read = [], [], 0
    try:
        lines = _xlsx_rows(content) if name.endswith(".xlsx") else _csv_rows(content)
        for number, row in enumerate(lines, start=1):
            read = number
            if number == 1:
                header = [cell.strip() for cell in row]
                continue
            if number == 2 and row and all(cell.strip().startswith("#") for cell in row if cell.strip()) and any(cell.strip() for cell in row):
                continue  # the HXL hashtag row
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) >= limit:
                raise too_many_rows(read)
            rows.append((number, dict(zip(header, (cell.strip() for cell in row), strict=False))))
    except ImportFileError:
        raise
    except (csv.Error, ValueError, KeyError, OSError, zipfile.BadZipFile) as error:
        raise ImportFileError(gettext("The file could not be read as a table: %(error)s.") % {"error": str(error)[:200]}, rows_read=read) from error
    return header, rows


def is_ged(header: list[str]) -> bool:
    """The file claims UCDP GED's layout (read by its reader, which names any GED column it lacks)."""
    return ucdp.looks_like_ged(header)

"""Reading an uploaded table (CSV or XLSX) into header and rows, within size limits."""

import csv
import datetime
import io

import tablib

from .. import ucdp
from ..filetext import NotUtf8, decode_utf8

MAX_ROWS = 20_000

MAX_BYTES = 20 * 1024 * 1024


class ImportFileError(ValueError):
    """The file cannot be read as a table of the accepted layouts."""


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


def read_table(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header and the rows ({column: text}, with their line numbers) of a CSV or XLSX file; an HXL row is skipped."""
    name = filename.lower()
    try:
        if name.endswith(".xlsx"):
            dataset = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
            header = [_cell(cell) for cell in dataset.headers or []]
            cells = [[_cell(cell) for cell in row] for row in dataset]
        elif name.endswith(".csv") or name.endswith(".txt"):
            text = decode_utf8(content)
            reader = csv.reader(io.StringIO(text, newline=""))
            header = [cell.strip() for cell in next(reader, [])]
            cells = list(reader)
        else:
            raise ImportFileError("The file must be a CSV (.csv) or Excel (.xlsx) file.")
    except NotUtf8 as error:
        raise ImportFileError(str(error)) from error
    except (csv.Error, ValueError, KeyError, OSError) as error:
        if isinstance(error, ImportFileError):
            raise
        raise ImportFileError(f"The file could not be read as a table: {error}.") from error
    rows = []
    for number, row in enumerate(cells, start=2):
        if number == 2 and row and all(cell.strip().startswith("#") for cell in row if cell.strip()) and any(cell.strip() for cell in row):
            continue  # the HXL hashtag row
        if not any(cell.strip() for cell in row):
            continue
        rows.append((number, dict(zip(header, (cell.strip() for cell in row), strict=False))))
    return header, rows


def is_ged(header: list[str]) -> bool:
    """The file claims UCDP GED's layout (read by its reader, which names any GED column it lacks)."""
    return ucdp.looks_like_ged(header)

"""Bulk import of incidents from a file: read the table, check every row, then write them all in one atomic block."""

from .columns import BELLIGERENT, CHOICE_COLUMNS, EXTRA_COLUMNS, FIGURE_COLUMNS, IGNORED_COLUMNS, KNOWN_COLUMNS, MAX_COUNT, RowResult, check_row
from .reading import MAX_BYTES, MAX_ROWS, ImportFileError, is_ged, read_table
from .writing import GRADE_PERMISSION, IMPORTED_FROM, ImportReport, find_existing, import_file, import_ged, import_rows

__all__ = [
    "BELLIGERENT",
    "CHOICE_COLUMNS",
    "EXTRA_COLUMNS",
    "FIGURE_COLUMNS",
    "GRADE_PERMISSION",
    "IGNORED_COLUMNS",
    "IMPORTED_FROM",
    "ImportFileError",
    "ImportReport",
    "KNOWN_COLUMNS",
    "MAX_BYTES",
    "MAX_COUNT",
    "MAX_ROWS",
    "RowResult",
    "check_row",
    "find_existing",
    "import_file",
    "import_ged",
    "import_rows",
    "is_ged",
    "read_table",
]

"""Bulk import of incidents and their figures from a CSV or XLSX file, for editors (admin: Incidents › Import).

`reading` reads the table, `columns` checks every row, `writing` writes them all in one atomic block; the admin's
page is `incidents.admin.imports`.

Two layouts are accepted:

- the tracker's own: the columns of the incident export (`exports.INCIDENT_COLUMNS`), so
  an export re-imports, plus optional columns `summary`, `external_dataset`,
  `external_id`, `source_name`, `source_url`, `report_title`, `report_published_on`,
  `attributed_to`. Each row is an incident; each filled figure pair
  (`reported_killed_min`/`_max`, `conceded_killed_…`, injured, children, women) becomes
  one claim of the report at `source_url` (else the row's `permalink`);
- UCDP GED (detected by its header), through `incidents.ucdp.import_ged_file`: the one mapping;
- ACLED's export (detected by its header), through `incidents.acled`: one row per event, read by the same
  row machinery as the tracker's layout (`writing.RowLayout`).

The tracker's own layout is also the documented "monitor CSV": one row per incident with its figures.
The editor may choose the layout instead of letting the header decide (`layouts.LAYOUTS`).

The preview is the import itself run in a transaction that is rolled back, so it
shows exactly what confirming will do. Rows are checked before anything is written;
one error and nothing is written. Imported incidents are drafts. A row is skipped as
already imported when its code (an incident's code, old code, or the code it was
imported under), its external id, or its source URL + start date + place matches an
existing incident; `duplicates.possible_duplicates` (near in time and place, or a similar title) lists the others.
"""

from .columns import BELLIGERENT, CHOICE_COLUMNS, EXTRA_COLUMNS, FIGURE_COLUMNS, IGNORED_COLUMNS, KNOWN_COLUMNS, MAX_COUNT, RowResult, check_row
from .layouts import LAYOUTS, detect_layout, import_file
from .reading import MAX_BYTES, MAX_ROWS, ImportFileError, is_ged, read_table
from .writing import GRADE_PERMISSION, IMPORTED_FROM, Batching, ImportInterrupted, ImportReport, RowLayout, find_existing, import_ged, import_rows

__all__ = [
    "BELLIGERENT",
    "Batching",
    "ImportInterrupted",
    "CHOICE_COLUMNS",
    "EXTRA_COLUMNS",
    "FIGURE_COLUMNS",
    "GRADE_PERMISSION",
    "IGNORED_COLUMNS",
    "IMPORTED_FROM",
    "LAYOUTS",
    "RowLayout",
    "detect_layout",
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

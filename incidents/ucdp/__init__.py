"""UCDP's Georeferenced Event Dataset (GED): the one mapping from a GED CSV row to our records.

`reader` reads the file, `mapping` turns an event into our records' fields, `writer` writes them in bulk.

`read_ged_csv` reads a GED CSV file (UCDP's own, or HDX's with the HXL hashtag row)
into `GedEvent` records; `import_ged_events` writes them through the ORM in one
transaction, each touched incident's derived figures recomputed once at the end.
`import_ged_file` does both. The `import_ucdp` command and any admin upload go
through these functions, so a GED field becomes ours in one place only.

What the data's quirks become (each is reported as a `GedWarning` in words):

- `number_of_sources` -1 (not recorded, older events): the free-text note in
  `source_article` ("r 25/2") becomes one undated report from the source
  "Source not identified (UCDP source note)". A note that names no year gets the
  event's year in its title ("r 25/2 (2005)"), so the same note on events of other
  years is not taken for the same document.
- `source_office` / `source_date` / `source_headline` of unequal length (a ";"
  inside a headline): the articles are read again from `source_article`, whose
  items are quoted; if that fails too, its raw text becomes one undated report.
- the same article listed twice for one event: linked once.
- `low` > `high`: the all-deaths claim keeps min ≤ max by swapping the two bounds;
  its public `caveat` says so (pages, exports, API). It is not excluded: the numbers are UCDP's.
- `best`: the claim's `count_best`; outside `low`–`high` it cannot be (the database checks min ≤ best ≤ max),
  so it is left empty and the public caveat gives it.
- `event_clarity` 2 (UCDP's source already summed several days or places): aggregate claims of the period and
  area, cited to UCDP's record, never incidents; an incident that already carries such an id is reported.
- `where_prec` / `date_prec` / `event_clarity`: kept as given on the external identifier (`source_codes`).
- `deaths_civilians` 0 (only with `only_civilian=False`): no civilian claim is
  recorded, because UCDP's 0 is a residual (deaths of unknown status may be
  civilians), not a statement that no civilian died. The same holds for
  `deaths_a` / `deaths_b`. The all-deaths claim is always recorded.
- `source_original` longer than 200 characters (text pasted in place of a name):
  the figures are attributed to "UCDP". Line breaks inside cells are spaces.
"""

from .reader import REQUIRED_COLUMNS, GedFormatError, GedWarning, looks_like_ged, read_ged_csv
from .result import SKIP_REASONS, ImportResult
from .writer import import_ged_events, import_ged_file

__all__ = ["REQUIRED_COLUMNS", "SKIP_REASONS", "GedFormatError", "GedWarning", "ImportResult", "import_ged_events", "import_ged_file",
           "looks_like_ged", "read_ged_csv"]

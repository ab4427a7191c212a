"""ACLED's export (its standard columns): one draft incident per event, through the admin's upload like every layout.

`rows` reads and checks a row (every problem a row error naming row and column), `writer` writes it. The rules:

- `event_id_cnty` is kept as the incident's external id (dataset ACLED); a re-import matches on it and creates nothing;
- only `civilian_targeting` = "Civilian targeting" events are imported, unless the editor asks for all events;
- `fatalities` is one claim of all deaths of any status (`ClaimStatus.ANY`), never of civilians; its cause is unknown;
- `time_precision` 1/2/3 → day / week / month; `geo_precision` 1/2/3 → town / district / province;
- `sub_event_type` → event type (`rows.EVENT_TYPES`); `actor1` / `actor2` → belligerents, alleged (civilians,
  protesters and rioters, whom ACLED names as actors, are not belligerents);
- one report per event, "ACLED event <id>" from the source "ACLED" (a dataset record), with `notes` as its text.
"""

from .rows import COLUMNS, REQUIRED_COLUMNS, check_acled_row, looks_like_acled
from .writer import ACLED_SOURCE, AcledWriter, acled_layout

__all__ = ["ACLED_SOURCE", "COLUMNS", "REQUIRED_COLUMNS", "AcledWriter", "acled_layout", "check_acled_row", "looks_like_acled"]

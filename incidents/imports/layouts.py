"""Which layout a file is in (detected from its header, or chosen by the editor), and its import through that layout."""

import csv
import io

from django.utils.translation import gettext_lazy

from .reading import ImportFileError, is_ged, read_table
from .writing import Batching, ImportReport, import_ged, import_rows

# The layouts an editor may choose on the upload page; "auto" reads the header.
LAYOUTS = {
    "auto": gettext_lazy("detect from the header"),
    "tracker": gettext_lazy("monitor CSV (the tracker's own columns)"),
    "ucdp": gettext_lazy("UCDP GED"),
    "acled": gettext_lazy("ACLED export"),
}


def detect_layout(header: list[str]) -> str:
    """The layout a header claims: UCDP GED, ACLED, else the tracker's own (the monitor CSV)."""
    from ..acled import looks_like_acled

    if is_ged(header):
        return "ucdp"
    if looks_like_acled(header):
        return "acled"
    return "tracker"


def _as_csv(header: list[str], rows: list[tuple[int, dict]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[raw.get(name, "") for name in header] for _, raw in rows])
    return buffer.getvalue().encode("utf-8")


def import_file(content: bytes, filename: str, *, user=None, dry_run: bool = True, batching: Batching | None = None,
                layout: str = "auto", all_events: bool = False) -> ImportReport:
    """Read the file, choose its layout (`layout`, else from its header), and import it (or preview it).

    `all_events` (ACLED): every event, not only those ACLED marks as civilian targeting.
    """
    from ..acled import acled_layout

    try:
        header, rows = read_table(content, filename)
    except ImportFileError as error:
        return ImportReport(layout="", file_errors=[str(error)])
    chosen = layout if layout in LAYOUTS and layout != "auto" else detect_layout(header)
    if chosen == "ucdp":
        if filename.lower().endswith(".xlsx"):
            content = _as_csv(header, rows)
        return import_ged(content, user=user, dry_run=dry_run, batching=batching)
    if chosen == "acled":
        return import_rows(header, rows, user=user, filename=filename, dry_run=dry_run, batching=batching,
                           layout=acled_layout(all_events=all_events))
    return import_rows(header, rows, user=user, filename=filename, dry_run=dry_run, batching=batching)

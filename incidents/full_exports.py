"""The unfiltered exports, prebuilt: `/incidents/export.csv` (and .json, .geojson, HXL, claims) with no query string
is served from a file while that file is fresh, so the heaviest and most asked export costs a file read, not a scan.

`build_full_exports` writes each format's whole export once (`build_downloads` calls it: the command, the daily job)
under `DOWNLOADS_DIR/exports/`, named with the **data version** (incidents/cache.py) read before the first row. A file
is fresh while the database's data version is still the one in its name: any write to public data moves the version,
and the export is then streamed live again until the next build. A file can hold rows newer than its name (a write
during the build) but never older ones, and such a file is never fresh. The name also carries the methodology version
(incidents/methodology_versions.py): figures derived under an older method are never served once a new one is in force.
Permalinks in the files use SITE_URL.
"""

import os
import tempfile
from pathlib import Path

from django.conf import settings

from . import exports
from .cache import data_version
from .filters import IncidentFilter
from .methodology_versions import current_methodology
from .models import Incident

FOLDER = "exports"


def export_folder(directory: Path | None = None) -> Path:
    return Path(directory or settings.DOWNLOADS_DIR) / FOLDER


def export_path(folder: Path, fmt: str, version: int) -> Path:
    """Where the whole export of a format at a data version, under the methodology in force, is kept."""
    extension = exports.FORMATS[fmt][1]
    return folder / f"full-{exports.FILE_STEMS[fmt]}-{fmt}-{version}-method{current_methodology().number}.{extension}"


def unfiltered():
    """What the live export gives with no query string: the list's own filter, unbound, in its default order."""
    return IncidentFilter(None, queryset=Incident.objects.published()).qs


def build_full_exports(*, directory: Path | None = None) -> list[Path]:
    """Write the unfiltered export of every format at the current data version; remove those of older versions."""
    version = data_version()
    if version is None:
        return []
    folder = export_folder(directory)
    folder.mkdir(parents=True, exist_ok=True)
    context = exports.export_context(settings.SITE_URL)
    written = []
    for fmt, (_content_type, _extension, writer) in exports.FORMATS.items():
        target = export_path(folder, fmt, version)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=folder, delete=False, suffix=".part") as file:
            for line in writer(unfiltered(), context):
                file.write(line)
        os.chmod(file.name, 0o644)  # readable as the downloads beside it are (a temporary file starts private)
        os.replace(file.name, target)
        written.append(target)
    for old in folder.iterdir():
        if old.is_file() and old not in written:
            old.unlink()
    return written


def fresh_full_export(fmt: str) -> Path | None:
    """The prebuilt whole export of `fmt` if it was built at the database's current data version, else None."""
    version = data_version()
    if version is None:
        return None
    path = export_path(export_folder(), fmt, version)
    return path if path.is_file() else None

"""Full downloads: the whole published dataset of a day as a ZIP of CSVs and as one SQLite file.

`build_downloads` (the `build_downloads` command) writes, for a snapshot date,
`casualty-tracker-YYYY-MM-DD.zip` (README, data dictionary, citations, one CSV per
table and SHA256SUMS) and `casualty-tracker-YYYY-MM-DD.sqlite` (the same tables, and `dataset`: its date, how to
cite it, the methodology version), each with a `.sha256` file beside it. README, CITATIONS and `dataset` name the
methodology version that derived the figures (`current_methodology`). The same data and date give the same bytes:
rows in a fixed order, fixed timestamps inside the ZIP, nothing from the clock.
Only what the public may see goes in: published incidents, their non-excluded
claims, public reports (a confidential source's only by its label), non-confidential
sources, published aggregate claims.
"""

import csv
import datetime
import hashlib
import io
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from sources.models import Report, Source
from sources.public import public_report_fields

from . import citations, exports, full_exports
from .exports import CLAIM_COLUMNS, INCIDENT_COLUMNS, WHOM_HXL, Column
from .methodology_versions import current_methodology
from .models import AggregateClaim, OfficialStatement

FILE_NAME = re.compile(r"^casualty-tracker-(?P<date>\d{4}-\d{2}-\d{2})\.(?P<kind>zip|sqlite)$")
ZIP_MODE = 0o644 << 16
# Lookups a reader of the SQLite file makes on a million rows: an incident by code, its claims and statements.
SQLITE_INDEXES = [("incidents", "code"), ("claims", "incident_code"), ("statements", "incident_code"), ("claims", "report_id")]


def _meaning(model, name: str) -> str:
    """A column's meaning, from the field's help text as written (English: the data dictionary is part of the data)."""
    with translation.override("en"):
        return str(model._meta.get_field(name).help_text)


def _col(model, name: str, hxl: str = "", meaning: str | None = None, value=None) -> Column:
    return Column(name, hxl, meaning or _meaning(model, name), value or (lambda record, context: getattr(record, name)))


def _report_col(key: str, meaning: str) -> Column:
    return Column(key, "", meaning, lambda report, context: public_report_fields(report)[key])


STATEMENT_COLUMNS = [
    _col(OfficialStatement, "id", meaning="Number of the statement in the tracker."),
    Column("incident_code", "#event+code", "Code of the incident the statement is about.", lambda s, c: s.incident.code),
    Column("issuer", "#org+issuer", _meaning(OfficialStatement, "issuer"), lambda s, c: s.issuer.name),
    _col(OfficialStatement, "stated_on", "#date+stated"),
    _col(OfficialStatement, "stated_on_precision", "#date+stated+precision"),
    _col(OfficialStatement, "stance", "#status+stance"),
    _col(OfficialStatement, "reason", "#description+reason"),
    _col(OfficialStatement, "quote", "#description+quote"),
    _col(OfficialStatement, "summary", "#description+summary"),
    Column("report_id", "#meta+report", "Number of the report where the statement was published.", lambda s, c: s.report_id),
]

AGGREGATE_COLUMNS = [
    _col(AggregateClaim, "id", meaning="Number of the aggregate claim in the tracker."),
    _col(AggregateClaim, "period_start", "#date+start"),
    _col(AggregateClaim, "period_end", "#date+end"),
    _col(AggregateClaim, "area", "#loc+name"),
    _col(AggregateClaim, "countries", "#country+code"),
    Column("actor", "#org+belligerent", _meaning(AggregateClaim, "actor"), lambda a, c: a.actor.name if a.actor_id else ""),
    Column("conflicts", "#event+conflict", _meaning(AggregateClaim, "conflicts"),
           lambda a, c: "; ".join(conflict.name for conflict in a.conflicts.all())),
    _col(AggregateClaim, "period_precision", "#date+precision"),
    _col(AggregateClaim, "measure", "#meta+measure"),
    *[_col(AggregateClaim, name, hxl) for name, hxl in [
        ("outcome", "#affected+outcome"), *WHOM_HXL, ("basis", "#meta+basis"), ("count_min", "#affected+min"),
        ("count_max", "#affected+max"), ("count_best", "#affected+best"), ("qualifier", "#affected+qualifier"),
        ("attributed_to", "#org+attributed"), ("stated_on", "#date+stated"), ("stated_on_precision", "#date+stated+precision"),
        ("quote", "#description+quote"), ("caveat", "#description+caveat"),
    ]],
    Column("report_id", "#meta+report", "Number of the report that states the figure.", lambda a, c: a.report_id),
    Column("source", "#org+source", "The source's name; a confidential source appears only as its generic label.",
           lambda a, c: a.report.source.public_name),
]

REPORT_COLUMNS = [
    _report_col("id", "Number of the report in the tracker."),
    _report_col("title", "Headline or title of the document (withheld for a confidential source)."),
    _report_col("url", "Where the document was published (withheld for a confidential source)."),
    _report_col("archive_url", "An archived copy (withheld for a confidential source)."),
    _report_col("published_on", _meaning(Report, "published_on")),
    _report_col("language", _meaning(Report, "language")),
    _report_col("author", "Author or byline, if given (withheld for a confidential source)."),
    _report_col("kind", _meaning(Report, "kind")),
    _report_col("source", "The source's name; a confidential source appears only as its generic label."),
    _report_col("source_slug", "The source's short name (see sources.csv); empty for a confidential source."),
]

SOURCE_COLUMNS = [_col(Source, name) for name in ("slug", "name", "kind", "country", "language", "homepage", "description")]


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[Column]
    description: str

    def rows(self, context: dict) -> Iterator[dict]:
        return exports.records(TABLE_QUERIES[self.name](), self.columns, context)


def _public_reports():
    return Report.objects.public().select_related("source").defer("text", "notes").order_by("id")


def _public_sources():
    return Source.objects.public().order_by("slug")


TABLE_QUERIES = {
    "incidents": lambda: exports.export_incidents(exports.all_published_incidents()),
    "claims": lambda: exports.export_claims(exports.all_published_incidents()),
    "aggregate_claims": lambda: (
        AggregateClaim.objects.published().select_related("actor", "report__source").prefetch_related("conflicts").order_by("id")
    ),
    "statements": lambda: OfficialStatement.objects.published().select_related("incident", "issuer").order_by("incident_id", "stated_on", "id"),
    "reports": _public_reports,
    "sources": _public_sources,
}

TABLES = [
    Table("incidents", INCIDENT_COLUMNS, "One row per published incident, newest first (the /incidents/ CSV export)."),
    Table("claims", CLAIM_COLUMNS, "One row per casualty claim of a published incident that the editors have not excluded."),
    Table("aggregate_claims", AGGREGATE_COLUMNS, "Figures for a period and an area, never summed into incident totals."),
    Table("statements", STATEMENT_COLUMNS, "Official statements and assessments on published incidents, oldest first per incident."),
    Table("reports", REPORT_COLUMNS, "Reports that cover published incidents; a confidential source's report only by its label."),
    Table("sources", SOURCE_COLUMNS, "Sources that may be named and that reported a published incident."),
]


def snapshot_name(day: datetime.date, kind: str) -> str:
    return f"casualty-tracker-{day.isoformat()}.{kind}"


def _context() -> dict:
    return {**exports.export_context(settings.SITE_URL), "generated_at": None}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _readme(day: datetime.date) -> str:
    lines = [
        f"Casualty Tracker — dataset of {day.isoformat()}",
        "",
        "Every published civilian-casualty incident of the tracker on that day, with its non-excluded claims, the official",
        "statements on it, the reports that cover it and the sources that may be named. Drafts, excluded claims, private",
        "names and the identity of confidential sources are never included; a confidential source appears by its label.",
        "",
        f"Cite as: {_cite_as(day)}. Check that your copy holds the same bytes with",
        "SHA256SUMS.txt (each file) and the .sha256 file published beside the ZIP.",
        "",
        _methodology_line(),
        "",
        "Files (UTF-8 CSV, comma-separated, header row; dates YYYY-MM-DD, times UTC):",
    ]
    lines += [f"  {table.name}.csv — {table.description}" for table in TABLES]
    lines += [
        "  data-dictionary.csv — every column of every file and what it means (from the models' help texts).",
        "  CITATIONS.txt — how to cite this dataset, and the citations that imported data requires.",
        "",
        "Figures: a range min–max; an empty max means open-ended (\"more than 100\" is min 101, no max). How the",
        "incident's reported and conceded ranges are derived from its claims is on the methodology page.",
        "The same tables are in the SQLite file of the same date (open it with sqlite3 or Datasette); its table",
        "`dataset` gives the date, how to cite it and the methodology version.",
        "",
    ]
    return "\n".join(lines)


def _cite_as(day: datetime.date) -> str:
    return f"Casualty Tracker, dataset of {day.isoformat()} ({current_methodology().label})"


def _methodology_line() -> str:
    """Which version of the method derived the figures in this download, and where its changes are listed."""
    method = current_methodology()
    return (f"Figures derived under {method.label}, in force since {method.in_force_from.isoformat()}: "
            f"{_methodology_url(method)}")


def _methodology_url(method) -> str:
    with translation.override("en"):
        return settings.SITE_URL.rstrip("/") + reverse("methodology") + f"#{method.anchor}"


def _dataset_facts(day: datetime.date) -> list[tuple[str, str]]:
    """The SQLite file's `dataset` table: what a reader of that file alone needs to cite it."""
    method = current_methodology()
    return [
        ("dataset_date", day.isoformat()), ("cite_as", _cite_as(day)), ("methodology_version", str(method.number)),
        ("methodology_in_force_from", method.in_force_from.isoformat()), ("methodology_url", _methodology_url(method)),
    ]


def _citations(day: datetime.date) -> str:
    lines = [f"Cite this dataset as: {_cite_as(day)}.", _methodology_line(), ""]
    lines += ["Data from other datasets included in this download, and the citations their licences require.", ""]
    for entry in citations.DATASET_CITATIONS.values():
        lines += [f"{entry['name']}", f"  {entry['publisher']} — {entry['homepage']}", f"  Licence: {entry['licence']} ({entry['licence_url']})"]
        lines += [f"  Cite: {citation}" for citation in entry["citations"]]
        lines.append("")
    return "\n".join(lines)


def _dictionary() -> Iterator[str]:
    rows = ({"file": f"{table.name}.csv", "column": column.name, "hxl": column.hxl, "meaning": column.meaning}
            for table in TABLES for column in table.columns)
    fields = [Column(name, "", "", lambda row, context, name=name: row[name]) for name in ("file", "column", "hxl", "meaning")]
    return exports.csv_lines(rows, fields)


def _write_text(path: Path, chunks) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        for chunk in chunks:
            file.write(chunk)


def _zip_member(archive: zipfile.ZipFile, path: Path, name: str, day: datetime.date) -> None:
    info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = ZIP_MODE
    with path.open("rb") as source, archive.open(info, "w", force_zip64=path.stat().st_size > 2**31 - 2**20) as target:
        for block in iter(lambda: source.read(1 << 20), b""):
            target.write(block)


def _sqlite_value(value):
    if isinstance(value, datetime.datetime | datetime.date | Decimal):
        return exports.cell(value) if not isinstance(value, Decimal) else float(value)
    if isinstance(value, float | int | str) or value is None:
        return value
    return str(value)


def _write_sqlite(path: Path, context: dict, day: datetime.date) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        for table in TABLES:
            names = ", ".join(f'"{column.name}"' for column in table.columns)
            connection.execute(f'CREATE TABLE "{table.name}" ({names})')
            marks = ", ".join("?" for _ in table.columns)
            connection.executemany(
                f'INSERT INTO "{table.name}" VALUES ({marks})',
                ([_sqlite_value(row[column.name]) for column in table.columns] for row in table.rows(context)),
            )
        for table, column in SQLITE_INDEXES:
            connection.execute(f'CREATE INDEX "{table}_{column}" ON "{table}" ("{column}")')
        connection.execute('CREATE TABLE "data_dictionary" ("file", "column", "hxl", "meaning")')
        connection.executemany('INSERT INTO "data_dictionary" VALUES (?, ?, ?, ?)', (
            (table.name, column.name, column.hxl, column.meaning) for table in TABLES for column in table.columns
        ))
        connection.execute('CREATE TABLE "dataset" ("key", "value")')
        connection.executemany('INSERT INTO "dataset" VALUES (?, ?)', _dataset_facts(day))
        connection.commit()
    finally:
        connection.close()


def build_downloads(*, day: datetime.date, directory: Path | None = None) -> list[Path]:
    """Write the ZIP and the SQLite file of the published data for `day`, each with its .sha256; return their paths."""
    directory = Path(directory or settings.DOWNLOADS_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    context = _context()
    written = []
    with tempfile.TemporaryDirectory(dir=directory) as work:
        work = Path(work)
        members = {"README.txt": _readme(day), "CITATIONS.txt": _citations(day), "data-dictionary.csv": _dictionary()}
        for name, content in members.items():
            _write_text(work / name, [content] if isinstance(content, str) else content)
        for table in TABLES:
            _write_text(work / f"{table.name}.csv", exports.csv_lines(table.rows(context), table.columns))
        order = ["README.txt", "data-dictionary.csv", "CITATIONS.txt", *[f"{table.name}.csv" for table in TABLES]]
        sums = "".join(f"{_sha256(work / name)}  {name}\n" for name in order)
        (work / "SHA256SUMS.txt").write_text(sums, encoding="utf-8")

        zip_tmp = work / "snapshot.zip"
        with zipfile.ZipFile(zip_tmp, "w") as archive:
            for name in [*order, "SHA256SUMS.txt"]:
                _zip_member(archive, work / name, name, day)
        sqlite_tmp = work / "snapshot.sqlite"
        _write_sqlite(sqlite_tmp, context, day)

        for tmp, kind in ((zip_tmp, "zip"), (sqlite_tmp, "sqlite")):
            target = directory / snapshot_name(day, kind)
            os.replace(tmp, target)
            (directory / f"{target.name}.sha256").write_text(f"{_sha256(target)}  {target.name}\n", encoding="utf-8")
            written.append(target)
    # The unfiltered exports of every format, served for /incidents/export.* with no query string while fresh.
    full_exports.build_full_exports(directory=directory)
    return written


@dataclass(frozen=True)
class Snapshot:
    name: str
    day: datetime.date
    kind: str
    size: int
    sha256: str


def list_downloads(directory: Path | None = None) -> list[Snapshot]:
    """The downloads on disk, newest first (ZIP before SQLite on a day)."""
    directory = Path(directory or settings.DOWNLOADS_DIR)
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = FILE_NAME.match(path.name)
        if not match or not path.is_file():
            continue
        checksum = directory / f"{path.name}.sha256"
        sha = checksum.read_text(encoding="utf-8").split()[0] if checksum.is_file() else ""
        found.append(Snapshot(path.name, datetime.date.fromisoformat(match["date"]), match["kind"], path.stat().st_size, sha))
    return sorted(found, key=lambda s: (-s.day.toordinal(), s.kind != "zip"))


def dictionary_rows() -> list[tuple[str, list[Column]]]:
    """Each file of the download with its columns, for the /data/ page."""
    return [(f"{table.name}.csv", table.columns) for table in TABLES]


def read_member(path: Path, name: str) -> str:
    """One file of a download ZIP as text (for tests and checks)."""
    with zipfile.ZipFile(path) as archive:
        return io.TextIOWrapper(archive.open(name), encoding="utf-8", newline="").read()


def csv_of(path: Path, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(read_member(path, name), newline="")))

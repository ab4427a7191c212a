"""Bulk import of incidents and their figures from a CSV or XLSX file, for editors (admin: Incidents › Import).

Two layouts are accepted:

- the tracker's own: the columns of the incident export (`exports.INCIDENT_COLUMNS`), so
  an export re-imports, plus optional columns `summary`, `external_dataset`,
  `external_id`, `source_name`, `source_url`, `report_title`, `report_published_on`,
  `attributed_to`. Each row is an incident; each filled figure pair
  (`reported_killed_min`/`_max`, `conceded_killed_…`, injured, children, women) becomes
  one claim of the report at `source_url` (else the row's `permalink`);
- UCDP GED (detected by its header), through `incidents.ucdp.import_ged_file`: the one mapping.

The preview is the import itself run in a transaction that is rolled back, so it
shows exactly what confirming will do. Rows are checked before anything is written;
one error and nothing is written. Imported incidents are drafts. A row is skipped as
already imported when its code (an incident's code, old code, or the code it was
imported under), its external id, or its source URL + start date + place matches an
existing incident; `duplicates.possible_duplicates` (near in time and place, or a similar title) lists the others.
"""

import csv
import datetime
import io
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import tablib
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify

from sources.choices import ReportKind, SourceKind
from sources.models import Report, Source
from sources.text import normalise_url

from . import choices, ucdp
from .duplicates import possible_duplicates
from .exports import INCIDENT_COLUMNS
from .models import (
    Actor,
    BelligerentRoleLink,
    CasualtyFigure,
    Conflict,
    ExternalIdentifier,
    Incident,
    IncidentAlias,
)
from .services import deferred_recompute, save_claim

MAX_ROWS = 20_000
MAX_BYTES = 20 * 1024 * 1024
EXTRA_COLUMNS = ["summary", "external_dataset", "external_id", "source_name", "source_url", "report_title", "report_published_on",
                 "attributed_to"]
KNOWN_COLUMNS = [column.name for column in INCIDENT_COLUMNS] + EXTRA_COLUMNS
# Filled by the database from the claims, or by the tracker: read, never imported.
IGNORED_COLUMNS = {"latest_stance", "sources_count", "updated_at"}
GRADE_PERMISSION = "incidents.grade_incident"
IMPORTED_FROM = "Imported from a file"

# (column prefix, outcome, group, basis) of each figure pair a row may carry.
FIGURE_COLUMNS = [
    ("reported_killed", choices.Outcome.KILLED, choices.Group.CIVILIANS, choices.Basis.REPORTED),
    ("conceded_killed", choices.Outcome.KILLED, choices.Group.CIVILIANS, choices.Basis.CONCEDED),
    ("reported_injured", choices.Outcome.INJURED, choices.Group.CIVILIANS, choices.Basis.REPORTED),
    ("conceded_injured", choices.Outcome.INJURED, choices.Group.CIVILIANS, choices.Basis.CONCEDED),
    ("children_killed", choices.Outcome.KILLED, choices.Group.CHILDREN, choices.Basis.REPORTED),
    ("women_killed", choices.Outcome.KILLED, choices.Group.WOMEN, choices.Basis.REPORTED),
]
CHOICE_COLUMNS = {
    "date_precision": choices.DatePrecision, "geo_precision": choices.GeoPrecision, "event_type": choices.EventType,
    "external_dataset": choices.Dataset,
}
BELLIGERENT = re.compile(r"^(?P<name>.+?)\s*(?:\((?P<role>[^()]*)\))?$")
MAX_COUNT = 2_147_483_647


class ImportFileError(ValueError):
    """The file cannot be read as a table of the accepted layouts."""


@dataclass
class RowResult:
    """One row of the file: what it will become, or what is wrong with it, in words."""

    line: int
    code: str = ""
    title: str = ""
    errors: list[str] = field(default_factory=list)
    existing: str = ""  # code of the incident it is already imported as
    matched_by: str = ""
    possible_duplicates: list[str] = field(default_factory=list)
    created: str = ""  # code of the incident created
    figures: int = 0
    data: dict = field(default_factory=dict, repr=False)

    def error(self, column: str, message: str) -> None:
        self.errors.append(f"row {self.line}, column “{column}”: {message}" if column else f"row {self.line}: {message}")

    @property
    def action(self) -> str:
        if self.errors:
            return "error"
        return "skip" if self.existing else "create"


@dataclass
class ImportReport:
    """What an import did (or, in a preview, would do)."""

    layout: str
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    created: int = 0
    skipped: int = 0
    figures_created: int = 0
    warnings: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def errors(self) -> list[str]:
        return self.file_errors + [message for row in self.rows for message in row.errors]

    @property
    def ok(self) -> bool:
        return not self.errors


# Reading ---------------------------------------------------------------------------------------------------------


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
            text = content.decode("utf-8-sig")
            reader = csv.reader(io.StringIO(text, newline=""))
            header = [cell.strip() for cell in next(reader, [])]
            cells = list(reader)
        else:
            raise ImportFileError("The file must be a CSV (.csv) or Excel (.xlsx) file.")
    except UnicodeDecodeError as error:
        raise ImportFileError(f"The CSV file is not UTF-8 text (byte {error.start}); save it as “CSV UTF-8” and upload it again.") from error
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
    return all(column in header for column in ucdp.REQUIRED_COLUMNS)


# Checking --------------------------------------------------------------------------------------------------------


def _choice(row: RowResult, raw: dict, column: str, choice_class, default: str) -> str:
    value = raw.get(column, "")
    if not value:
        return default
    by_value = {str(v): str(v) for v in choice_class.values}
    by_label = {str(label).lower(): str(v) for v, label in choice_class.choices}
    found = by_value.get(value) or by_value.get(value.lower()) or by_label.get(value.lower())
    if found is None:
        row.error(column, f"“{value}” is not one of {', '.join(by_value)}.")
        return default
    return found


def _date(row: RowResult, raw: dict, column: str) -> datetime.date | None:
    value = raw.get(column, "")
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        row.error(column, f"“{value}” is not a date written YYYY-MM-DD.")
        return None


def _count(row: RowResult, raw: dict, column: str) -> int | None:
    value = raw.get(column, "")
    if not value:
        return None
    if not re.fullmatch(r"\d+", value) or int(value) > MAX_COUNT:
        row.error(column, f"“{value}” is not a whole number of 0 or more.")
        return None
    return int(value)


def _coordinate(row: RowResult, raw: dict, column: str, limit: int) -> Decimal | None:
    value = raw.get(column, "")
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        row.error(column, f"“{value}” is not a number (decimal degrees, e.g. 36.34).")
        return None
    if not -limit <= number <= limit:
        row.error(column, f"{value} is outside −{limit} to {limit}.")
        return None
    return number.quantize(Decimal("0.000001"))


def _text(row: RowResult, raw: dict, column: str, model=Incident) -> str:
    value = raw.get(column, "")
    limit = model._meta.get_field(column).max_length if column in {f.name for f in model._meta.fields} else None
    if limit and len(value) > limit:
        row.error(column, f"is {len(value)} characters long; at most {limit} fit.")
    return value


def _belligerents(row: RowResult, raw: dict) -> list[tuple[str, str]]:
    found = []
    for part in (p.strip() for p in raw.get("belligerents", "").split(";")):
        if not part:
            continue
        match = BELLIGERENT.match(part)
        name, role = match["name"].strip(), (match["role"] or choices.BelligerentRole.ALLEGED).strip().lower()
        if role not in choices.BelligerentRole.values:
            row.error("belligerents", f"role “{role}” of “{name}” is not alleged or acknowledged.")
            continue
        found.append((name, role))
    return found


def check_row(line: int, raw: dict) -> RowResult:
    """Read and check one row of the tracker's layout; nothing is written."""
    row = RowResult(line=line, code=raw.get("code", "").upper(), title=raw.get("title", ""))
    data = row.data
    for column, value in raw.items():
        if "\x00" in value:
            row.error(column, "contains a NUL character (a damaged file?); remove it.")
            raw[column] = value.replace("\x00", "")
    if not row.title:
        row.error("title", "is empty; every incident needs a title.")
    data["title"] = _text(row, raw, "title")
    data["summary"] = raw.get("summary", "")
    data["date_start"] = _date(row, raw, "date_start")
    if data["date_start"] is None and not any("date_start" in e for e in row.errors):
        row.error("date_start", "is empty; every incident needs a start date (YYYY-MM-DD).")
    data["date_end"] = _date(row, raw, "date_end")
    if data["date_start"] and data["date_end"]:
        if data["date_end"] < data["date_start"]:
            row.error("date_end", f"{data['date_end']} is before the start date {data['date_start']}.")
        elif data["date_end"] == data["date_start"]:
            data["date_end"] = None
    data["grade"] = _choice(row, raw, "grade", choices.Grade, "")
    for column, choice_class in CHOICE_COLUMNS.items():
        default = {"date_precision": choices.DatePrecision.DAY, "geo_precision": choices.GeoPrecision.TOWN,
                   "event_type": choices.EventType.OTHER, "external_dataset": choices.Dataset.OTHER}[column]
        data[column] = _choice(row, raw, column, choice_class, str(default))
    country = raw.get("country", "").upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        row.error("country", f"“{raw['country']}” is not a two-letter ISO 3166-1 code such as IQ.")
    data["country"] = country
    for column in ("admin1", "admin2", "locality", "neighbourhood"):
        data[column] = _text(row, raw, column)
    data["latitude"] = _coordinate(row, raw, "latitude", 90)
    data["longitude"] = _coordinate(row, raw, "longitude", 180)
    if (data["latitude"] is None) != (data["longitude"] is None) and not any("itude" in e for e in row.errors):
        row.error("latitude" if data["latitude"] is None else "longitude", "give both latitude and longitude, or neither.")
    data["conflict"] = raw.get("conflict", "")
    data["belligerents"] = _belligerents(row, raw)
    for column, value, limit in [
        ("conflict", data["conflict"], 200), ("source_name", raw.get("source_name", ""), 200), ("report_title", raw.get("report_title", ""), 500),
        ("source_url", raw.get("source_url", ""), 2000), ("external_id", raw.get("external_id", ""), 64),
        *[("belligerents", name, 200) for name, _ in data["belligerents"]],
    ]:
        if len(value) > limit:
            row.error(column, f"“{value[:40]}…” is {len(value)} characters long; at most {limit} fit.")

    data["figures"] = []
    for prefix, outcome, group, basis in FIGURE_COLUMNS:
        low, high = _count(row, raw, f"{prefix}_min"), _count(row, raw, f"{prefix}_max")
        if low is not None and high is not None and low > high:
            row.error(f"{prefix}_min", f"the minimum {low} is greater than the maximum {high}.")
        elif low is not None or high is not None:
            data["figures"].append((prefix, outcome, group, basis, low, high))
    data["source_url"] = raw.get("source_url", "") or raw.get("permalink", "")
    data["source_name"] = raw.get("source_name", "")
    if data["source_url"] and not re.match(r"^https?://", data["source_url"]):
        row.error("source_url", f"“{data['source_url']}” is not a web address (http:// or https://).")
    if data["figures"] and not data["source_url"]:
        row.error("source_url", "the row has figures but no source: give the report's address in source_url (or a permalink).")
    data["report_title"] = raw.get("report_title", "")
    data["report_published_on"] = _date(row, raw, "report_published_on")
    data["attributed_to"] = raw.get("attributed_to", "")
    data["external_id"] = raw.get("external_id", "")
    data["external_ids"] = []
    for part in (p.strip() for p in raw.get("external_ids", "").split(";")):
        if not part:
            continue
        dataset, _, identifier = part.partition(":")
        if dataset.strip() not in choices.Dataset.values or not identifier.strip():
            row.error("external_ids", f"“{part}” is not dataset:id with a dataset among {', '.join(choices.Dataset.values)}.")
            continue
        if len(identifier.strip()) > 64:
            row.error("external_ids", f"the id “{identifier.strip()[:40]}…” is longer than 64 characters.")
            continue
        data["external_ids"].append((dataset.strip(), identifier.strip()))
    if data["external_id"] and raw.get("external_dataset"):
        data["external_ids"].append((data["external_dataset"], data["external_id"]))
    data["external_ids"] = list(dict.fromkeys(data["external_ids"]))
    data["permalink"] = raw.get("permalink", "")
    if data["external_id"] and not raw.get("external_dataset"):
        row.error("external_dataset", f"say which dataset the id “{data['external_id']}” belongs to ({', '.join(choices.Dataset.values)}).")
    return row


def find_existing(row: RowResult) -> None:
    """Mark the row as already imported (by code, external id, or source URL + date + place) and list possible duplicates."""
    data = row.data
    if row.code:
        match = (
            Incident.objects.filter(code=row.code).values_list("code", flat=True).first()
            or IncidentAlias.objects.filter(code=row.code).values_list("incident__code", flat=True).first()
            or ExternalIdentifier.objects.filter(identifier=row.code, dataset=choices.Dataset.OTHER).values_list("incident__code", flat=True).first()
        )
        if match:
            row.existing, row.matched_by = match, f"code {row.code}"
            return
    for dataset, identifier in data.get("external_ids", []):
        match = ExternalIdentifier.objects.filter(dataset=dataset, identifier=identifier).values_list("incident__code", flat=True).first()
        if match:
            row.existing, row.matched_by = match, f"{dataset} id {identifier}"
            return
    if not data.get("date_start"):
        return
    same_place = Q(date_start=data["date_start"], country=data["country"], admin1__iexact=data["admin1"], locality__iexact=data["locality"])
    if data.get("source_url"):
        url = normalise_url(data["source_url"])
        match = Incident.objects.filter(same_place, report_links__report__url_normalised=url).values_list("code", flat=True).first()
        if match:
            row.existing, row.matched_by = match, "source URL, start date and place"
            return
    match = Incident.objects.filter(same_place, title__iexact=data["title"]).values_list("code", flat=True).first()
    if match:
        row.existing, row.matched_by = match, "title, start date and place"
        return
    names = [name for name, _ in data["belligerents"]]
    belligerent_ids = list(Actor.objects.filter(name__in=names).values_list("pk", flat=True)) if names else []
    candidate = Incident(title=data["title"], date_start=data["date_start"], date_end=data["date_end"], locality=data["locality"],
                         latitude=data["latitude"], longitude=data["longitude"])
    row.possible_duplicates = [
        f"{found.incident.code} ({'; '.join(found.reasons)})" for found in possible_duplicates(candidate, belligerent_ids=belligerent_ids, limit=5)
    ]


# Writing ---------------------------------------------------------------------------------------------------------


class _Writer:
    """Creates the incidents of checked rows; actors, conflicts, sources and reports are found by name or URL, else created."""

    def __init__(self, *, user, filename: str):
        self.user = user
        self.reason = f"{IMPORTED_FROM} ({filename})"[:100]
        self.actors: dict[str, Actor] = {}
        self.conflicts: dict[str, Conflict] = {}
        self.reports: dict[str, Report] = {}
        self.may_grade = user is None or user.has_perm(GRADE_PERMISSION)

    def _slug(self, model, name: str) -> str:
        base = slugify(name)[:180] or "imported"
        slug, number = base, 2
        while model.objects.filter(slug=slug).exists():
            slug, number = f"{base}-{number}", number + 1
        return slug

    def actor(self, name: str) -> Actor:
        if name not in self.actors:
            self.actors[name] = Actor.objects.filter(name=name).first() or Actor.objects.create(
                name=name, slug=self._slug(Actor, name), description="Named as a belligerent in an imported file.")
        return self.actors[name]

    def conflict(self, name: str) -> Conflict | None:
        if not name:
            return None
        if name not in self.conflicts:
            self.conflicts[name] = Conflict.objects.filter(Q(name=name) | Q(slug=name)).first() or Conflict.objects.create(
                name=name, slug=self._slug(Conflict, name))
        return self.conflicts[name]

    def report(self, data: dict) -> Report:
        url = normalise_url(data["source_url"])
        if url not in self.reports:
            report = Report.objects.filter(url_normalised=url).first()
            if report is None:
                name = (data["source_name"] or _source_name_of(data["source_url"], data["permalink"]))[:200]
                source = Source.objects.filter(name=name).first() or Source.objects.create(
                    name=name, slug=self._slug(Source, name),
                    kind=SourceKind.MONITORING_GROUP if data["source_url"] == data["permalink"] else SourceKind.NEWS_OUTLET,
                )
                report = Report.objects.create(
                    source=source, url=data["source_url"], title=data["report_title"] or data["title"][:500],
                    published_on=data["report_published_on"],
                    kind=ReportKind.DATASET_RECORD if data["source_url"] == data["permalink"] else ReportKind.ARTICLE,
                    notes=self.reason,
                )
            self.reports[url] = report
        return self.reports[url]

    def create(self, row: RowResult) -> Incident:
        data = row.data
        incident = Incident(
            title=data["title"], summary=data["summary"], date_start=data["date_start"], date_end=data["date_end"],
            date_precision=data["date_precision"], country=data["country"], admin1=data["admin1"], admin2=data["admin2"],
            locality=data["locality"], neighbourhood=data["neighbourhood"], latitude=data["latitude"], longitude=data["longitude"],
            geo_precision=data["geo_precision"], event_type=data["event_type"], conflict=self.conflict(data["conflict"]),
            # A new incident is a draft (the model's default); reviewers publish it through the workflow.
            grade=data["grade"] if self.may_grade else "", created_by=self.user, updated_by=self.user,
        )
        incident._change_reason = self.reason
        incident.save()
        if row.code:
            # The code it had where it came from: found again on a second import, never reused as our own code.
            ExternalIdentifier.objects.create(incident=incident, dataset=choices.Dataset.OTHER, identifier=row.code, url=data["permalink"])
        for dataset, identifier in data["external_ids"]:
            ExternalIdentifier.objects.create(incident=incident, dataset=dataset, identifier=identifier)
        for name, role in dict((name, role) for name, role in data["belligerents"]).items():
            BelligerentRoleLink.objects.create(incident=incident, actor=self.actor(name), role=role)
        report = self.report(data) if data["figures"] else None
        for prefix, outcome, group, basis, low, high in data["figures"]:
            claim = CasualtyFigure(
                incident=incident, report=report, outcome=outcome, group=group, basis=basis, count_min=low, count_max=high,
                qualifier=_qualifier(low, high), attributed_to=(data["attributed_to"] or report.source.public_name)[:300],
                notes=f"{self.reason}: column {prefix}_min/_max.",
            )
            claim._change_reason = self.reason
            save_claim(claim=claim)
            row.figures += 1
        row.created = incident.code
        return incident


def _qualifier(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return choices.Qualifier.EXACT if low == high else choices.Qualifier.BETWEEN
    return choices.Qualifier.AT_LEAST if high is None else choices.Qualifier.UP_TO


def _source_name_of(url: str, permalink: str) -> str:
    host = re.sub(r"^https?://", "", url).split("/")[0].lower()
    return f"Casualty Tracker export ({host})" if url == permalink else host


class _Rollback(Exception):
    pass


def import_rows(header: list[str], rows: list[tuple[int, dict]], *, user=None, filename: str = "upload", dry_run: bool = True) -> ImportReport:
    """Check every row, then (no errors) write them all in one transaction; a dry run rolls the transaction back."""
    report = ImportReport(layout="tracker")
    unknown = [name for name in header if name and name not in KNOWN_COLUMNS]
    if unknown:
        report.warnings.append(f"Columns not imported (not part of the format): {', '.join(unknown)}.")
    ignored = [name for name in header if name in IGNORED_COLUMNS]
    if ignored:
        report.warnings.append(f"Columns read but not imported (the tracker derives or decides them): {', '.join(ignored)}.")
    for required in ("title", "date_start"):
        if required not in header:
            report.file_errors.append(f"The header has no “{required}” column; the first row must name the columns (see the README).")
    if report.file_errors:
        return report
    if "grade" in header and user is not None and not user.has_perm(GRADE_PERMISSION):
        report.warnings.append("The grade column is not imported: grading is for reviewers. The incidents are imported ungraded.")
    if len(rows) > MAX_ROWS:
        report.file_errors.append(f"The file has {len(rows)} rows; import at most {MAX_ROWS} at a time.")
        return report
    seen: dict[str, int] = {}
    for line, raw in rows:
        row = check_row(line, raw)
        for key in filter(None, [row.code, *(f"{dataset}:{identifier}" for dataset, identifier in row.data.get("external_ids", []))]):
            if key in seen:
                column = "code" if key == row.code else "external_ids"
                row.error(column, f"the same record ({key}) appears again; it was first on row {seen[key]}.")
            seen.setdefault(key, line)
        if not row.errors:
            find_existing(row)
        report.rows.append(row)
    if not report.ok:
        return report
    writer = _Writer(user=user, filename=filename)
    try:
        with transaction.atomic():
            with deferred_recompute():
                for row in report.rows:
                    if row.existing:
                        report.skipped += 1
                        continue
                    writer.create(row)
                    report.created += 1
                    report.figures_created += row.figures
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except DatabaseError as error:
        report.file_errors.append(f"The database refused the import, so nothing was written: {error}.")
        report.created = report.figures_created = 0
        return report
    report.committed = not dry_run
    return report


def import_ged(content: bytes, *, dry_run: bool = True) -> ImportReport:
    """A UCDP GED file through the one mapping (`ucdp.import_ged_file`), as drafts; a dry run rolls back."""
    report = ImportReport(layout="ucdp")
    try:
        with transaction.atomic():
            result = ucdp.import_ged_file(io.BytesIO(content))
            if dry_run:
                raise _Rollback(result)
    except _Rollback as rollback:
        result = rollback.args[0]
    except ucdp.GedFormatError as error:
        report.file_errors.append(str(error))
        return report
    except (DatabaseError, ValueError) as error:
        report.file_errors.append(f"The file could not be imported, so nothing was written: {error}.")
        return report
    report.created, report.skipped, report.figures_created = result.created, result.skipped + result.unchanged, result.figures_created
    report.warnings = [str(warning) for warning in result.warnings]
    if result.merged:
        report.warnings.insert(0, f"{result.merged} event(s) already on an incident: their new claims and reports are added to it.")
    report.committed = not dry_run
    return report


def import_file(content: bytes, filename: str, *, user=None, dry_run: bool = True) -> ImportReport:
    """Read the file, choose its layout, and import it (or preview it)."""
    if len(content) > MAX_BYTES:
        return ImportReport(layout="", file_errors=[f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it."])
    try:
        header, rows = read_table(content, filename)
    except ImportFileError as error:
        return ImportReport(layout="", file_errors=[str(error)])
    if is_ged(header):
        if filename.lower().endswith(".xlsx"):
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(header)
            writer.writerows([[raw.get(name, "") for name in header] for _, raw in rows])
            content = buffer.getvalue().encode("utf-8")
        return import_ged(content, dry_run=dry_run)
    return import_rows(header, rows, user=user, filename=filename, dry_run=dry_run)


# Admin page ------------------------------------------------------------------------------------------------------

SESSION_KEY = "incident_import"
UPLOADS = "imports"
KEEP_UPLOADS = datetime.timedelta(days=1)


def _forget_upload(request) -> None:
    """Delete the file of this editor's previous preview, and any preview file left for more than a day."""
    stored = request.session.pop(SESSION_KEY, None)
    if stored:
        default_storage.delete(stored["path"])
    try:
        _, names = default_storage.listdir(UPLOADS)
    except FileNotFoundError:
        return
    limit = timezone.now() - KEEP_UPLOADS
    for name in names:
        path = f"{UPLOADS}/{name}"
        if default_storage.get_modified_time(path) < limit:
            default_storage.delete(path)


@staff_member_required
@permission_required("incidents.add_incident", raise_exception=True)
def import_view(request):
    """Upload → preview (a rolled-back run: row-by-row errors, duplicates, counts) → confirm (all or nothing)."""
    context = {"title": "Import incidents", "opts": Incident._meta, "has_view_permission": True, "site_header": "Casualty Tracker — editors"}
    if request.method == "POST" and request.POST.get("confirm"):
        stored = request.session.get(SESSION_KEY)
        if not stored or stored.get("token") != request.POST.get("token"):
            messages.error(request, "That preview has expired or was replaced: upload the file again.")
            return redirect("incident_import")
        try:
            with default_storage.open(stored["path"], "rb") as file:
                content = file.read()
        except OSError:
            messages.error(request, "That preview has expired: upload the file again.")
            return redirect("incident_import")
        report = import_file(content, stored["filename"], user=request.user, dry_run=False)
        request.session.pop(SESSION_KEY, None)
        default_storage.delete(stored["path"])
        if report.ok and report.committed:
            messages.success(request, f"Imported {stored['filename']}: {report.created} incident(s) created as drafts, "
                                      f"{report.skipped} already present, {report.figures_created} claim(s).")
            return redirect("admin:incidents_incident_changelist")
        context.update(report=report, filename=stored["filename"])
        return render(request, "admin/incidents/import_preview.html", context)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["form_error"] = "Choose a CSV or XLSX file to upload."
            return render(request, "admin/incidents/import.html", context)
        if upload.size > MAX_BYTES:
            context["form_error"] = f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it."
            return render(request, "admin/incidents/import.html", context)
        content = upload.read()
        report = import_file(content, upload.name, user=request.user, dry_run=True)
        token = ""
        _forget_upload(request)
        if report.ok:
            token = secrets.token_hex(16)
            path = default_storage.save(f"{UPLOADS}/{token}.upload", ContentFile(content))
            request.session[SESSION_KEY] = {"token": token, "filename": upload.name, "path": path}
        context.update(report=report, filename=upload.name, token=token)
        return render(request, "admin/incidents/import_preview.html", context)
    return render(request, "admin/incidents/import.html", context)

"""Writing checked rows: match existing records, create the new ones, all in one transaction (rolled back for a dry run).

A background job (incidents/jobs.py) passes a `Batching` instead: the rows are written in batches, each its own short
transaction (rolled back for a dry run), with where it got to saved in the same transaction, so a failed import goes on
from its last finished batch when it is run again.
"""

import dataclasses
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils.text import slugify

from sources.choices import ReportKind, SourceKind
from sources.models import Report, Source
from sources.text import normalise_url

from .. import choices, ucdp
from ..aliases import find_actor, find_actors, find_source
from ..display import count_words
from ..duplicates import possible_duplicates
from ..import_outcome import merge_skips, note_skip
from ..models import (
    Actor,
    BelligerentRoleLink,
    CasualtyFigure,
    Conflict,
    ExternalIdentifier,
    Incident,
    IncidentAlias,
)
from ..services import deferred_recompute, save_claim
from ..workflow import edits_public_directly
from .columns import IGNORED_COLUMNS, KNOWN_COLUMNS, RowResult, check_row
from .reading import max_rows, too_many_rows

GRADE_PERMISSION = "incidents.grade_incident"

IMPORTED_FROM = "Imported from a file"

DUPLICATES_SHOWN = 5


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
    merged: int = 0
    skips: dict = field(default_factory=dict)  # why → {"count": n, "examples": [...]} (`import_outcome`)
    duplicates: list = field(default_factory=list)  # UCDP: [[event id, code, [candidates]], …]

    @property
    def flagged(self) -> int:
        """New records the admin's duplicate check flags (rows of the tracker's layout, or UCDP events)."""
        return len(self.duplicates) + sum(1 for row in self.rows if row.possible_duplicates and not row.existing)

    @property
    def errors(self) -> list[str]:
        return self.file_errors + [message for row in self.rows for message in row.errors]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Batching:
    """How a job runs an import: `size` rows (or events) per transaction, from batch `start` on, with counts carried
    over from the batches an earlier attempt finished; `progress(stage, done, total)` after each step, and
    `committed(next_batch, carried)` inside each written batch's transaction, to save where the import got to."""

    size: int
    start: int = 0
    carried: dict = field(default_factory=dict)
    progress: Callable = lambda stage, done, total: None
    committed: Callable = lambda next_batch, carried: None


class ImportInterrupted(Exception):
    """A batched import stopped on a database error: the batches before `batch` are written, the rest are not."""

    def __init__(self, *, batch: int, batches: int, carried: dict, error: Exception):
        super().__init__(str(error))
        self.batch, self.batches, self.carried, self.error = batch, batches, carried, error


def _windows(items: list, size: int | None) -> list[list]:
    return [items[start:start + size] for start in range(0, len(items), size)] if size else [items]


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
    if not data.get("match_by_id_only"):
        _match_by_place(row)
        if row.existing:
            return
    _flag_possible_duplicates(row)


def _match_by_place(row: RowResult) -> None:
    """Already imported: the same source URL, or the same title, on the same start date and place."""
    data = row.data
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


def _flag_possible_duplicates(row: RowResult) -> None:
    """The admin's duplicate check (`duplicates.possible_duplicates`) on the incident the row would become."""
    data = row.data
    names = [name for name, _ in data["belligerents"]]
    belligerent_ids = [actor.pk for actor in find_actors(names).values()] if names else []
    candidate = Incident(
        title=data["title"], date_start=data["date_start"], date_end=data["date_end"], date_precision=data["date_precision"],
        country=data["country"], admin1=data["admin1"], admin2=data["admin2"], locality=data["locality"],
        latitude=data["latitude"], longitude=data["longitude"], geo_precision=data["geo_precision"],
    )
    row.possible_duplicates = [found.summary for found in possible_duplicates(candidate, belligerent_ids=belligerent_ids, limit=DUPLICATES_SHOWN)]


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
            # Found by its name or an alias however typed ("Daesh", a merged actor's old name), else created.
            self.actors[name] = find_actor(name) or Actor.objects.create(
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
                source = find_source(name) or Source.objects.create(
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
        for prefix, outcome, whom, basis, low, high in data["figures"]:
            claim = CasualtyFigure(
                incident=incident, report=report, outcome=outcome, **whom, basis=basis, count_min=low, count_max=high,
                qualifier=choices.qualifier_for(low, high), attributed_to=(data["attributed_to"] or report.source.public_name)[:300],
                conceded_by=self.actor(data["conceded_by"]) if basis == choices.Basis.CONCEDED else None,
                notes=f"{self.reason}: column {prefix}_min/_max.",
            )
            claim._change_reason = self.reason
            save_claim(claim=claim)
            row.figures += 1
        row.created = incident.code
        return incident


def _source_name_of(url: str, permalink: str) -> str:
    host = re.sub(r"^https?://", "", url).split("/")[0].lower()
    return f"Casualty Tracker export ({host})" if url == permalink else host


class _Rollback(Exception):
    pass


def _check_tracker_header(header: list[str], report: ImportReport, user) -> None:
    """The tracker's layout: unknown and derived columns noted, `title` and `date_start` required."""
    unknown = [name for name in header if name and name not in KNOWN_COLUMNS]
    if unknown:
        report.warnings.append(f"Columns not imported (not part of the format): {', '.join(unknown)}.")
    ignored = [name for name in header if name in IGNORED_COLUMNS]
    if ignored:
        report.warnings.append(f"Columns read but not imported (the tracker derives or decides them): {', '.join(ignored)}.")
    for required in ("title", "date_start"):
        if required not in header:
            report.file_errors.append(f"The header has no “{required}” column; the first row must name the columns (see the README).")
    if "grade" in header and user is not None and not user.has_perm(GRADE_PERMISSION) and not report.file_errors:
        report.warnings.append("The grade column is not imported: grading is for reviewers. The incidents are imported ungraded.")


@dataclass(frozen=True)
class RowLayout:
    """A layout read one row per incident: its name, header check, row check and writer (the tracker's own, or ACLED's)."""

    name: str
    check_header: Callable  # (header, report, user) → None: notes file errors and warnings on the report
    check_row: Callable  # (line, raw) → RowResult
    writer: Callable  # (user=, filename=) → an object with create(row) → Incident


TRACKER = RowLayout(name="tracker", check_header=_check_tracker_header, check_row=check_row, writer=_Writer)


def import_rows(header: list[str], rows: list[tuple[int, dict]], *, user=None, filename: str = "upload", dry_run: bool = True,
                batching: Batching | None = None, layout: RowLayout = TRACKER) -> ImportReport:
    """Check every row, then (no errors) write them all in one transaction (batched: one per batch); a dry run rolls back."""
    report = ImportReport(layout=layout.name)
    layout.check_header(header, report, user)
    if report.file_errors:
        return report
    if len(rows) > max_rows():
        report.file_errors.append(str(too_many_rows(len(rows))))
        return report
    seen: dict[str, int] = {}
    for number, (line, raw) in enumerate(rows):
        if batching is not None and number % 100 == 0:
            batching.progress("checking the rows", number, len(rows))
        row = layout.check_row(line, raw)
        for key in filter(None, [row.code, *(f"{dataset}:{identifier}" for dataset, identifier in row.data.get("external_ids", []))]):
            if key in seen:
                column = "code" if key == row.code else "external_ids"
                row.error(column, f"the same record ({key}) appears again; it was first on row {seen[key]}.")
            seen.setdefault(key, line)
        if not row.errors and not row.data.get("skip"):
            find_existing(row)
        report.rows.append(row)
    if not report.ok:
        return report
    if batching is None:
        return _write_rows(report, layout.writer(user=user, filename=filename), dry_run=dry_run)
    windows = _windows(report.rows, batching.size)
    for name in ("created", "skipped", "figures_created"):
        setattr(report, name, batching.carried.get(name, 0))
    report.skips = merge_skips({}, batching.carried.get("skips", {}))
    stage = "trying the rows (rolled back)" if dry_run else "writing the rows"
    batching.progress(stage, sum(len(window) for window in windows[:batching.start]), len(report.rows))
    for index in range(batching.start, len(windows)):
        try:
            with transaction.atomic():
                _write_window(report, windows[index], layout.writer(user=user, filename=filename))
                if dry_run:
                    raise _Rollback
                batching.committed(index + 1, {"created": report.created, "skipped": report.skipped,
                                               "figures_created": report.figures_created, "skips": report.skips})
        except _Rollback:
            pass
        except DatabaseError as error:
            if dry_run:
                report.file_errors.append(f"The database refused the import, so nothing was written: {error}.")
                report.created = report.figures_created = 0
                return report
            raise ImportInterrupted(batch=index, batches=len(windows), carried=batching.carried, error=error) from error
        batching.progress(stage, sum(len(window) for window in windows[:index + 1]), len(report.rows))
    report.committed = not dry_run
    return report


def _write_window(report: ImportReport, rows: list[RowResult], writer: "_Writer") -> None:
    with deferred_recompute():
        for row in rows:
            if row.data.get("skip"):
                report.skipped += 1
                note_skip(report.skips, row.data["skip"], row.data.get("label") or row.code)
                continue
            if row.existing:
                report.skipped += 1
                note_skip(report.skips, "already_imported", row.existing)
                continue
            writer.create(row)
            report.created += 1
            report.figures_created += row.figures


def _write_rows(report: ImportReport, writer: "_Writer", *, dry_run: bool) -> ImportReport:
    """All the checked rows in one transaction: everything or, on any error, nothing."""
    try:
        with transaction.atomic():
            _write_window(report, report.rows, writer)
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


def import_ged(content: bytes, *, user=None, dry_run: bool = True, batching: Batching | None = None) -> ImportReport:
    """A UCDP GED file through the one mapping (`ucdp.import_ged_file`), as drafts; a dry run rolls back.

    An editor's upload adds nothing to incidents the public has seen (their edits wait for a reviewer,
    `workflow.edit_needs_review`): those events are left out with a warning, for a reviewer to import.
    """
    report = ImportReport(layout="ucdp")
    merge_into_public = user is None or edits_public_directly(user)
    if batching is not None:
        return _import_ged_batches(content, report, merge_into_public=merge_into_public, dry_run=dry_run, batching=batching)
    try:
        with transaction.atomic():
            result = ucdp.import_ged_file(io.BytesIO(content), merge_into_public=merge_into_public)
            if dry_run:
                raise _Rollback(result)
    except _Rollback as rollback:
        result = rollback.args[0]
    except ucdp.GedFormatError as error:
        report.file_errors.extend(error.errors)
        return report
    except (DatabaseError, ValueError) as error:
        report.file_errors.append(f"The file could not be imported, so nothing was written: {error}.")
        return report
    return _ged_report(report, result, dry_run=dry_run)


# Counts of a UCDP import carried from one batch to the next (and over to a re-run); its notes, up to this many.
_GED_COUNTS = [f.name for f in dataclasses.fields(ucdp.ImportResult) if f.name not in {"warnings", "skips", "duplicates"}]
KEPT_WARNINGS = 200


def _import_ged_batches(content: bytes, report: ImportReport, *, merge_into_public: bool, dry_run: bool, batching: Batching) -> ImportReport:
    """The GED events in batches of whole event ids (so a repeated id is met in its batch, as in one run), each batch
    its own transaction: rolled back for a dry run, else committed with where the import got to."""
    try:
        events = ucdp.read_ged_csv(io.BytesIO(content))
    except ucdp.GedFormatError as error:
        report.file_errors.extend(error.errors)
        return report
    by_id: dict[int, list] = {}
    for event in events:
        by_id.setdefault(event.id, []).append(event)
    windows = [[event for event_id in ids for event in by_id[event_id]] for ids in _windows(list(by_id), batching.size)]
    carried = {name: batching.carried.get(name, 0) for name in _GED_COUNTS}
    carried["skips"] = merge_skips({}, batching.carried.get("skips", {}))
    carried["duplicates"] = list(batching.carried.get("duplicates", []))
    notes = list(batching.carried.get("warnings", []))[:KEPT_WARNINGS]
    carried["warning_count"] = batching.carried.get("warning_count", 0)
    file_ids = set(by_id)
    stage = "trying the events (rolled back)" if dry_run else "writing the events"
    total = len(events)
    batching.progress(stage, sum(len(window) for window in windows[:batching.start]), total)

    def add(part) -> None:
        for name in _GED_COUNTS:
            carried[name] += getattr(part, name)
        carried["warning_count"] += len(part.warnings)
        merge_skips(carried["skips"], part.skips)
        carried["duplicates"] += part.duplicates[:max(0, KEPT_WARNINGS - len(carried["duplicates"]))]
        notes.extend(str(warning) for warning in part.warnings[:max(0, KEPT_WARNINGS - len(notes))])

    for index in range(batching.start, len(windows)):
        try:
            with transaction.atomic():
                part = ucdp.import_ged_events(windows[index], merge_into_public=merge_into_public, file_ids=file_ids)
                if dry_run:
                    raise _Rollback(part)
                add(part)
                batching.committed(index + 1, {**carried, "warnings": notes})
        except _Rollback as rollback:
            add(rollback.args[0])
        except (DatabaseError, ValueError) as error:
            if dry_run:
                report.file_errors.append(f"The file could not be imported, so nothing was written: {error}.")
                return report
            raise ImportInterrupted(batch=index, batches=len(windows), carried=carried, error=error) from error
        batching.progress(stage, sum(len(window) for window in windows[:index + 1]), total)
    result = ucdp.ImportResult(**{name: carried[name] for name in _GED_COUNTS}, skips=carried["skips"], duplicates=carried["duplicates"])
    report = _ged_report(report, result, dry_run=dry_run)
    report.warnings = report.warnings + notes
    if carried["warning_count"] > len(notes):
        report.warnings.append(f"… and {carried['warning_count'] - len(notes):,} more notes of the same kinds.")
    return report


def _ged_report(report: ImportReport, result, *, dry_run: bool) -> ImportReport:
    report.created, report.skipped, report.figures_created = result.created, result.skipped + result.unchanged, result.figures_created
    report.merged, report.skips, report.duplicates = result.merged, result.skips, result.duplicates
    report.warnings = [str(warning) for warning in result.warnings]
    if result.aggregated:
        report.warnings.insert(0, f"{count_words(result.aggregated, 'event')} UCDP marks as aggregated (event_clarity 2): "
                                  f"{count_words(result.aggregate_claims_created, 'aggregate claim')} of their period and area, "
                                  "never incidents.")
    report.committed = not dry_run
    return report

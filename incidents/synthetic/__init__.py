"""Synthetic data: many realistic, reproducible incidents for benchmarks, demos and load tests (`manage.py generate_synthetic`).

The same number of incidents and the same seed give the same data: every choice is drawn from one
`random.Random(seed)`, in incident order, whatever the chunk size or database. Only the timestamps are the run's
time (created, updated, published, history dates); ids are whatever the database hands out.

What it writes (all recognisable: incident codes `SYN-0000001…`, source slugs `syn-…`, report URLs under
`https://<source>.example/syn/`):

- conflicts, actors (coalitions with their members as `Actor.parent`) and sources, reused by name when they exist;
- per incident: 1–5 linked reports (some shared with the previous incident, some from confidential sources), 1–8
  claims whose qualifier and numbers agree (`choices.QUALIFIER_BOUNDS`) with the words quoted verbatim in the
  report's stored text, belligerents with their roles, official statements (some conceding figures, conceded by
  their issuer) on some, named victims (public and private) on a few, and related links between nearby records;
- a mix of statuses (mostly published), date precisions and geo precisions (coordinates as precise as the precision says);
- one history row ("+", created) per record written, as an import writes them;

then the derived figures and positions by the one set-based rule (`services.recompute_many`), and the related
groups (`services.refresh_related_groups`). Rows go in by COPY on PostgreSQL and by large `bulk_create` batches on
SQLite. Existing synthetic data is refused unless `reset` removes it first (`remove_synthetic`), so running the
command twice with `--reset` gives the same data twice, as `load_demo` creates nothing twice.
"""

import hashlib
import time
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sources.models import Report

from .. import choices, services
from ..bulk import write_history
from ..models import (
    BelligerentRoleLink,
    CasualtyFigure,
    ExternalIdentifier,
    Incident,
    IncidentAlias,
    IncidentReport,
    OfficialStatement,
    Position,
    Revision,
    Victim,
)
from .generator import Result, _ensure_world, _Generator
from .tables import _analyze, _constraints_set_aside
from .world import CODE_PREFIX, HISTORY_REASON, RECOMPUTE_CHUNK, SOURCE_SLUG_PREFIX, synthetic_code  # noqa: F401 (the package's names)

# --- Removing earlier synthetic data ----------------------------------------------------------------------------------


def synthetic_incidents():
    return Incident.objects.filter(code__startswith=f"{CODE_PREFIX}-")


def synthetic_reports():
    return Report.objects.filter(source__slug__startswith=SOURCE_SLUG_PREFIX)


def remove_synthetic() -> int:
    """Delete every synthetic incident, what hangs on it and its history, and the synthetic sources' reports.

    Conflicts, actors and sources stay (the next run reuses them by name). Raises IntegrityError when a record
    that is not synthetic points to a synthetic one (e.g. an editor cited a synthetic report).
    """
    ids = synthetic_incidents().values("pk")
    count = synthetic_incidents().count()
    through = Incident.related.through
    hanging = [Position, Victim, CasualtyFigure, OfficialStatement, IncidentReport, BelligerentRoleLink,
               ExternalIdentifier, IncidentAlias, Revision]
    with transaction.atomic():
        through.objects.filter(Q(from_incident_id__in=ids) | Q(to_incident_id__in=ids))._raw_delete("default")
        for model in hanging:
            if hasattr(model, "history"):
                model.history.model.objects.filter(incident_id__in=ids)._raw_delete("default")
            model.objects.filter(incident_id__in=ids)._raw_delete("default")
        Incident.history.model.objects.filter(id__in=ids)._raw_delete("default")
        reports = synthetic_reports().values("pk")
        Report.history.model.objects.filter(id__in=reports)._raw_delete("default")
        Incident.objects.filter(pk__in=ids)._raw_delete("default")
        synthetic_reports()._raw_delete("default")
    return count


class SyntheticDataExists(Exception):
    """Synthetic incidents are already in the database (and no reset was asked for)."""

    def __init__(self, count: int):
        super().__init__(f"{count} synthetic incidents exist")
        self.count = count


def generate(*, incidents: int, seed: int, reset: bool = False, chunk: int = 20_000,
             progress: Callable[[str], None] | None = None) -> Result:
    """Write `incidents` synthetic incidents drawn from `seed`, then derive their figures, in one transaction.

    With `reset`, earlier synthetic data is removed first (`remove_synthetic`); without it, existing synthetic data
    is refused (`SyntheticDataExists`), so two runs never mix.
    """
    if incidents < 1:
        raise ValueError("Give a number of incidents of at least 1.")
    say = progress or (lambda message: None)
    result, now = Result(incidents=incidents), timezone.now()
    with transaction.atomic():
        if reset:
            removing = time.perf_counter()
            removed = remove_synthetic()
            if removed:
                say(f"removed {removed:,} earlier synthetic incidents in {time.perf_counter() - removing:,.1f} s")
        elif synthetic_incidents().exists():
            raise SyntheticDataExists(synthetic_incidents().count())
        started = time.perf_counter()
        generator = _Generator(_ensure_world(), seed, now)
        all_ids = []
        with _constraints_set_aside(say):
            for first in range(1, incidents + 1, chunk):
                count = min(chunk, incidents - first + 1)
                all_ids += generator.chunk(first, count)
                result.rows += generator.flush()
                elapsed = time.perf_counter() - started
                say(f"written {first + count - 1:,}/{incidents:,} incidents, {result.rows:,} rows "
                    f"({result.rows / elapsed:,.0f} rows/s)")
            _history(now)
            _analyze([Incident, Report, OfficialStatement, CasualtyFigure, IncidentReport, BelligerentRoleLink, Victim])
            result.seconds_written = time.perf_counter() - started
            say(f"history rows written ({result.seconds_written:,.1f} s so far)")
            derive_started = time.perf_counter()
            step = 50_000
            for start in range(0, len(all_ids), step):
                # One set-based recompute, run over slices only to show progress (it works in chunks anyway).
                services.recompute_many(all_ids[start:start + step], chunk=RECOMPUTE_CHUNK)
                done = min(start + step, len(all_ids))
                say(f"derived figures of {done:,}/{len(all_ids):,} incidents "
                    f"({done / (time.perf_counter() - derive_started):,.0f} incidents/s)")
            result.seconds_derived = time.perf_counter() - derive_started
        services.refresh_related_groups(incident_ids=sorted(set(generator.related_ids)))
        result.seconds_total = time.perf_counter() - started
    result.counts = {"claims": generator.written[CasualtyFigure], "reports": generator.written[Report]}
    return result


def _history(now) -> None:
    """One "+" history row for every synthetic row written (statements, claims, links... found by their incident)."""
    incidents = synthetic_incidents().values("pk")
    write_history(Incident, synthetic_incidents(), history_type="+", date=now, reason=HISTORY_REASON)
    write_history(Report, synthetic_reports(), history_type="+", date=now, reason=HISTORY_REASON)
    for model in (OfficialStatement, CasualtyFigure, IncidentReport, BelligerentRoleLink, Victim):
        write_history(model, model.objects.filter(incident_id__in=incidents), history_type="+", date=now,
                               reason=HISTORY_REASON)


# --- Reading back: a digest of the data, for "the same seed gives the same data" --------------------------------------

DIGESTED = {
    Incident: ["code", "title", "summary", "date_start", "date_end", "date_precision", "country", "admin1", "admin2", "locality",
               "neighbourhood", "place_name_ar", "latitude", "longitude", "geo_precision", "event_type", "conflict__name",
               "grade", "status", "retraction_reason", *services.DERIVED_FIELDS],
    Report: ["source__slug", "title", "url", "published_on", "language", "kind", "text"],
    CasualtyFigure: ["incident__code", "report__url", "statement__stance", "conceded_by__name", "basis", "outcome", *choices.WHOM_FIELDS, "cause",
                     "qualifier", "count_min", "count_max", "count_best", "stated_on", "stated_on_precision", "quote",
                     "attributed_to", "excluded", "excluded_reason"],
    OfficialStatement: ["incident__code", "issuer__name", "stated_on", "stated_on_precision", "stance", "quote", "report__url"],
    IncidentReport: ["incident__code", "report__url", "note"],
    BelligerentRoleLink: ["incident__code", "actor__name", "role"],
    Victim: ["incident__code", "name", "name_ar", "sex", "age", "age_band", "outcome", "visibility", "report__url"],
    Position: ["incident__code", "actor__name", *[f for f in ("stance", "stated_on", "conceded_killed_min", "conceded_killed_max")]],
}


def digest() -> str:
    """A hash of the synthetic data's content (no ids, no timestamps): equal for equal seeds and sizes."""
    hasher = hashlib.sha256()
    incidents = synthetic_incidents().values("pk")
    for model, fields in DIGESTED.items():
        if model is Incident:
            rows = synthetic_incidents()
        elif model is Report:
            rows = synthetic_reports()
        else:
            rows = model.objects.filter(incident_id__in=incidents)
        for row in sorted(rows.values_list(*fields), key=repr):
            hasher.update(repr(row).encode())
    related = Incident.related.through.objects.filter(from_incident_id__in=incidents)
    for pair in sorted(related.values_list("from_incident__code", "to_incident__code")):
        hasher.update(repr(pair).encode())
    return hasher.hexdigest()



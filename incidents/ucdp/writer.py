"""Writing UCDP GED events as incidents in bulk, matched on their UCDP ids, in one transaction."""

from collections import Counter
from collections.abc import Iterable, Iterator

from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from sources.choices import ReportKind, SourceKind
from sources.models import Report, Source
from sources.text import normalise_url

from .. import choices
from ..aliases import find_actors, find_source, find_sources
from ..codes import format_code, reserve_ids
from ..models import (
    Actor,
    AggregateClaim,
    BelligerentRoleLink,
    CasualtyFigure,
    Conflict,
    ExternalIdentifier,
    Incident,
    IncidentReport,
)
from ..services import deferred_recompute, figures_changed
from ..workflow import publish_aggregate_by_system, publish_by_system
from .flagging import possible_duplicates_of
from .mapping import (
    DATASET,
    GED_VERSION,
    IMPORT_REASON,
    NOTE_SOURCE,
    OUTLET_KINDS,
    REPORT_KINDS,
    UCDP_SOURCE,
    _article_title,
    aggregate_claims,
    incident_fields,
    incident_summary,
    infer_event_type,
    is_aggregated,
    source_codes,
    ucdp_figures,
)
from .reader import GedArticle, GedEvent, GedWarning, read_ged_csv
from .result import ImportResult

CHUNK = 500



def _slug(name: str, taken: set[str], max_length: int = 200) -> str:
    base = (slugify(name) or "unnamed")[: max_length - 8]
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def import_ged_file(
    file, *, publish: bool = False, only_civilian: bool = True, merge_into_public: bool = True,
) -> ImportResult:
    """Read a GED CSV file and import its events (see `import_ged_events`); any unreadable cell and nothing is written
    (`GedFormatError` lists them all)."""
    events = read_ged_csv(file)
    return import_ged_events(events, publish=publish, only_civilian=only_civilian, merge_into_public=merge_into_public)


def import_ged_events(
    events: Iterable[GedEvent], *, publish: bool = False, only_civilian: bool = True, merge_into_public: bool = True,
    file_ids: set[int] | None = None,
) -> ImportResult:
    """Write GED events as incidents, reports and claims, in one transaction; nothing is imported twice.

    Events UCDP marks as aggregated (event_clarity 2: several days or places summed by the source) become
    aggregate claims of the period and area, never incidents, so they never enter incident totals.

    An event whose UCDP id is already on an incident adds its reports and claims to
    that incident and changes none of its editorial fields (title, summary, place,
    dates, type, conflict, belligerents, status, grade). `only_civilian` leaves out
    events with no civilian deaths. New incidents are drafts; with `publish` the workflow publishes them
    (`workflow.publish_by_system`, recorded in their history). Rows are written in bulk, with history, and
    every incident touched is re-derived (`services.recompute_figures`) once, before the transaction ends.
    Without `merge_into_public` (an editor's upload) an event already on an incident the public has seen
    adds nothing to it: it is left out with a warning, since such edits wait for a reviewer.

    Each new incident is checked against the incidents already here with the admin's rule
    (`duplicates.possible_duplicates`) and flagged in `duplicates`; incidents of the same file's events (`file_ids`,
    written by an earlier batch of the same import) are not candidates, so a preview and its import flag the same.
    """
    result = ImportResult()
    events = list(events)
    chosen, seen = [], set()
    for event in events:
        if only_civilian and event.deaths_civilians <= 0:
            result.skipped += 1
            result.note_skip("no_civilian_deaths", event.id)
            continue
        if event.id in seen:
            result.skipped += 1
            result.note_skip("repeated_in_file", event.id)
            result.warnings.append(GedWarning(
                kind="duplicate_event", problem="the same event id appears again in the file",
                action="the later row left out", event_id=event.id, line=event.line,
            ))
            continue
        seen.add(event.id)
        chosen.append(event)
    with deferred_recompute():
        run = _Import(result=result, merge_into_public=merge_into_public,
                      file_ids=file_ids if file_ids is not None else {event.id for event in events})
        created = run.run([event for event in chosen if not is_aggregated(event)])
        aggregates = run.aggregates([event for event in chosen if is_aggregated(event)])
        if publish and created:
            publish_by_system(incident_ids=created, why=IMPORT_REASON)
        if publish:
            for claim in AggregateClaim.objects.filter(pk__in=aggregates).order_by("pk"):
                publish_aggregate_by_system(claim=claim, why=IMPORT_REASON)
    return result


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class _Import:
    """One import run: caches of what exists, then one bulk write per table."""

    def __init__(self, *, result: ImportResult, merge_into_public: bool = True, file_ids: set[int] = frozenset()):
        self.result = result
        self.file_ids = {str(event_id) for event_id in file_ids}
        self.merge_into_public = merge_into_public
        self.now = timezone.now()
        self.sources: dict[str, Source] = {}

    def run(self, events: list[GedEvent]) -> list[int]:
        """Write the events; the ids of the incidents created."""
        if not events:
            return []
        existing = self._existing_incidents(events)
        if not self.merge_into_public:
            events = self._hold_public(events, existing)
            if not events:
                return []
        self._fill_source_codes([event for event in events if event.id in existing])
        new_events = [event for event in events if event.id not in existing]
        warnings = {event.id: list(event.warnings) for event in events}
        titles = {event.id: [_article_title(a, event, warnings[event.id]) for a in event.articles] for event in events}
        figures = {event.id: ucdp_figures(event, warnings[event.id]) for event in events}

        flagged = self._possible_duplicates(new_events)
        record_reports = self._record_reports(events)
        article_reports = self._article_reports(events, titles)
        created = self._create_incidents(new_events)
        self.result.duplicates.extend(
            [event_id, format_code(created[event_id]), candidates] for event_id, candidates in flagged.items())
        incident_ids = {**existing, **created}

        new_links, new_figures = [], []
        known_links, known_claims = self._known(existing.values(), record_reports.values())
        changed = set()
        for event in events:
            incident_id = incident_ids[event.id]
            record = record_reports[event.id]
            report_ids = [record.pk] + [
                article_reports[self._article_key(article, title)].pk
                for article, title in zip(event.articles, titles[event.id], strict=True)
            ]
            for report_id in dict.fromkeys(report_ids):
                if (incident_id, report_id) not in known_links:
                    known_links.add((incident_id, report_id))
                    new_links.append(IncidentReport(incident_id=incident_id, report_id=report_id))
                    changed.add(incident_id)
            seen = Counter()
            for values in figures[event.id]:
                key = (incident_id, record.pk, values["outcome"], *(values[name] for name in choices.WHOM_FIELDS), values["basis"])
                seen[key] += 1
                if seen[key] > known_claims[key]:
                    new_figures.append(CasualtyFigure(incident_id=incident_id, report_id=record.pk, **values))
                    changed.add(incident_id)
            self.result.warnings.extend(warnings[event.id])

        self._bulk(IncidentReport, new_links)
        self._bulk(CasualtyFigure, new_figures)
        self.result.links_created += len(new_links)
        self.result.figures_created += len(new_figures)
        for event_id, incident_id in existing.items():
            if incident_id in changed:
                self.result.merged += 1
            else:
                self.result.unchanged += 1
                self.result.note_skip("already_imported", event_id)
        for incident_id in sorted(changed):
            figures_changed(incident_id=incident_id)
        return sorted(created.values())

    # Lookups and creation, one query (or one per chunk) each.

    def _existing_incidents(self, events: list[GedEvent]) -> dict[int, int]:
        """UCDP event id → id of the incident that already carries it."""
        found = {}
        for chunk in _chunks([str(event.id) for event in events]):
            found.update(
                ExternalIdentifier.objects.filter(dataset=DATASET, identifier__in=chunk).values_list("identifier", "incident_id")
            )
        return {int(identifier): incident_id for identifier, incident_id in found.items()}

    def _hold_public(self, events: list[GedEvent], existing: dict[int, int]) -> list[GedEvent]:
        """Leave out, with a warning, the events already on incidents the public has seen."""
        seen = set()
        for chunk in _chunks(sorted(set(existing.values()))):
            seen.update(Incident.objects.filter(pk__in=chunk).seen_by_public().values_list("pk", flat=True))
        kept = []
        for event in events:
            if existing.get(event.id) in seen:
                self.result.skipped += 1
                self.result.note_skip("held_for_review", event.id)
                self.result.warnings.append(GedWarning(
                    kind="held_for_review", problem="the event is on an incident the public has seen",
                    action="nothing added to it: a reviewer imports the file to add its new claims", event_id=event.id,
                ))
            else:
                kept.append(event)
        return kept

    def _possible_duplicates(self, events: list[GedEvent]) -> dict[int, list[str]]:
        """UCDP id → the admin's possible duplicates of the incident each new event would become."""
        return possible_duplicates_of(events, file_ids=self.file_ids)

    def _known(self, incident_ids, reports) -> tuple[set, Counter]:
        """Links and UCDP claims already on the incidents being merged into."""
        incident_ids, report_ids = sorted(set(incident_ids)), [report.pk for report in reports]
        links, claims = set(), Counter()
        for chunk in _chunks(incident_ids):
            links.update(IncidentReport.objects.filter(incident_id__in=chunk).values_list("incident_id", "report_id"))
            rows = CasualtyFigure.objects.filter(incident_id__in=chunk, report_id__in=report_ids).values_list(
                "incident_id", "report_id", "outcome", *choices.WHOM_FIELDS, "basis",
            )
            claims.update(rows)
        return links, claims

    def _source(self, spec: dict) -> Source:
        source = Source.objects.filter(slug=spec["slug"]).first() or find_source(spec["name"])
        if source is None:
            source = Source.objects.create(**spec)
            self.result.sources_created += 1
        return source

    def _outlets(self, names: set[str]) -> dict[str, Source]:
        # By name or alias however typed (a merged outlet's old name finds the outlet it was merged into).
        found = find_sources(names)
        missing = sorted(names - found.keys())
        if missing:
            taken = set(Source.objects.values_list("slug", flat=True))
            for name in missing:
                kind = OUTLET_KINDS.get(name.lower(), SourceKind.NEWS_OUTLET)
                found[name] = Source.objects.create(name=name, slug=_slug(name, taken), kind=kind)
                self.result.sources_created += 1
        return found

    def _record_reports(self, events: list[GedEvent]) -> dict[int, Report]:
        """The UCDP record of each event, as a report (found again by its URL)."""
        ucdp = self._source(UCDP_SOURCE)
        urls = {event.id: normalise_url(event.url) for event in events}
        found = {}
        for chunk in _chunks(list(urls.values())):
            found.update((report.url_normalised, report) for report in Report.objects.filter(url_normalised__in=chunk))
        new = [
            Report(
                source=ucdp, title=f"UCDP GED {GED_VERSION} event {event.id}", url=event.url, url_normalised=urls[event.id],
                kind=ReportKind.DATASET_RECORD, language="en",
            )
            for event in events if urls[event.id] not in found
        ]
        self._bulk(Report, new)
        self.result.reports_created += len(new)
        found.update((report.url_normalised, report) for report in new)
        return {event.id: found[urls[event.id]] for event in events}

    def _article_key(self, article: GedArticle, title: str) -> tuple:
        outlet = article.outlet or NOTE_SOURCE["name"]
        return (self.sources[outlet].pk, title, article.published_on)

    def _article_reports(self, events: list[GedEvent], titles: dict[int, list[str]]) -> dict[tuple, Report]:
        """Source articles as reports, keyed by (source id, title, date): one report however many events cite it."""
        names = {article.outlet for event in events for article in event.articles if article.outlet}
        self.sources = self._outlets(names)
        if any(not article.outlet for event in events for article in event.articles):
            self.sources[NOTE_SOURCE["name"]] = self._source(NOTE_SOURCE)
        wanted = {}
        for event in events:
            for article, title in zip(event.articles, titles[event.id], strict=True):
                wanted.setdefault(self._article_key(article, title), article)
        found = {}
        source_ids = sorted({key[0] for key in wanted})
        for chunk in _chunks(sorted({key[1] for key in wanted})):
            rows = Report.objects.filter(source_id__in=source_ids, title__in=chunk).order_by("-pk")
            found.update(((report.source_id, report.title, report.published_on), report) for report in rows)
        new = []
        for key, article in wanted.items():
            if key not in found:
                source = self.sources[article.outlet or NOTE_SOURCE["name"]]
                report = Report(
                    source=source, title=key[1], published_on=article.published_on,
                    kind=REPORT_KINDS.get(source.kind, ReportKind.ARTICLE),
                    notes=f"Listed by UCDP GED {GED_VERSION} as a source of its events; no URL or text given.",
                )
                new.append(report)
                found[key] = report
        self._bulk(Report, new)
        self.result.reports_created += len(new)
        return found

    def _conflicts(self, events: list[GedEvent]) -> dict[int, Conflict]:
        wanted = {event.conflict_id: event.conflict_name for event in events if event.conflict_id is not None}
        found = {conflict.ucdp_conflict_id: conflict for conflict in Conflict.objects.filter(ucdp_conflict_id__in=list(wanted))}
        missing = {ucdp_id: name for ucdp_id, name in wanted.items() if ucdp_id not in found}
        if missing:
            taken = set(Conflict.objects.values_list("slug", flat=True))
            for ucdp_id, name in sorted(missing.items()):
                conflict = Conflict.objects.filter(name=name, ucdp_conflict_id__isnull=True).first()
                if conflict:
                    conflict.ucdp_conflict_id = ucdp_id
                    conflict.save(update_fields=["ucdp_conflict_id"])
                else:
                    if Conflict.objects.filter(name=name).exists():
                        name = f"{name} (UCDP {ucdp_id})"
                    conflict = Conflict.objects.create(
                        name=name, slug=_slug(name, taken), ucdp_conflict_id=ucdp_id,
                        description=f"UCDP conflict {ucdp_id}, as named in the UCDP Georeferenced Event Dataset.",
                    )
                    self.result.conflicts_created += 1
                found[ucdp_id] = conflict
        return found

    def _actors(self, events: list[GedEvent]) -> dict[str, Actor]:
        names = {name for event in events for name in event.sides_a + event.sides_b}
        found = find_actors(sorted(names))
        missing = sorted(names - found.keys())
        if missing:
            taken = set(Actor.objects.values_list("slug", flat=True))
            for name in missing:
                kind = choices.ActorKind.STATE_FORCES if name.startswith("Government of ") else choices.ActorKind.NON_STATE
                found[name] = Actor.objects.create(
                    name=name, slug=_slug(name, taken), kind=kind,
                    description="A warring party as named in the UCDP Georeferenced Event Dataset.",
                )
                self.result.actors_created += 1
        return found

    def _create_incidents(self, events: list[GedEvent]) -> dict[int, int]:
        """New incidents for events not yet known, with their UCDP id, conflict and belligerents."""
        if not events:
            return {}
        conflicts, actors = self._conflicts(events), self._actors(events)
        incidents = []
        # Ids reserved before the insert, so each row goes in with its final code (as Incident.save() does).
        for event, pk in zip(events, reserve_ids(Incident, len(events)), strict=True):
            event_type = infer_event_type(event)
            incidents.append(Incident(
                pk=pk, code=format_code(pk), **incident_fields(event), summary=incident_summary(event), event_type=event_type,
                event_type_inferred=event_type != choices.EventType.OTHER,
                conflict=conflicts.get(event.conflict_id),
            ))
        self._bulk(Incident, incidents)
        self.result.created += len(incidents)

        ids = {event.id: incident.pk for event, incident in zip(events, incidents, strict=True)}
        self._bulk(ExternalIdentifier, [
            ExternalIdentifier(incident_id=ids[event.id], dataset=DATASET, identifier=str(event.id), source_codes=source_codes(event))
            for event in events
        ])
        self._bulk(BelligerentRoleLink, [
            BelligerentRoleLink(incident_id=ids[event.id], actor=actors[name], role=choices.BelligerentRole.ALLEGED)
            for event in events for name in dict.fromkeys(event.sides_a + event.sides_b)
        ])
        return ids

    def _fill_source_codes(self, events: list[GedEvent]) -> None:
        """UCDP's codes on the ids of incidents imported before they were kept (never changes codes already there)."""
        codes = {str(event.id): source_codes(event) for event in events}
        for chunk in _chunks(sorted(codes)):
            missing = list(ExternalIdentifier.objects.filter(dataset=DATASET, identifier__in=chunk, source_codes=""))
            for identifier in missing:
                identifier.source_codes = codes[identifier.identifier]
            ExternalIdentifier.objects.bulk_update(missing, ["source_codes"])
            if missing:
                ExternalIdentifier.history.bulk_history_create(missing, default_change_reason=IMPORT_REASON, default_date=self.now)

    def aggregates(self, events: list[GedEvent]) -> list[int]:
        """Aggregated events as aggregate claims of their period and area, cited to UCDP's record; the ids created."""
        if not events:
            return []
        self.result.aggregated += len(events)
        warnings = {event.id: list(event.warnings) for event in events}
        for ucdp_id, incident_id in self._existing_incidents(events).items():
            code = Incident.objects.values_list("code", flat=True).get(pk=incident_id)
            warnings[ucdp_id].append(GedWarning(
                kind="aggregated_event_is_an_incident",
                problem=f"UCDP marks the event as an aggregate of several (event_clarity 2), but incident {code} carries its id",
                action=f"recorded as aggregate claims; {code} left for a reviewer to retract (it counts in incident totals)",
                event_id=ucdp_id,
            ))
        records = self._record_reports(events)
        conflicts = self._conflicts(events)
        # One-sided violence: side A is the perpetrator whose actions the figure counts. In a fight between two
        # sides UCDP attributes civilian deaths to neither, so no actor is named.
        one_sided = [event for event in events if event.type_of_violence == 3 and len(event.sides_a) == 1]
        actors, one_sided_ids = (self._actors(one_sided) if one_sided else {}), {event.id for event in one_sided}
        known = Counter()
        for chunk in _chunks(sorted({record.pk for record in records.values()})):
            known.update(AggregateClaim.objects.filter(report_id__in=chunk).values_list(
                "report_id", "outcome", *choices.WHOM_FIELDS, "basis", "measure",
            ))
        new = []
        for event in events:
            record, seen = records[event.id], Counter()
            actor = actors[event.sides_a[0]] if event.id in one_sided_ids else None
            for values in aggregate_claims(event, warnings[event.id]):
                key = (record.pk, values["outcome"], *(values[name] for name in choices.WHOM_FIELDS), values["basis"], values["measure"])
                seen[key] += 1
                if seen[key] > known[key]:
                    new.append((event, AggregateClaim(report=record, actor=actor, **values)))
            self.result.warnings.extend(warnings[event.id])
        self._bulk(AggregateClaim, [claim for _event, claim in new])
        through = AggregateClaim.conflicts.through
        through.objects.bulk_create([
            through(aggregateclaim_id=claim.pk, conflict_id=conflicts[event.conflict_id].pk)
            for event, claim in new if event.conflict_id in conflicts
        ], batch_size=CHUNK)
        self.result.aggregate_claims_created += len(new)
        return [claim.pk for _event, claim in new]

    def _bulk(self, model, objects: list, *, history: bool = True) -> None:
        """Insert in bulk (ids come back on PostgreSQL and SQLite ≥ 3.35), with one history row each."""
        if not objects:
            return
        if not connection.features.can_return_rows_from_bulk_insert:
            raise RuntimeError("The UCDP import needs a database that returns ids from bulk inserts (PostgreSQL, SQLite 3.35+).")
        model.objects.bulk_create(objects, batch_size=CHUNK)
        if history:
            model.history.bulk_history_create(objects, default_change_reason=IMPORT_REASON, default_date=self.now)

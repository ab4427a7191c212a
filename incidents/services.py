"""Writes that touch more than one row, each in one transaction.

The derivation rule for an incident's headline figures is `derive_figures`;
everything that changes a claim, a statement or a report link goes through a
service here (`save_claim`, `exclude_claim`, `delete_claim`, `save_statement`,
`delete_statement`, `link_report`, `save_report_link`, `unlink_report`), which
ends in `recompute_figures` in the same transaction. No signal does it behind
the caller's back: a queryset `.update()` or `bulk_create` on these rows skips
the rule, so only the bulk UCDP import writes in bulk, and it ends with the
same recompute for every incident it touched.
"""

import datetime
import threading
from collections import defaultdict
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history

from . import choices, locking, positions, search
from .bulk import among, update_rows, write_history
from .models import CasualtyFigure, Incident, IncidentReport, OfficialStatement, Victim

AUTO_LINK_REASON = "Linked automatically: a claim or statement of the incident cites this report"

# The derived ranges as every surface gives them: min, max, open top, and (reported ranges) a claim in words only.
RANGE_FIELDS = [
    "reported_killed_min", "reported_killed_max", "reported_killed_open", "reported_killed_unquantified",
    "conceded_killed_min", "conceded_killed_max", "conceded_killed_open",
    "reported_injured_min", "reported_injured_max", "reported_injured_open", "reported_injured_unquantified",
    "conceded_injured_min", "conceded_injured_max", "conceded_injured_open",
    "children_killed_min", "children_killed_max", "children_killed_open", "children_killed_unquantified",
    "women_killed_min", "women_killed_max", "women_killed_open", "women_killed_unquantified",
]
DERIVED_FIELDS = [*RANGE_FIELDS, "latest_stance", "sources_count"]

# (derived field prefix, outcome, whom: the exact categories of the claims it counts) for the reported envelopes.
REPORTED_ENVELOPES = [
    ("reported_killed", choices.Outcome.KILLED, choices.CIVILIANS),
    ("reported_injured", choices.Outcome.INJURED, choices.CIVILIANS),
    ("children_killed", choices.Outcome.KILLED, choices.CHILDREN),
    ("women_killed", choices.Outcome.KILLED, choices.WOMEN),
]
_CONCEDED_RANGES = [
    ("conceded_killed", choices.Outcome.KILLED),
    ("conceded_injured", choices.Outcome.INJURED),
]


def known_by(day):
    """Claims and statements certainly stated by the end of `day`: a dated one on or before it; one known only to
    the month or year once that month or year is over; an undated one by its report's publication date."""
    after = day + datetime.timedelta(days=1)
    month_over, year_over = after.replace(day=1), after.replace(month=1, day=1)
    Precision = choices.StatedPrecision
    return (
        Q(stated_on_precision=Precision.DAY, stated_on__lte=day)
        | Q(stated_on_precision=Precision.MONTH, stated_on__lt=month_over)
        | Q(stated_on_precision=Precision.YEAR, stated_on__lt=year_over)
        | Q(stated_on__isnull=True, report__published_on__lte=day)
    )


def derive_figures(incident: Incident, *, known_on=None) -> dict:
    """The headline figures of an incident, derived from its claims and statements.

    Reported range: of every claim that a source reported (not a belligerent's
    concession, not our own estimate) and that the editors have not excluded, the
    lowest minimum and the highest maximum. A claim with no upper bound ("more than
    100": minimum 101) keeps the range open when its minimum is at least every
    closed maximum (or no claim gives one): the range then reads "101+" and has no
    maximum; a larger closed figure (137) closes it. A claim with no lower bound
    ("up to 200") counts only for the maximum. A claim in words only ("dozens", no
    number) counts for neither, but marks the range as incomplete: it reads "1+"
    and names the words, never a complete-looking "1". The same rule gives
    civilians injured, children killed and women killed. Only the numbers decide,
    never how the claim was phrased.

    Whom each range counts (the categories of SDG indicator 16.1.2): civilians
    killed and injured count the claims of all civilians (status civilian, sex and
    age unknown, no profession); children killed the claims of civilian children;
    women killed the claims of civilian adult women. A claim of a part ("3 women",
    "2 journalists", "5 girls") never enters the range of the whole, and a claim of
    combatants, of undetermined status or of all deaths never enters a civilian one.

    Conceded figure: the most recent concession by a belligerent (by the date it
    was stated; later entries first on the same date), not a sum of concessions;
    a concession with no upper bound ("at least 3") is open, like a reported range.

    Current official position: the stance of the most recent official statement.

    Aggregate claims (a figure for a period and area) never enter these numbers.

    `known_on` (a date) derives the figures from what had been stated by the end of that day only
    (`known_by`): the "as known on" view of the incident's own history.
    """
    claims = CasualtyFigure.objects.filter(incident=incident, excluded=False)
    statements = OfficialStatement.objects.filter(incident=incident)
    if known_on is not None:
        claims, statements = claims.filter(known_by(known_on)), statements.filter(known_by(known_on))
    return {
        **derive_ranges(claims),
        **_stance(statements.only("pk", "stance", "stated_on")),
        "sources_count": IncidentReport.objects.filter(incident=incident).count(),
    }


def derive_ranges(claims) -> dict:
    """The reported and conceded ranges of a set of counted claims (a queryset of claims, or of their history rows:
    the as-of views re-derive a past version without the claims excluded since, `asof.snapshot`)."""
    return {
        **_envelopes(claims.aggregate(**_envelope_aggregates())),
        **_concessions(claims.filter(_COUNTED_CONCESSION).only(*_CONCESSION_FIELDS)),
    }


# The rule in parts, so that one incident (`derive_figures`) and many at once (`derive_many`) apply the same code.

_COUNTED_CONCESSION = Q(
    basis=choices.Basis.CONCEDED, outcome__in=[outcome for _, outcome in _CONCEDED_RANGES], **choices.CIVILIANS,
) & ~Q(count_min__isnull=True, count_max__isnull=True)
_CONCESSION_FIELDS = ("pk", "incident_id", "outcome", "count_min", "count_max", "stated_on")


def _envelope_aggregates() -> dict:
    """What the database computes per set of claims for the reported ranges (`aggregate`, or `annotate` per incident)."""
    reported = Q(basis=choices.Basis.REPORTED)
    aggregates = {}
    for prefix, outcome, whom in REPORTED_ENVELOPES:
        which = reported & Q(outcome=outcome, **whom)
        aggregates[f"{prefix}_min"] = Min("count_min", filter=which)
        aggregates[f"{prefix}_closed_max"] = Max("count_max", filter=which)
        aggregates[f"{prefix}_open_min"] = Max("count_min", filter=which & Q(count_max__isnull=True))
        aggregates[f"{prefix}_words_only"] = Count("pk", filter=which & Q(count_min__isnull=True, count_max__isnull=True))
    return aggregates


def _envelopes(found: dict) -> dict:
    """The reported ranges from those aggregates (an incident with no claim: every value missing)."""
    derived = {}
    for prefix, _outcome, _group in REPORTED_ENVELOPES:
        closed_max, open_min = found.get(f"{prefix}_closed_max"), found.get(f"{prefix}_open_min")
        is_open = open_min is not None and (closed_max is None or open_min >= closed_max)
        derived[f"{prefix}_min"] = found.get(f"{prefix}_min")
        # Open: the stored maximum is the highest number stated (the sort key); public surfaces show none.
        derived[f"{prefix}_max"] = open_min if is_open else closed_max
        derived[f"{prefix}_open"] = is_open
        derived[f"{prefix}_unquantified"] = (found.get(f"{prefix}_words_only") or 0) > 0
    return derived


def _concessions(concessions) -> dict:
    """The conceded ranges: the latest concession by anyone ("latest" is one rule: `positions.latest_concession`)."""
    concessions = list(concessions)
    derived = {}
    for prefix, outcome in _CONCEDED_RANGES:
        latest = positions.latest_concession(claim for claim in concessions if claim.outcome == outcome)
        low = latest and latest.count_min
        is_open = latest is not None and latest.count_max is None and latest.count_min is not None
        high = latest and (latest.count_min if is_open else latest.count_max)
        derived[f"{prefix}_min"], derived[f"{prefix}_max"], derived[f"{prefix}_open"] = low, high, is_open
    return derived


def _stance(statements) -> dict:
    current = positions.latest_statement(statements)
    return {"latest_stance": current.stance if current is not None else ""}


def derive_many(incident_ids) -> dict[int, dict]:
    """`derive_figures` for many incidents at once, in four queries whatever their number: the same rule, by incident."""
    ids = sorted(set(incident_ids))
    selected = among(ids)
    found = {row.pop("incident_id"): row for row in (
        CasualtyFigure.objects.filter(incident_id__in=selected, excluded=False).order_by()
        .values("incident_id").annotate(**_envelope_aggregates())
    )}
    concessions, statements = defaultdict(list), defaultdict(list)
    for claim in CasualtyFigure.objects.filter(_COUNTED_CONCESSION, incident_id__in=selected, excluded=False).only(*_CONCESSION_FIELDS):
        concessions[claim.incident_id].append(claim)
    for statement in OfficialStatement.objects.filter(incident_id__in=selected).only("pk", "incident_id", "stance", "stated_on"):
        statements[statement.incident_id].append(statement)
    counts = dict(
        IncidentReport.objects.filter(incident_id__in=selected).order_by().values("incident_id")
        .annotate(n=Count("pk")).values_list("incident_id", "n")
    )
    return {
        pk: {
            **_envelopes(found.get(pk, {})), **_concessions(concessions[pk]), **_stance(statements[pk]),
            "sources_count": counts.get(pk, 0),
        }
        for pk in ids
    }


@transaction.atomic
def recompute_figures(*, incident: Incident) -> Incident:
    """Re-derive and store the incident's headline figures (rule: `derive_figures`)."""
    incident = locking.lock_row(Incident, incident.pk)
    link_cited_reports(incident_ids=[incident.pk])
    derived = derive_figures(incident)
    quotes = search.quote_texts([incident.pk])[incident.pk]
    if quotes != incident.search_quotes:  # the search words, not an edit of the record: no history row, no new time
        Incident.objects.filter(pk=incident.pk).update(search_quotes=quotes)
        incident.search_quotes = quotes
    if any(getattr(incident, field) != value for field, value in derived.items()):
        for field, value in derived.items():
            setattr(incident, field, value)
        # Derived figures are not an edit of the record: the version (optimistic locking) stays,
        # but the record was updated (lists sorted by last update and the "updated" feed see it).
        incident.save(update_fields=[*DERIVED_FIELDS, "updated_at"], keep_version=True)
    positions.rebuild_many([incident.pk])
    return incident


RECOMPUTE_CHUNK = 2000


def recompute_many(incident_ids, *, chunk: int = RECOMPUTE_CHUNK) -> int:
    """`recompute_figures` for many incidents, set-based: a few statements per chunk of ids, whatever their number.

    Each chunk runs in one transaction with its rows locked in id order (as `recompute_figures` locks them): reports
    cited by claims and statements are linked, the figures re-derived (`derive_many`: the rule of `derive_figures`),
    changed incidents written with their history rows, and the positions rebuilt (`positions.rebuild_many`). Used by
    imports, the generator and `manage.py recompute_figures`; returns how many incidents changed.
    """
    ids, changed = sorted(set(incident_ids)), 0
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            locked = locking.lock_rows(Incident, ids[start:start + chunk])
            link_cited_reports(incident_ids=list(locked))
            now, rows, reindexed = timezone.now(), [], []
            quotes = search.quote_texts(list(locked))
            for pk, derived in derive_many(locked).items():
                incident = locked[pk]
                words = {**search.search_texts(incident), "search_quotes": quotes[pk]}
                if any(getattr(incident, field) != value for field, value in words.items()):
                    for field, value in words.items():
                        setattr(incident, field, value)
                    reindexed.append(incident)  # the search words: no history row, no new time
                if any(getattr(incident, field) != value for field, value in derived.items()):
                    for field, value in derived.items():
                        setattr(incident, field, value)
                    incident.updated_at = now  # derived figures changed: not an edit, the version stays
                    rows.append(incident)
            if reindexed:
                update_rows(Incident, reindexed, search.SEARCH_FIELDS)
            if rows:
                # What `bulk_update_with_history` writes, with the rows updated set-based (`update_rows`).
                update_rows(Incident, rows, [*DERIVED_FIELDS, "updated_at"])
                user = Incident.history.model.get_default_history_user(rows[0])
                write_history(Incident, Incident.objects.filter(pk__in=among(row.pk for row in rows)), history_type="~",
                              date=now, user_id=user.pk if user is not None else None)
            positions.rebuild_many(list(locked))
            changed += len(rows)
    return changed


def link_cited_reports(*, incident_ids: list[int]) -> None:
    """Link to each incident every report that one of its claims or statements cites (with history rows: who is the
    request's user, so the change log and the as-of view show the link)."""
    selected = among(incident_ids)
    cited = set(
        CasualtyFigure.objects.filter(incident_id__in=selected, report__isnull=False).values_list("incident_id", "report_id")
    ) | set(
        OfficialStatement.objects.filter(incident_id__in=selected, report__isnull=False).values_list("incident_id", "report_id")
    )
    known = set(IncidentReport.objects.filter(incident_id__in=selected).values_list("incident_id", "report_id"))
    bulk_create_with_history(
        [IncidentReport(incident_id=incident_id, report_id=report_id) for incident_id, report_id in sorted(cited - known)],
        IncidentReport, default_change_reason=AUTO_LINK_REASON, batch_size=500,
    )


_deferred = threading.local()


@contextmanager
def deferred_recompute():
    """Recompute each touched incident once, at the end of the block, instead of after every claim.

    Used by imports and multi-row edits; the block runs in one transaction.
    """
    if getattr(_deferred, "pending", None) is not None:
        yield
        return
    _deferred.pending = set()
    try:
        with transaction.atomic():
            yield
            while _deferred.pending:
                touched = sorted(_deferred.pending)
                _deferred.pending.clear()
                # Set-based, locked in id order (gone ones skipped): two imports touching the same incidents never deadlock.
                recompute_many(touched)
    finally:
        _deferred.pending = None


def figures_changed(*, incident_id: int) -> None:
    """A claim or statement of the incident was added, edited or deleted: re-derive its figures."""
    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        pending.add(incident_id)
    elif Incident.objects.filter(pk=incident_id).exists():
        recompute_figures(incident=Incident(pk=incident_id))


def _rederive(*incident_ids: int | None) -> None:
    for incident_id in dict.fromkeys(incident_id for incident_id in incident_ids if incident_id is not None):
        figures_changed(incident_id=incident_id)


def _stored_incident_id(obj) -> int | None:
    """The incident a saved row belongs to in the database (before an edit that may move it to another)."""
    if obj.pk is None:
        return None
    return type(obj).objects.filter(pk=obj.pk).values_list("incident_id", flat=True).first()


@transaction.atomic
def save_claim(*, claim: CasualtyFigure) -> CasualtyFigure:
    """Save a new or edited claim and re-derive its incident's figures (and those of an incident it left)."""
    before = _stored_incident_id(claim)
    claim.fill_conceded_by()
    claim.save()
    _rederive(claim.incident_id, before)
    return claim


@transaction.atomic
def exclude_claim(*, claim: CasualtyFigure, reason: str) -> CasualtyFigure:
    """Mark a claim excluded by the editors, with its reason, and re-derive its incident's figures."""
    if not reason.strip():
        raise ValidationError({"excluded_reason": gettext("An excluded claim needs a reason.")})
    claim.excluded, claim.excluded_reason = True, reason.strip()
    claim.save(update_fields=["excluded", "excluded_reason", "updated_at"])
    _rederive(claim.incident_id)
    return claim


@transaction.atomic
def delete_claim(*, claim: CasualtyFigure) -> CasualtyFigure:
    """Delete a claim (of a record never published: published claims are excluded) and re-derive its incident's figures."""
    incident_id = claim.incident_id
    claim.delete()
    _rederive(incident_id)
    return claim


@transaction.atomic
def save_statement(*, statement: OfficialStatement) -> OfficialStatement:
    """Save a new or edited official statement and re-derive its incident's position (and that of an incident it left)."""
    before = _stored_incident_id(statement)
    statement.save()
    _rederive(statement.incident_id, before)
    return statement


@transaction.atomic
def delete_statement(*, statement: OfficialStatement) -> OfficialStatement:
    """Delete a statement and re-derive its incident; ProtectedError while a conceded claim still points to it."""
    incident_id = statement.incident_id
    statement.delete()
    _rederive(incident_id)
    return statement


@transaction.atomic
def save_report_link(*, link: IncidentReport) -> IncidentReport:
    """Save a new or edited link between an incident and a report, and re-derive the incidents it touches."""
    before = _stored_incident_id(link)
    link.save()
    _rederive(link.incident_id, before)
    return link


@transaction.atomic
def link_report(*, incident: Incident, report, note: str = "") -> IncidentReport:
    """Link a report to an incident (once; a note given replaces the link's note) and re-derive the incident."""
    link = IncidentReport.objects.filter(incident=incident, report=report).first()
    if link is None:
        link = IncidentReport(incident=incident, report=report, note=note)
    elif not note or note == link.note:
        return link
    link.note = note
    return save_report_link(link=link)


@transaction.atomic
def remove_victim(*, victim: Victim) -> Victim:
    """Remove a named victim: deleted from a record the public never saw; from one it has seen, withheld (made private,
    its history kept) instead, since nothing published is ever hard-deleted, by an editor's approved removal or a reviewer's."""
    if Incident.objects.seen_by_public().filter(pk=victim.incident_id).exists():
        victim.visibility = choices.Visibility.PRIVATE
        victim.save()
        return victim
    victim.delete()
    return victim


@transaction.atomic
def unlink_report(*, link: IncidentReport) -> IncidentReport:
    """Remove a report's link to an incident and re-derive it (a report its claims still cite is linked again)."""
    incident_id = link.incident_id
    link.delete()
    _rederive(incident_id)
    return link


def _components(links: list[tuple[int, int]], seeds: set[int]) -> list[set[int]]:
    """The connected components of the related-links graph that contain the seeds."""
    neighbours: dict[int, set[int]] = {}
    for left, right in links:
        neighbours.setdefault(left, set()).add(right)
        neighbours.setdefault(right, set()).add(left)
    seen: set[int] = set()
    components = []
    for seed in sorted(seeds):
        if seed in seen:
            continue
        component, todo = set(), [seed]
        while todo:
            node = todo.pop()
            if node in component:
                continue
            component.add(node)
            todo.extend(neighbours.get(node, set()) - component)
        seen |= component
        components.append(component)
    return components


@transaction.atomic
def refresh_related_groups(*, incident_ids) -> int:
    """Re-derive `related_group` (lowest id of the linked records) for these incidents and everything linked to them.

    Called wherever `Incident.related` changes (the admin form and its "link as related" button, the merge), in the
    same transaction. Returns how many incidents changed group.
    """
    seeds = {pk for pk in incident_ids if pk is not None}
    if not seeds:
        return 0
    through = Incident.related.through
    # The groups the seeds were in: a removed link may split them.
    old_groups = Incident.objects.filter(pk__in=seeds, related_group__isnull=False).values("related_group")
    seeds |= set(Incident.objects.filter(related_group__in=old_groups).values_list("pk", flat=True))
    frontier, links = set(seeds), set()
    while frontier:
        found = set(
            through.objects.filter(Q(from_incident_id__in=frontier) | Q(to_incident_id__in=frontier))
            .values_list("from_incident_id", "to_incident_id")
        )
        new_links = found - links
        links |= new_links
        frontier = {pk for link in new_links for pk in link} - seeds
        seeds |= frontier
    changed = 0
    for component in _components(sorted(links), seeds):
        members = Incident.objects.filter(pk__in=component)
        if len(component) > 1:
            group = min(component)
            changed += members.exclude(related_group=group).update(related_group=group)
        else:
            changed += members.filter(related_group__isnull=False).update(related_group=None)
    return changed

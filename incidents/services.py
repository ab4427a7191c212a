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

import threading
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Min, Q
from django.db.models.functions import Coalesce
from simple_history.utils import bulk_create_with_history

from . import choices, locking, positions
from .models import CasualtyFigure, Incident, IncidentReport, OfficialStatement

AUTO_LINK_REASON = "Linked automatically: a claim or statement of the incident cites this report"

DERIVED_FIELDS = [
    "reported_killed_min", "reported_killed_max",
    "conceded_killed_min", "conceded_killed_max",
    "reported_injured_min", "reported_injured_max",
    "conceded_injured_min", "conceded_injured_max",
    "children_killed_min", "children_killed_max",
    "women_killed_min", "women_killed_max",
    "latest_stance", "sources_count",
]

# (derived field prefix, outcome, group) for the reported envelopes.
_REPORTED_ENVELOPES = [
    ("reported_killed", choices.Outcome.KILLED, choices.Group.CIVILIANS),
    ("reported_injured", choices.Outcome.INJURED, choices.Group.CIVILIANS),
    ("children_killed", choices.Outcome.KILLED, choices.Group.CHILDREN),
    ("women_killed", choices.Outcome.KILLED, choices.Group.WOMEN),
]
_CONCEDED = [
    ("conceded_killed", choices.Outcome.KILLED),
    ("conceded_injured", choices.Outcome.INJURED),
]


def known_by(day):
    """Claims and statements stated on or before `day` (undated ones by their report's publication date)."""
    return Q(stated_on__lte=day) | Q(stated_on__isnull=True, report__published_on__lte=day)


def derive_figures(incident: Incident, *, known_on=None) -> dict:
    """The headline figures of an incident, derived from its claims and statements.

    Reported range: of every claim that a source reported (not a belligerent's
    concession, not our own estimate) and that the editors have not excluded, the
    lowest minimum and the highest maximum. A claim with no upper bound ("more than
    100") counts its minimum as its maximum, so it never stretches the range to
    infinity; a claim with no lower bound ("up to 200") counts only for the maximum;
    a claim with no number ("dozens") counts for neither. The same rule gives
    civilians injured, children killed and women killed.

    Conceded figure: the most recent concession by a belligerent (by the date it
    was stated; later entries first on the same date), not a sum of concessions.

    Current official position: the stance of the most recent official statement.

    Aggregate claims (a figure for a period and area) never enter these numbers.

    `known_on` (a date) derives the figures from what had been stated by the end of that day only
    (`known_by`): the "as known on" view of the incident's own history.
    """
    claims = CasualtyFigure.objects.filter(incident=incident, excluded=False)
    statements = OfficialStatement.objects.filter(incident=incident)
    if known_on is not None:
        claims, statements = claims.filter(known_by(known_on)), statements.filter(known_by(known_on))
    reported = Q(basis=choices.Basis.REPORTED)
    aggregates = {}
    for prefix, outcome, group in _REPORTED_ENVELOPES:
        which = reported & Q(outcome=outcome, group=group)
        aggregates[f"{prefix}_min"] = Min("count_min", filter=which)
        aggregates[f"{prefix}_max"] = Max(Coalesce("count_max", "count_min"), filter=which)
    derived = claims.aggregate(**aggregates)

    for prefix, outcome in _CONCEDED:
        latest = (
            claims.filter(basis=choices.Basis.CONCEDED, outcome=outcome, group=choices.Group.CIVILIANS)
            .exclude(count_min__isnull=True, count_max__isnull=True)
            .order_by(F("stated_on").desc(nulls_last=True), "-id")
            .values("count_min", "count_max")
            .first()
        )
        low = latest and latest["count_min"]
        high = latest and (latest["count_max"] if latest["count_max"] is not None else latest["count_min"])
        derived[f"{prefix}_min"], derived[f"{prefix}_max"] = low, high

    derived["latest_stance"] = (
        statements
        .order_by("-stated_on", "-id")
        .values_list("stance", flat=True)
        .first()
    ) or ""
    derived["sources_count"] = IncidentReport.objects.filter(incident=incident).count()
    return derived


def link_cited_reports(*, incident: Incident) -> None:
    """Link to the incident every report that one of its claims or statements cites."""
    cited = set(
        CasualtyFigure.objects.filter(incident=incident, report__isnull=False).values_list("report_id", flat=True)
    ) | set(
        OfficialStatement.objects.filter(incident=incident, report__isnull=False).values_list("report_id", flat=True)
    )
    known = set(IncidentReport.objects.filter(incident=incident).values_list("report_id", flat=True))
    # With history rows (who: the request's user), so the change log and the as-of view show the link.
    bulk_create_with_history(
        [IncidentReport(incident=incident, report_id=report_id) for report_id in sorted(cited - known)],
        IncidentReport, default_change_reason=AUTO_LINK_REASON,
    )


@transaction.atomic
def recompute_figures(*, incident: Incident) -> Incident:
    """Re-derive and store the incident's headline figures (rule: `derive_figures`)."""
    incident = locking.lock_row(Incident, incident.pk)
    link_cited_reports(incident=incident)
    derived = derive_figures(incident)
    if any(getattr(incident, field) != value for field, value in derived.items()):
        for field, value in derived.items():
            setattr(incident, field, value)
        # Derived figures are not an edit of the record: the version (optimistic locking) stays,
        # but the record was updated (lists sorted by last update and the "updated" feed see it).
        incident.save(update_fields=[*DERIVED_FIELDS, "updated_at"], keep_version=True)
    positions.rebuild_positions(incident=incident)
    return incident


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
                # Locked in id order (gone ones skipped): two imports touching the same incidents never deadlock.
                for incident in locking.lock_rows(Incident, touched).values():
                    recompute_figures(incident=incident)
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
        raise ValidationError({"excluded_reason": "An excluded claim needs a reason."})
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
def unlink_report(*, link: IncidentReport) -> IncidentReport:
    """Remove a report's link to an incident and re-derive it (a report its claims still cite is linked again)."""
    incident_id = link.incident_id
    link.delete()
    _rederive(incident_id)
    return link

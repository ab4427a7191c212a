"""Writes that touch more than one row, each in one transaction.

The derivation rule for an incident's headline figures is `derive_figures`;
everything that changes a claim or a statement ends in `recompute_figures`.
"""

import threading
from contextlib import contextmanager

from django.db import transaction
from django.db.models import F, Max, Min, Q
from django.db.models.functions import Coalesce

from . import choices
from .models import CasualtyFigure, Incident, IncidentReport, OfficialStatement

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


def derive_figures(incident: Incident) -> dict:
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
    """
    claims = CasualtyFigure.objects.filter(incident=incident, excluded=False)
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
        OfficialStatement.objects.filter(incident=incident)
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
    IncidentReport.objects.bulk_create(
        [IncidentReport(incident=incident, report_id=report_id) for report_id in sorted(cited - known)]
    )


@transaction.atomic
def recompute_figures(*, incident: Incident) -> Incident:
    """Re-derive and store the incident's headline figures (rule: `derive_figures`)."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    link_cited_reports(incident=incident)
    derived = derive_figures(incident)
    if any(getattr(incident, field) != value for field, value in derived.items()):
        for field, value in derived.items():
            setattr(incident, field, value)
        # Derived figures are not an edit of the record: the version (optimistic locking) stays,
        # but the record was updated (lists sorted by last update and the "updated" feed see it).
        incident.save(update_fields=[*DERIVED_FIELDS, "updated_at"], keep_version=True)
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
                incident_id = _deferred.pending.pop()
                if Incident.objects.filter(pk=incident_id).exists():
                    recompute_figures(incident=Incident(pk=incident_id))
    finally:
        _deferred.pending = None


def figures_changed(*, incident_id: int) -> None:
    """A claim or statement of the incident was added, edited or deleted: re-derive its figures."""
    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        pending.add(incident_id)
    elif Incident.objects.filter(pk=incident_id).exists():
        recompute_figures(incident=Incident(pk=incident_id))

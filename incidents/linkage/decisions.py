"""Decisions are data: an editor's verdict on a pair, kept with who, when, why and the score seen; never asked twice.

A pair is named by the keys of its two sides (`side_keys`): a record's external ids ("ext:acled:IRQ123") and its
incident id ("incident:42"). A decision is stored under the first external id of each side when it has one, so an
incident deleted and re-imported with the same external id meets its old decisions again; candidate generation skips
a pair when any key of one side and any key of the other name a decision.

"Same" never merges by itself. A reviewer's "same" links the two as related records of the same event (shown as such,
never double-counted); an editor's "same" stays a proposal (action "proposed") until a reviewer links or merges the
pair (`link_decided_pair`, `merge_decided_pair`; merging needs the permission merge_incident, as `incidents.merge`).
"""

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from ..merge import merge_incidents
from ..models import ExternalIdentifier, Incident, LinkCandidate, LinkDecision, SameAction, Verdict
from ..services import refresh_related_groups
from .scoring import FIELDS

EXPORT_HEADER = ["pair", "verdict", "reason", "who", "when", "score", "probability", *(f"weight_{f}" for f in FIELDS)]


def incident_key(pk: int) -> str:
    return f"incident:{pk}"


def external_key(dataset: str, identifier: str) -> str:
    return f"ext:{dataset}:{identifier}"


def side_keys(incident_ids) -> dict[int, list[str]]:
    """Every key of each incident: its external ids first (ordered), then its own id (one query)."""
    keys = {pk: [] for pk in incident_ids}
    rows = ExternalIdentifier.objects.filter(incident_id__in=keys).order_by("dataset", "identifier")
    for pk, dataset, identifier in rows.values_list("incident_id", "dataset", "identifier"):
        keys[pk].append(external_key(dataset, identifier))
    for pk in keys:
        keys[pk].append(incident_key(pk))
    return keys


def decided_pairs(keys: dict[int, list[str]]) -> set[frozenset[str]]:
    """The pairs of keys among these that already carry a decision (one query)."""
    every = {key for values in keys.values() for key in values}
    if not every:
        return set()
    rows = LinkDecision.objects.filter(a_key__in=every, b_key__in=every).values_list("a_key", "b_key")
    return {frozenset(row) for row in rows}


def is_decided(keys_a, keys_b, decided: set[frozenset[str]]) -> bool:
    return any(frozenset((ka, kb)) in decided for ka in keys_a for kb in keys_b)


def _label(incident: Incident) -> str:
    return f"{incident.code} {incident.title}"[:300]


def can_decide(user) -> bool:
    return user.is_active and user.has_perm("incidents.add_linkdecision")


@transaction.atomic
def record_decision(*, incident_a: Incident, incident_b: Incident, verdict: str, reason: str, user,
                    score=None) -> LinkDecision:
    """Keep the verdict on the pair (one row per pair: a second verdict replaces the first, the history keeps both),
    drop the pair from the queue, and for "same" link it (reviewer) or propose it to a reviewer (editor)."""
    if not can_decide(user):
        raise PermissionDenied(gettext("You may not decide on linkage candidates."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(gettext("Give a reason for the decision."))
    if verdict not in Verdict.values:
        raise ValidationError(gettext("Choose same, different or unsure."))
    if incident_a.pk == incident_b.pk:
        raise ValidationError(gettext("Choose two different records."))
    keys = side_keys([incident_a.pk, incident_b.pk])
    existing = LinkDecision.objects.select_for_update().filter(
        Q(a_key__in=keys[incident_a.pk], b_key__in=keys[incident_b.pk])
        | Q(a_key__in=keys[incident_b.pk], b_key__in=keys[incident_a.pk])
    ).first()
    sides = sorted([(keys[incident_a.pk][0], incident_a), (keys[incident_b.pk][0], incident_b)], key=lambda s: s[0])
    decision = existing or LinkDecision(a_key=sides[0][0], b_key=sides[1][0])
    decision.incident_a, decision.incident_b = sides[0][1], sides[1][1]
    decision.a_label, decision.b_label = _label(sides[0][1]), _label(sides[1][1])
    decision.verdict, decision.reason = verdict, reason
    decision.decided_by, decision.decided_at = user, timezone.now()
    if score is not None:
        decision.weight, decision.probability, decision.contributions = score.weight, score.probability, score.contributions
    decision.action = SameAction.NONE
    if verdict == Verdict.SAME:
        decision.action = SameAction.PROPOSED
    decision.save()
    pair = sorted([incident_a.pk, incident_b.pk])
    LinkCandidate.objects.filter(incident_a_id=pair[0], incident_b_id=pair[1]).delete()
    if verdict == Verdict.SAME and user.has_perm("incidents.merge_incident"):
        link_decided_pair(decision=decision, user=user)
    return decision


def _incidents(decision: LinkDecision) -> tuple[Incident, Incident]:
    if decision.incident_a_id is None or decision.incident_b_id is None:
        raise ValidationError(gettext("One record of this pair no longer exists."))
    return decision.incident_a, decision.incident_b


@transaction.atomic
def link_decided_pair(*, decision: LinkDecision, user) -> LinkDecision:
    """A reviewer confirms "same": the two become related records of one event (not merged, counted once)."""
    if not user.is_active or not user.has_perm("incidents.merge_incident"):
        raise PermissionDenied(gettext("Only a reviewer links a proposed pair."))
    if decision.verdict != Verdict.SAME:
        raise ValidationError(gettext("Only a pair decided as the same event is linked."))
    first, second = _incidents(decision)
    first.related.add(second)
    refresh_related_groups(incident_ids=[first.pk, second.pk])
    decision.action = SameAction.LINKED
    decision.save(update_fields=["action"])
    return decision


@transaction.atomic
def merge_decided_pair(*, decision: LinkDecision, keep: Incident, user) -> Incident:
    """A reviewer merges a pair decided as the same event (incidents.merge checks the permission merge_incident)."""
    if decision.verdict != Verdict.SAME:
        raise ValidationError(gettext("Only a pair decided as the same event is merged."))
    first, second = _incidents(decision)
    other = second if keep.pk == first.pk else first
    kept = merge_incidents(keep=keep, merge=other, user=user,
                           reason=gettext("Linkage decision: %(reason)s") % {"reason": decision.reason})
    LinkDecision.objects.filter(pk=decision.pk).update(action=SameAction.MERGED)
    return kept


def export_rows(queryset):
    """The labelled pairs as CSV rows (header first), streamed in chunks: for training and audits (admin only)."""
    yield EXPORT_HEADER
    rows = queryset.select_related("decided_by").order_by("pk")
    for decision in rows.iterator(chunk_size=2000):
        weights = defaultdict(str, {f: (decision.contributions.get(f) or {}).get("weight", "") for f in FIELDS})
        yield [
            f"{decision.a_key} | {decision.b_key}", decision.verdict, decision.reason,
            decision.decided_by.get_username() if decision.decided_by else "", decision.decided_at.isoformat(),
            "" if decision.weight is None else decision.weight,
            "" if decision.probability is None else round(decision.probability, 4),
            *(weights[f] for f in FIELDS),
        ]

"""The editorial workflow: draft → in review → published → retracted, every step authorised on the server.

Every status change by a person goes through `transition_incident`: the admin's buttons and actions, tests and scripts call it,
and the incident form never writes the status itself. Each step is recorded in the incident's history with
who, when and a change reason; the first publication sets `published_at`.

| step | from → to | who (permission) |
| --- | --- | --- |
| submit | draft → in review | editors (change_incident) |
| return_to_draft | in review → draft | editors (change_incident) |
| publish | in review → published | reviewers (publish_incident); with four-eyes on, not the last editor |
| retract | published → retracted, with a public reason | reviewers (retract_incident) |
| restore | retracted → published | reviewers (publish_incident and retract_incident) |

The system takes two steps of its own, recorded the same way (who, if a person set it off, and why):
`publish_by_system` publishes new records of a trusted bulk source (the demo data, a UCDP import run with
`--status published`), and `retract_by_system` retracts a record as the consequence of another authorised
action (a merge). Nothing else writes an incident's status.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from simple_history.utils import bulk_update_with_history

from . import locking
from .choices import Status
from .models import (
    AggregateClaim,
    BelligerentRoleLink,
    CasualtyFigure,
    ExternalIdentifier,
    Incident,
    IncidentReport,
    OfficialStatement,
    Victim,
)

# History rows written by a step of the workflow start with this; they are not edits of the content.
WORKFLOW_REASON = "Workflow: "
# simple-history keeps change reasons in a column of 100 characters.
REASON_LENGTH = 100
# Statuses the public has seen: such a record is never hard-deleted, nor its evidence.
PUBLIC_STATUSES = (Status.PUBLISHED, Status.RETRACTED)
SYSTEM_CHUNK = 500


def was_public(incident: Incident | None) -> bool:
    """True once the incident has been published (it may since have been retracted)."""
    return incident is not None and (incident.status in PUBLIC_STATUSES or incident.published_at is not None)


@dataclass(frozen=True)
class Transition:
    """One step of the review workflow. `label` is said in the editor's language; `done` is the English words kept in
    the history's change reason (a stored record, the same whatever language its editor reads the admin in)."""

    name: str
    label: str
    source: str
    target: str
    permissions: tuple[str, ...]
    needs_reason: bool = False
    done: str = ""

    @property
    def action_name(self) -> str:
        return f"workflow_{self.name}"


TRANSITIONS = [
    Transition("submit", gettext_lazy("Submit for review"), Status.DRAFT, Status.IN_REVIEW, ("incidents.change_incident",),
               done="submitted for review"),
    Transition("return_to_draft", gettext_lazy("Return to draft"), Status.IN_REVIEW, Status.DRAFT, ("incidents.change_incident",),
               done="returned to draft"),
    Transition("publish", gettext_lazy("Publish"), Status.IN_REVIEW, Status.PUBLISHED, ("incidents.publish_incident",), done="published"),
    Transition("retract", gettext_lazy("Retract"), Status.PUBLISHED, Status.RETRACTED, ("incidents.retract_incident",), needs_reason=True,
               done="retracted"),
    Transition("restore", gettext_lazy("Restore publication"), Status.RETRACTED, Status.PUBLISHED,
               ("incidents.publish_incident", "incidents.retract_incident"), done="restored to publication"),
]
TRANSITIONS_BY_NAME = {t.name: t for t in TRANSITIONS}
# What an editor is told once a step is taken ("CT-000001 published."), by step name.
DONE_MESSAGES = {
    "submit": gettext_lazy("%(record)s submitted for review."),
    "return_to_draft": gettext_lazy("%(record)s returned to draft."),
    "publish": gettext_lazy("%(record)s published."),
    "retract": gettext_lazy("%(record)s retracted."),
    "restore": gettext_lazy("%(record)s restored to publication."),
}


# What a step did to many records ("35 incidents submitted for review"), by step name.
DONE_WORDS = {
    "submit": pgettext_lazy("a workflow step done to records", "submitted for review"),
    "return_to_draft": pgettext_lazy("a workflow step done to records", "returned to draft"),
    "publish": pgettext_lazy("a workflow step done to records", "published"),
    "retract": pgettext_lazy("a workflow step done to records", "retracted"),
    "restore": pgettext_lazy("a workflow step done to records", "restored to publication"),
}


def done_message(step: Transition, record: str) -> str:
    """The step taken, in the editor's language: "CT-000001 published."."""
    return DONE_MESSAGES[step.name] % {"record": record}


class TransitionRefused(PermissionDenied):
    """A status change the user may not make, or that does not apply to the incident as it stands."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def four_eyes() -> bool:
    """Whether the reviewer who publishes must not be the last person who edited the incident."""
    return getattr(settings, "CASUALTYTRACKER_FOUR_EYES", False)


def last_editor_id(incident: Incident) -> int | None:
    """Who last changed the incident's content (itself, its claims, statements, reports, belligerents, victims, ids).

    Workflow steps are not edits; rows saved without a user (imports, scripts) are ignored.
    """
    latest = []
    own = (
        incident.history.exclude(history_user__isnull=True).exclude(history_change_reason__startswith=WORKFLOW_REASON)
        .order_by("-history_date").values_list("history_date", "history_user_id").first()
    )
    latest.append(own)
    for model in (CasualtyFigure, OfficialStatement, IncidentReport, BelligerentRoleLink, Victim, ExternalIdentifier):
        latest.append(
            model.history.filter(incident_id=incident.pk).exclude(history_user__isnull=True)
            .order_by("-history_date").values_list("history_date", "history_user_id").first()
        )
    latest = [row for row in latest if row is not None]
    return max(latest)[1] if latest else None


def edit_needs_review(*, user, incident: Incident) -> bool:
    """Whether the user's edit of the incident's record waits for a reviewer (`incidents.revisions`).

    Drafts and records in review are edited directly. An edit of a record the public has seen waits, unless a
    reviewer (publish_incident) makes it with four-eyes off; with four-eyes on, a reviewer's edit waits for
    another reviewer too.
    """
    return was_public(incident) and not edits_public_directly(user)


def edits_public_directly(user) -> bool:
    """Whether the user's edits of records the public has seen apply at once: a reviewer's, with four-eyes off."""
    return not four_eyes() and user.is_active and user.has_perm("incidents.publish_incident")


def _refusal(user, incident: Incident, step: Transition, reason: str) -> str | None:
    if incident.status != step.source:
        return gettext("%(record)s is %(status)s: “%(step)s” applies only to %(source)s incidents.") % {
            "record": incident.code, "status": Status(incident.status).label, "step": step.label,
            "source": Status(step.source).label}
    if not user.is_active or not user.has_perms(step.permissions):
        return gettext("You may not %(step)s incidents: ask a reviewer.") % {"step": step.label.lower()}
    if step.needs_reason and not reason.strip():
        return gettext("A retraction needs a public reason: it is shown on the incident's page.")
    if step.target == Status.PUBLISHED and four_eyes() and last_editor_id(incident) == user.pk:
        return gettext("Four-eyes rule: you were the last to edit %(record)s, so another reviewer must %(step)s it.") % {
            "record": incident.code, "step": step.label.lower()}
    return None


def allowed_transitions(*, user, incident: Incident) -> list[Transition]:
    """The steps the user may take from the incident's status now (permissions only; reasons are asked for later)."""
    return [step for step in TRANSITIONS if step.source == incident.status and user.has_perms(step.permissions)]


def check_transition(*, user, incident: Incident, name: str, reason: str = "") -> Transition:
    """The step, if the user may take it now; else TransitionRefused saying why."""
    step = TRANSITIONS_BY_NAME.get(name)
    if step is None:
        raise TransitionRefused(gettext("There is no workflow step “%(step)s”.") % {"step": name})
    refusal = _refusal(user, incident, step, reason)
    if refusal:
        raise TransitionRefused(refusal)
    return step


@transaction.atomic
def transition_incident(*, incident: Incident, name: str, user, reason: str = "") -> Incident:
    """Move the incident one step along the workflow, checked and recorded (who, when, why) in its history."""
    incident = locking.lock_row(Incident, incident.pk)
    step = check_transition(user=user, incident=incident, name=name, reason=reason)
    fields = ["status", "updated_at"]
    incident.status = step.target
    if step.target == Status.PUBLISHED and incident.published_at is None:
        incident.published_at = timezone.now()
        fields.append("published_at")
    if step.target == Status.RETRACTED:
        incident.retraction_reason = reason.strip()
        fields.append("retraction_reason")
    elif step.source == Status.RETRACTED:
        # The reason stays in the history (and the public change log); a restored record shows none.
        incident.retraction_reason = ""
        fields.append("retraction_reason")
    note = f"{WORKFLOW_REASON}{step.done}" + (f": {reason.strip()}" if reason.strip() else "")
    incident._history_user = user
    incident._change_reason = note[:REASON_LENGTH]
    incident.save(update_fields=fields)
    return incident


@transaction.atomic
def publish_by_system(*, incident_ids, why: str, user=None) -> int:
    """Publish unpublished incidents for a trusted bulk source (demo, import), recorded in their history with why."""
    ids, now, published = sorted(set(incident_ids)), timezone.now(), 0
    note = f"{WORKFLOW_REASON}published by the system ({why})"[:REASON_LENGTH]
    for start in range(0, len(ids), SYSTEM_CHUNK):
        locked = locking.lock_rows(Incident, ids[start:start + SYSTEM_CHUNK]).values()
        incidents = [incident for incident in locked if incident.status in (Status.DRAFT, Status.IN_REVIEW)]
        for incident in incidents:
            incident.status = Status.PUBLISHED
            incident.published_at = incident.published_at or now
            incident.updated_at = now
            incident.version += 1
        bulk_update_with_history(
            incidents, Incident, ["status", "published_at", "updated_at", "version"], batch_size=SYSTEM_CHUNK,
            default_user=user, default_change_reason=note, default_date=now,
        )
        published += len(incidents)
    return published


@transaction.atomic
def publish_aggregate_by_system(*, claim: AggregateClaim, why: str, user=None) -> AggregateClaim:
    """Publish an aggregate claim from a trusted bulk source (the demo, a UCDP import), recorded in its history with why."""
    claim.status = Status.PUBLISHED
    claim._history_user = user
    claim._change_reason = f"{WORKFLOW_REASON}published by the system ({why})"[:REASON_LENGTH]
    claim.save()
    return claim


# Aggregate claims go through the same review as incidents: editors submit, reviewers publish. A published
# aggregate claim leaves the public by being excluded with a reason (kept on record), as a claim does.
AGGREGATE_TRANSITIONS = [
    Transition("submit", gettext_lazy("Submit for review"), Status.DRAFT, Status.IN_REVIEW, ("incidents.change_aggregateclaim",),
               done="submitted for review"),
    Transition("return_to_draft", gettext_lazy("Return to draft"), Status.IN_REVIEW, Status.DRAFT, ("incidents.change_aggregateclaim",),
               done="returned to draft"),
    Transition("publish", gettext_lazy("Publish"), Status.IN_REVIEW, Status.PUBLISHED, ("incidents.publish_incident",), done="published"),
]
AGGREGATE_TRANSITIONS_BY_NAME = {t.name: t for t in AGGREGATE_TRANSITIONS}


def _aggregate_last_editor_id(claim: AggregateClaim) -> int | None:
    return (
        claim.history.exclude(history_user__isnull=True).exclude(history_change_reason__startswith=WORKFLOW_REASON)
        .order_by("-history_date").values_list("history_user_id", flat=True).first()
    )


def aggregate_edit_needs_reviewer(*, user, claim: AggregateClaim | None) -> bool:
    """Whether the user may not change this aggregate claim: a published one changes only by a reviewer's hand
    (with four-eyes on, by no one's alone: it is excluded with a reason, and a corrected one goes through review)."""
    return claim is not None and claim.status == Status.PUBLISHED and not edits_public_directly(user)


def allowed_aggregate_transitions(*, user, claim: AggregateClaim) -> list[Transition]:
    """The steps the user may take from the aggregate claim's status now (permissions only)."""
    return [step for step in AGGREGATE_TRANSITIONS if step.source == claim.status and user.has_perms(step.permissions)]


@transaction.atomic
def transition_aggregate_claim(*, claim: AggregateClaim, name: str, user) -> AggregateClaim:
    """Move an aggregate claim one step (submit, return to draft, publish), checked on the server and kept in its history."""
    claim = locking.lock_row(AggregateClaim, claim.pk)
    step = AGGREGATE_TRANSITIONS_BY_NAME.get(name)
    if step is None:
        raise TransitionRefused(gettext("There is no workflow step “%(step)s” for aggregate claims.") % {"step": name})
    if claim.status != step.source:
        raise TransitionRefused(gettext("Aggregate claim %(id)s is %(status)s: “%(step)s” applies only to %(source)s "
                                        "aggregate claims.") % {
            "id": claim.pk, "status": Status(claim.status).label, "step": step.label, "source": Status(step.source).label})
    if not user.is_active or not user.has_perms(step.permissions):
        raise TransitionRefused(gettext("You may not %(step)s aggregate claims: ask a reviewer.") % {"step": step.label.lower()})
    if step.target == Status.PUBLISHED and four_eyes() and _aggregate_last_editor_id(claim) == user.pk:
        raise TransitionRefused(gettext("Four-eyes rule: you were the last to edit aggregate claim %(id)s, so another reviewer "
                                        "must publish it.") % {"id": claim.pk})
    claim.status = step.target
    claim._history_user = user
    claim._change_reason = f"{WORKFLOW_REASON}{step.done}"[:REASON_LENGTH]
    claim.save(update_fields=["status", "updated_at"])
    return claim


@transaction.atomic
def retract_by_system(*, incident: Incident, public_reason: str, why: str, user=None) -> Incident:
    """Retract an incident as the consequence of another authorised action (a merge); `why` goes to its history."""
    incident.status = Status.RETRACTED
    incident.retraction_reason = public_reason.strip()
    incident._history_user = user
    incident._change_reason = why[:REASON_LENGTH]
    incident.save()
    return incident


# No lost edits. The incident form carries the version it was opened at (and the latest history row then);
# a claim or statement row carries its `updated_at`. A save made from an older state is refused with what
# changed meanwhile, read from the history; the user's input is shown again, nothing is written.

# Columns that say nothing to an editor comparing two versions.
_UNCOMPARED = {"updated_at", "created_at", "updated_by", "created_by", "published_at"}
_LONG = 120


def shown_value(field, value, *, full: bool = False) -> str:
    """A stored value as an editor reads it: a choice's label, a related record's name, long text cut short (in full
    with `full`: a reviewer comparing two versions must see every word)."""
    if value in (None, ""):
        return gettext("(empty)")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    text = str(value)
    return text if full or len(text) <= _LONG else text[: _LONG - 1] + "…"


def describe_history_changes(base, rows) -> list[str]:
    """What changed between the history row `base` and the last of `rows` (later rows of the same record), in words."""
    rows = list(rows)
    if not rows:
        return []
    latest = rows[-1]
    model = latest.instance_type
    who = sorted({row.history_user.get_username() if row.history_user else gettext("an import or script") for row in rows})
    when = timezone.localtime(latest.history_date).strftime("%d %b %Y %H:%M:%S")
    lines = [gettext("Saved meanwhile by %(who)s (last at %(when)s UTC).") % {"who": ", ".join(who), "when": when}]
    if base is None:
        return lines
    known = {f.attname for f in base._meta.concrete_fields}
    for field in model._meta.concrete_fields:
        if field.name in _UNCOMPARED or field.primary_key or field.attname not in known:
            continue
        old, new = getattr(base, field.attname), getattr(latest, field.attname)
        if old != new:
            lines.append(gettext("%(field)s: %(old)s → %(new)s") % {
                "field": str(field.verbose_name).capitalize(), "old": shown_value(field, old), "new": shown_value(field, new)})
    return lines


def incident_changes_since(incident: Incident, base_history_id: int | None) -> list[str]:
    """What other people changed on the incident after the history row the form was opened at."""
    rows = incident.history.select_related("history_user").order_by("history_date", "history_id")
    if base_history_id:
        rows = rows.filter(history_id__gt=base_history_id)
    base = incident.history.filter(history_id=base_history_id).first() if base_history_id else None
    return describe_history_changes(base, rows)


def row_changes_since(obj, base_updated_at) -> list[str]:
    """What other people changed on a claim or statement since it read `base_updated_at`."""
    base = obj.history.filter(updated_at=base_updated_at).order_by("-history_id").first()
    rows = obj.history.select_related("history_user").order_by("history_date", "history_id")
    if base is not None:
        rows = rows.filter(history_id__gt=base.history_id)
    return describe_history_changes(base, rows)

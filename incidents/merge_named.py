"""Merging two records of one source, or of one actor, by a reviewer (permissions merge_source, merge_actor).

Everything that names the merged record moves to the kept one. For a source: its reports and aliases. For an actor:
its belligerent roles (where both are named on one incident, an acknowledged role wins over an alleged one), official
statements, conceded figures, aggregate claims, coalition members and aliases; the positions of every incident touched
are rebuilt and its figures re-derived (`services.deferred_recompute`). Rows move through their saves and services,
each with a history row saying so; a source's reports, which may be thousands, move set-based with a history row each
(`bulk.write_history`).

The merged record's name becomes an alias of the kept one and its slug that alias's `former_slug`, so its old page
redirects (301) and imports naming it find the kept record. Then it is deleted; its history stays, the last row
saying "Merged into …".

Confidential sources: a confidential source and a public one are never merged (refused, saying why). Merged into a
public source, a protected source's reports would appear under a public name; merged into a confidential one, a
public source's name would vanish from its reports. Whoever means it changes one record's protection first, a
decision of its own that its history records.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from sources.models import Report, Source

from . import choices, locking
from .aliases import alias_relation, normalised_name
from .bulk import among, write_history
from .merge import stamp_change as stamp
from .models import Actor, AggregateClaim, BelligerentRoleLink, CasualtyFigure, OfficialStatement
from .services import deferred_recompute, figures_changed, save_claim, save_statement

MERGE_REASON = "Merge: "
PERMISSIONS = {Source: "sources.merge_source", Actor: "incidents.merge_actor"}
NOUNS = {Source: "sources", Actor: "actors"}
NOT_YOURS = {Source: gettext_lazy("You may not merge sources: ask a reviewer."),
             Actor: gettext_lazy("You may not merge actors: ask a reviewer.")}
CHOOSE_TWO = {Source: gettext_lazy("Choose two different sources to merge."), Actor: gettext_lazy("Choose two different actors to merge.")}
REPORT_BATCH = 1000


class NamedMergeRefused(PermissionDenied):
    """A merge the user may not make, or one that would expose a confidential source."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def may_merge(user, model) -> bool:
    return user.is_active and user.has_perm(PERMISSIONS[model])


def check_merge(*, keep, merge, user) -> None:
    """Refuse, saying why, a merge the user may not make."""
    model = type(keep)
    if type(merge) is not model or model not in PERMISSIONS:
        raise NamedMergeRefused(gettext("Only two sources, or two actors, can be merged."))
    if not may_merge(user, model):
        raise NamedMergeRefused(str(NOT_YOURS[model]))
    if keep.pk == merge.pk:
        raise NamedMergeRefused(str(CHOOSE_TWO[model]))
    if model is Source and keep.is_confidential != merge.is_confidential:
        confidential, public = (keep, merge) if keep.is_confidential else (merge, keep)
        raise NamedMergeRefused(
            gettext("“%(confidential)s” is confidential and “%(public)s” is not: merging them would name a protected source in "
                    "public, or hide a public one. Change one record's protection first if they are the same source.")
            % {"confidential": confidential.name, "public": public.name}
        )


def merge_summary(record) -> dict[str, int]:
    """How many rows of each kind would move (for the confirmation page)."""
    if isinstance(record, Source):
        return {"reports": record.reports.count(), "aliases": record.aliases.count()}
    return {
        "belligerent roles": record.incident_roles.count(),
        "official statements": record.statements.count(),
        "conceded figures": record.conceded_figures.count(),
        "aggregate claims": record.aggregate_claims.count(),
        "coalition members": record.members.count(),
        "aliases": record.aliases.count(),
    }


def _move_aliases(*, keep, merge, user, why: str) -> None:
    """The merged record's aliases move; its name becomes one, its slug that alias's former slug."""
    alias_model, to_record = alias_relation(type(keep))
    for alias in alias_model.objects.filter(**{to_record: merge}):
        setattr(alias, to_record, keep)
        stamp(alias, user, why).save()
    # A former address shadowed by a live record with the same slug (this one) redirected nowhere: it is given up.
    for stale in alias_model.objects.filter(former_slug=merge.slug):
        stale.former_slug = None
        stamp(stale, user, why).save()
    same = alias_model.objects.filter(name_normalised=normalised_name(merge.name)).first()
    if same is not None and getattr(same, f"{to_record}_id") == keep.pk and same.former_slug is None:
        same.former_slug = merge.slug
        stamp(same, user, why).save()
        return
    name = merge.name if same is None and normalised_name(merge.name) else f"{merge.name} ({merge.slug})"
    stamp(alias_model(**{to_record: keep}, name=name, former_slug=merge.slug), user, why).save()


def _move_reports(*, keep: Source, merge: Source, user, why: str) -> int:
    """Every report of `merge` to `keep`, set-based, with a history row each."""
    ids = list(Report.objects.filter(source=merge).values_list("pk", flat=True))
    now = timezone.now()
    for start in range(0, len(ids), REPORT_BATCH):
        Report.objects.filter(pk__in=ids[start:start + REPORT_BATCH]).update(source=keep, updated_at=now)
    if ids:
        write_history(Report, Report.objects.filter(pk__in=among(ids)), history_type="~", date=now,
                      user_id=getattr(user, "pk", None), reason=why[:100])
    return len(ids)


def _move_roles(*, keep: Actor, merge: Actor, user, why: str) -> None:
    incident_ids = list(merge.incident_roles.values_list("incident_id", flat=True))
    kept_roles = {role.incident_id: role for role in BelligerentRoleLink.objects.filter(actor=keep, incident_id__in=among(incident_ids))}
    for role in BelligerentRoleLink.objects.filter(actor=merge):
        kept = kept_roles.get(role.incident_id)
        if kept is None:
            role.actor = keep
            stamp(role, user, why).save()
        else:
            if role.role == choices.BelligerentRole.ACKNOWLEDGED and kept.role != role.role:
                kept.role = role.role
                stamp(kept, user, why).save()
            stamp(role, user, why).delete()
        figures_changed(incident_id=role.incident_id)


def _move_actor_rows(*, keep: Actor, merge: Actor, user, why: str) -> None:
    _move_roles(keep=keep, merge=merge, user=user, why=why)
    # Statements before concessions: a conceded figure is conceded by its statement's issuer.
    for statement in OfficialStatement.objects.filter(issuer=merge):
        statement.issuer = keep
        save_statement(statement=stamp(statement, user, why))
    for claim in CasualtyFigure.objects.filter(conceded_by=merge):
        claim.conceded_by = keep
        save_claim(claim=stamp(claim, user, why))
    for claim in AggregateClaim.objects.filter(actor=merge):
        claim.actor = keep
        stamp(claim, user, why).save()
    for member in Actor.objects.filter(parent=merge).exclude(pk=keep.pk):
        member.parent = keep
        stamp(member, user, why).save()
    if keep.parent_id == merge.pk:
        # The kept actor was a member of the merged one: it takes the merged one's place in its coalition.
        keep.parent_id = merge.parent_id if merge.parent_id != keep.pk else None


@transaction.atomic
def merge_records(*, keep, merge, user, reason: str = ""):
    """Move everything of `merge` (a source or an actor) to `keep`, make its name and address an alias of `keep`,
    and delete it; both histories say so. Returns `keep`."""
    model = type(keep)
    if keep.pk == merge.pk or type(merge) is not model:
        check_merge(keep=keep, merge=merge, user=user)
    locked = locking.lock_rows(model, [keep.pk, merge.pk])
    if len(locked) != 2:
        raise NamedMergeRefused(gettext("One of the records has gone (merged or deleted) meanwhile."))
    keep, merge = locked[keep.pk], locked[merge.pk]
    check_merge(keep=keep, merge=merge, user=user)
    note = f" ({reason.strip()})" if reason.strip() else ""
    why = f"{MERGE_REASON}moved here from {merge.name}{note}"
    with deferred_recompute():
        if model is Source:
            _move_reports(keep=keep, merge=merge, user=user, why=why)
        else:
            _move_actor_rows(keep=keep, merge=merge, user=user, why=why)
        _move_aliases(keep=keep, merge=merge, user=user, why=why)
        # The kept record first: it may have been a member of the merged one, which protects its members.
        stamp(keep, user, f"{MERGE_REASON}{merge.name} merged into this record{note}").save()
        stamp(merge, user, f"Merged into {keep.name}{note}").delete()
    return keep


def merge_sources(*, keep: Source, merge: Source, user, reason: str = "") -> Source:
    return merge_records(keep=keep, merge=merge, user=user, reason=reason)


def merge_actors(*, keep: Actor, merge: Actor, user, reason: str = "") -> Actor:
    return merge_records(keep=keep, merge=merge, user=user, reason=reason)

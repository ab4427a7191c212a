"""Merging two records of the same incident into one, by a reviewer (permission merge_incident).

Everything the merged record holds moves to the kept one, row by row so that each move is in the
history: figures, statements, report links, victims, belligerent roles (an acknowledged role wins over
an alleged one), external identifiers, former codes and related links. The merged record's code
becomes an alias of the kept one, so its address redirects there.

The merged record itself is never hard-deleted once the public has seen it: it is retracted with the
public reason "merged into …" and renamed `<code>-merged` (its old code now belongs to the alias).
A record never published is deleted after the move; its history, and the reason, stay.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from . import choices, locking
from .models import (
    BelligerentRoleLink,
    CasualtyFigure,
    ExternalIdentifier,
    Incident,
    IncidentAlias,
    IncidentReport,
    OfficialStatement,
    Victim,
)
from .services import (
    deferred_recompute,
    recompute_figures,
    refresh_related_groups,
    save_claim,
    save_report_link,
    save_statement,
    unlink_report,
)
from .workflow import REASON_LENGTH, retract_by_system, was_public

MERGE_REASON = "Merge: "
MERGED_SUFFIX = "-merged"


class MergeRefused(PermissionDenied):
    """A merge the user may not make, or that would hide a public record behind an unpublished one."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_merge(*, keep: Incident, merge: Incident, user) -> None:
    """Refuse, saying why, a merge the user may not make."""
    if not user.is_active or not user.has_perm("incidents.merge_incident"):
        raise MergeRefused(gettext("You may not merge incidents: ask a reviewer."))
    if keep.pk == merge.pk:
        raise MergeRefused(gettext("Choose two different incidents to merge."))
    if merge.code.endswith(MERGED_SUFFIX) or keep.code.endswith(MERGED_SUFFIX):
        raise MergeRefused(gettext("One of these records has already been merged into another."))
    if was_public(merge) and keep.status != choices.Status.PUBLISHED:
        raise MergeRefused(
            gettext("%(merged)s has been published and %(kept)s is not: keep the published record, or publish %(kept)s first.")
            % {"merged": merge.code, "kept": keep.code}
        )


def stamp_change(obj, user, reason):
    obj._history_user = user
    obj._change_reason = reason[:REASON_LENGTH]
    return obj


def merge_summary(merge: Incident) -> dict[str, int]:
    """How many rows of each kind would move (for the confirmation page)."""
    return {
        "casualty figures": merge.figures.count(),
        "official statements": merge.statements.count(),
        "linked reports": merge.report_links.count(),
        "named victims": merge.victims.count(),
        "belligerent roles": merge.belligerent_roles.count(),
        "external identifiers": merge.external_ids.count(),
        "former codes": merge.aliases.count(),
    }


@transaction.atomic
def merge_incidents(*, keep: Incident, merge: Incident, user, reason: str = "") -> Incident:
    """Move everything of `merge` into `keep`; `merge`'s code becomes an alias; both histories say so."""
    locked = locking.lock_rows(Incident, [keep.pk, merge.pk])
    keep, merge = locked[keep.pk], locked[merge.pk]
    check_merge(keep=keep, merge=merge, user=user)
    note = f" ({reason.strip()})" if reason.strip() else ""
    into = f"{MERGE_REASON}moved here from {merge.code}{note}"
    old_code = merge.code

    with deferred_recompute():
        # Statements before figures: a conceded figure points to its statement, which moves with it.
        for statement in OfficialStatement.objects.filter(incident=merge):
            statement.incident = keep
            save_statement(statement=stamp_change(statement, user, into))
        for figure in CasualtyFigure.objects.filter(incident=merge):
            figure.incident = keep
            save_claim(claim=stamp_change(figure, user, into))
        kept_reports = set(keep.report_links.values_list("report_id", flat=True))
        for link in IncidentReport.objects.filter(incident=merge):
            if link.report_id in kept_reports:
                unlink_report(link=stamp_change(link, user, into))
            else:
                link.incident = keep
                save_report_link(link=stamp_change(link, user, into))
        kept_roles = {role.actor_id: role for role in keep.belligerent_roles.all()}
        for role in BelligerentRoleLink.objects.filter(incident=merge):
            kept = kept_roles.get(role.actor_id)
            if kept is None:
                role.incident = keep
                stamp_change(role, user, into).save()
                continue
            if role.role == choices.BelligerentRole.ACKNOWLEDGED and kept.role != role.role:
                kept.role = role.role
                stamp_change(kept, user, into).save()
            stamp_change(role, user, into).delete()
        for model in (Victim, ExternalIdentifier):
            for row in model.objects.filter(incident=merge):
                row.incident = keep
                stamp_change(row, user, into).save()
        for alias in IncidentAlias.objects.filter(incident=merge):
            alias.incident = keep
            stamp_change(alias, user, into).save()
        for other in merge.related.exclude(pk=keep.pk):
            keep.related.add(other)

        merged_note = f"{MERGE_REASON}merged into {keep.code}{note}"
        if was_public(merge):
            merge.code = f"{old_code}{MERGED_SUFFIX}"
            retract_by_system(
                incident=merge, user=user, why=merged_note,
                public_reason=f"The same incident was recorded twice: this record was merged into {keep.code}{note}.",
            )
            keep.related.add(merge)
        else:
            # Everything has moved above: claims and statements protect their incident (PROTECT), so a row left
            # behind would stop this delete, and the whole merge, rather than be destroyed with it.
            merge.related.clear()
            stamp_change(merge, user, merged_note).delete()
        stamp_change(IncidentAlias(code=old_code, incident=keep), user, merged_note).save()
        stamp_change(keep, user, f"{MERGE_REASON}{old_code} merged into this record{note}").save()
        refresh_related_groups(incident_ids=[keep.pk, merge.pk, *keep.related.values_list("pk", flat=True)])
    return recompute_figures(incident=keep)

"""Belligerent and conflict pages: the accountability gap by year, aggregate claims apart, their incidents.

Only a public actor or conflict (`Actor.objects.public()`, `Conflict.objects.public()`) has a page, as in the API.
"""

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from .. import accountability
from ..cache import cached_aggregate
from ..models import Actor, ActorAlias, AggregateClaim, BelligerentRoleLink, Conflict
from ..pagination import Order, page_from_request

INCIDENTS_PER_PAGE = 25
AGGREGATE_CLAIMS_SHOWN = 50
# Newest first; served by the incident index on (status, -date_start, -id).
NEWEST_FIRST = Order("date_start", descending=True)


def _incident_page(request, incidents, actor=None):
    """A page of the incidents, newest first, with what each row shows fetched in a fixed number of queries."""
    incidents = incidents.for_list()
    if actor is not None:
        role = BelligerentRoleLink.objects.filter(incident=OuterRef("pk"), actor=actor).values("role")[:1]
        incidents = incidents.annotate(role=Subquery(role), **accountability.actor_concession(actor))
    return page_from_request(request, incidents, NEWEST_FIRST, size=INCIDENTS_PER_PAGE, noun="incidents")


def _conflicts_of(incidents) -> list[Conflict]:
    """The conflicts of these incidents with their numbers (counted over all of them: kept per data version)."""
    return list(Conflict.objects.of_incidents(incidents).order_by("-published_incidents", "name"))


def _belligerents_in(incidents) -> list[Actor]:
    """The belligerents named on these incidents with their numbers (counted over all of them: kept per data version)."""
    return list(Actor.objects.belligerents_in(incidents).order_by("-published_incidents", "name"))


def _aggregate_claims(**scope):
    claims = AggregateClaim.objects.published().filter(**scope).select_related("report__source", "actor").prefetch_related("conflicts")
    return claims.order_by("-period_start", "id")


def belligerent_detail(request, slug):
    actor = Actor.objects.public().select_related("parent").filter(slug=slug).first()
    if actor is None:
        # The old address of an actor merged into a public one moves there for good.
        merged = ActorAlias.objects.filter(former_slug=slug, actor__in=Actor.objects.public()).select_related("actor").first()
        if merged is None:
            raise Http404("No such belligerent")
        return redirect(merged.actor, permanent=True)
    incidents = accountability.actor_incidents(actor)
    members = actor.members.public().with_published_incidents().order_by("name")
    conflicts = cached_aggregate("conflicts_of", incidents, _conflicts_of)
    claims = _aggregate_claims(actor=actor)
    page, page_notice = _incident_page(request, incidents, actor=actor)
    return render(request, "incidents/belligerent_detail.html", {
        "actor": actor,
        "parent_is_public": actor.parent_id is not None and Actor.objects.public().filter(pk=actor.parent_id).exists(),
        "members": members,
        "conflicts": conflicts,
        "gap": accountability.actor_gap(actor),
        "claims": claims[:AGGREGATE_CLAIMS_SHOWN],
        "claims_count": claims.count(),
        "page": page,
        "page_notice": page_notice,
    })


def conflict_detail(request, slug):
    conflict = get_object_or_404(Conflict.objects.public(), slug=slug)
    incidents = accountability.conflict_incidents(conflict)
    belligerents = cached_aggregate("belligerents_in", incidents, _belligerents_in)
    claims = _aggregate_claims(conflicts=conflict)
    page, page_notice = _incident_page(request, incidents)
    return render(request, "incidents/conflict_detail.html", {
        "conflict": conflict,
        "belligerents": belligerents,
        "gap": accountability.conflict_gap(conflict),
        "concessions": accountability.conceded_by_actor(incidents),
        "claims": claims[:AGGREGATE_CLAIMS_SHOWN],
        "claims_count": claims.count(),
        "page": page,
        "page_notice": page_notice,
    })

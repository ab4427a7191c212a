"""Belligerent and conflict pages: the accountability gap by year, aggregate claims apart, their incidents."""

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404, render

from .. import accountability
from ..choices import Status
from ..models import Actor, AggregateClaim, BelligerentRoleLink, Conflict

INCIDENTS_PER_PAGE = 25
AGGREGATE_CLAIMS_SHOWN = 50


def _page(request, queryset, per_page):
    """The requested page; a malformed or out-of-range number gives the nearest real page and says so."""
    paginator = Paginator(queryset, per_page)
    requested = request.GET.get("page", "1")
    page = paginator.get_page(requested)
    notice = "" if requested == str(page.number) else f"There is no page “{requested[:20]}”; showing page {page.number}."
    return page, notice


def _incident_list(incidents, actor=None):
    """The incidents of the page, newest first, with what each row shows fetched in a fixed number of queries."""
    incidents = incidents.select_related("conflict").prefetch_related(
        Prefetch("belligerent_roles", queryset=BelligerentRoleLink.objects.select_related("actor").order_by("actor__name"))
    )
    if actor is not None:
        role = BelligerentRoleLink.objects.filter(incident=OuterRef("pk"), actor=actor).values("role")[:1]
        incidents = incidents.annotate(role=Subquery(role))
    return incidents.order_by("-date_start", "-id")


def _aggregate_claims(**scope):
    claims = AggregateClaim.objects.published().filter(**scope).select_related("report__source", "actor", "conflict")
    return claims.order_by("-period_start", "id")


def belligerent_detail(request, slug):
    actor = get_object_or_404(Actor.objects.select_related("parent"), slug=slug)
    published = Q(incident_roles__incident__status=Status.PUBLISHED)
    members = actor.members.annotate(published_incidents=Count("incident_roles", filter=published)).order_by("name")
    conflicts = (
        Conflict.objects.filter(incidents__status=Status.PUBLISHED, incidents__belligerent_roles__actor=actor)
        .annotate(published_incidents=Count("incidents", distinct=True))
        .order_by("-published_incidents", "name")
    )
    claims = _aggregate_claims(actor=actor)
    page, page_notice = _page(request, _incident_list(accountability.actor_incidents(actor), actor=actor), INCIDENTS_PER_PAGE)
    return render(request, "incidents/belligerent_detail.html", {
        "actor": actor,
        "members": members,
        "conflicts": conflicts,
        "gap": accountability.actor_gap(actor),
        "claims": claims[:AGGREGATE_CLAIMS_SHOWN],
        "claims_count": claims.count(),
        "page": page,
        "page_notice": page_notice,
    })


def conflict_detail(request, slug):
    conflict = get_object_or_404(Conflict, slug=slug)
    belligerents = (
        Actor.objects.filter(incident_roles__incident__conflict=conflict, incident_roles__incident__status=Status.PUBLISHED)
        .annotate(published_incidents=Count("incident_roles", distinct=True))
        .order_by("-published_incidents", "name")
    )
    claims = _aggregate_claims(conflict=conflict)
    page, page_notice = _page(request, _incident_list(accountability.conflict_incidents(conflict)), INCIDENTS_PER_PAGE)
    return render(request, "incidents/conflict_detail.html", {
        "conflict": conflict,
        "belligerents": belligerents,
        "gap": accountability.conflict_gap(conflict),
        "claims": claims[:AGGREGATE_CLAIMS_SHOWN],
        "claims_count": claims.count(),
        "page": page,
        "page_notice": page_notice,
    })

"""/: a search box, the headline totals of everything published, and what the work shows: the latest concessions of
civilian deaths by belligerents, the most documented incidents, and the latest published ones.

Each list is one bounded query on an index: concessions on the figures' index of conceded civilian deaths by date
stated, the most documented on the incidents' index on (status, -sources_count, -id), the latest published on
(status, -published_at, -id).
"""

from django.db.models import Q
from django.shortcuts import render

from .. import choices
from ..models import CasualtyFigure, Incident
from ..querysets import prefetch_rows
from ..totals import totals_of

LATEST = 8
CONCESSIONS = 6
MOST_DOCUMENTED = 6
# Several concessions of one actor on one incident (a figure revised) show once: read a few more rows than shown.
CONCESSIONS_READ = 3

# A belligerent conceding civilian deaths with a number (the figures `positions` counts as its concession of deaths),
# dated: the list says when. Served by the partial index `figure_conceded_deaths` on (-stated_on, -id).
CONCEDED_DEATHS = Q(
    basis=choices.Basis.CONCEDED, outcome=choices.Outcome.KILLED, **choices.CIVILIANS,
    conceded_by__isnull=False, stated_on__isnull=False,
) & ~Q(count_min__isnull=True, count_max__isnull=True)


def latest_published(queryset, limit: int) -> list[Incident]:
    """Newest first by publication time; records without one (published before it was kept) follow, by creation time.

    Two index-friendly queries at most, rather than one ORDER BY COALESCE(...) that sorts every row.
    """
    rows = list(queryset.filter(published_at__isnull=False).order_by("-published_at", "-id")[:limit])
    if len(rows) < limit:
        rows += list(queryset.filter(published_at__isnull=True).order_by("-created_at", "-id")[: limit - len(rows)])
    return rows


def most_documented(limit: int) -> list[Incident]:
    """Published incidents linked to the most reports, most first (ties: the newer record first)."""
    return list(
        Incident.objects.published().filter(sources_count__gt=0).select_related("conflict").order_by("-sources_count", "-id")[:limit]
    )


def latest_concessions(limit: int) -> list[CasualtyFigure]:
    """The newest concessions of civilian deaths on published incidents (excluded claims never), by the date stated;
    an actor's earlier concession on the same incident (a figure it later revised) is left out."""
    claims = (
        CasualtyFigure.objects.published().filter(CONCEDED_DEATHS)
        .select_related("incident", "conceded_by__parent")
        .order_by("-stated_on", "-id")[: limit * CONCESSIONS_READ]
    )
    seen, shown = set(), []
    for claim in claims:
        if (claim.incident_id, claim.conceded_by_id) not in seen and len(shown) < limit:
            seen.add((claim.incident_id, claim.conceded_by_id))
            shown.append(claim)
    return shown


def home(request):
    published = Incident.objects.published().select_related("conflict")
    newest = prefetch_rows(latest_published(published, LATEST))
    return render(request, "incidents/home.html", {
        "totals": totals_of(Incident.objects.published()),
        "latest_concessions": latest_concessions(CONCESSIONS),
        "most_documented": most_documented(MOST_DOCUMENTED),
        "latest_published": newest,
    })

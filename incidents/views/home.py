"""/: headline totals of everything published, and the latest published and updated incidents."""

from django.shortcuts import render

from ..models import Incident
from ..querysets import prefetch_rows
from ..totals import totals_of

LATEST = 8


def latest_published(queryset, limit: int) -> list[Incident]:
    """Newest first by publication time; records without one (published before it was kept) follow, by creation time.

    Two index-friendly queries at most, rather than one ORDER BY COALESCE(...) that sorts every row.
    """
    rows = list(queryset.filter(published_at__isnull=False).order_by("-published_at", "-id")[:limit])
    if len(rows) < limit:
        rows += list(queryset.filter(published_at__isnull=True).order_by("-created_at", "-id")[: limit - len(rows)])
    return rows


def home(request):
    published = Incident.objects.published().select_related("conflict")
    newest = latest_published(published, LATEST)
    updated = list(published.order_by("-updated_at", "-id")[:LATEST])
    prefetch_rows(newest + updated)
    context = {"totals": totals_of(Incident.objects.published()), "latest_published": newest, "latest_updated": updated}
    return render(request, "incidents/home.html", context)

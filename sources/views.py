"""Source pages: who reported what. Confidential sources have no page and are never named here."""

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import render

from incidents.choices import Status
from incidents.models import Incident, IncidentReport

from .models import Source

SOURCES_PER_PAGE = 50
REPORTS_PER_PAGE = 25
INCIDENTS_PER_PAGE = 25

SORTS = {
    "name": (["name"], "name (A–Z)"),
    "-incidents": (["-published_incidents", "name"], "most incidents first"),
    "incidents": (["published_incidents", "name"], "fewest incidents first"),
    "-name": (["-name"], "name (Z–A)"),
}
DEFAULT_SORT = "-incidents"


def _page(request, queryset, per_page, param="page"):
    """The requested page; a malformed or out-of-range number gives the nearest real page and says so."""
    paginator = Paginator(queryset, per_page)
    requested = request.GET.get(param, "1")
    page = paginator.get_page(requested)
    notice = "" if requested == str(page.number) else f"There is no page “{requested[:20]}”; showing page {page.number}."
    return page, notice


def public_sources():
    """Non-confidential sources that reported at least one published incident, with their published counts."""
    published = Q(reports__incident_links__incident__status=Status.PUBLISHED)
    return (
        Source.objects.public()
        .annotate(
            published_incidents=Count("reports__incident_links__incident", filter=published, distinct=True),
            published_reports=Count("reports", filter=published, distinct=True),
        )
        .filter(published_incidents__gt=0)
    )


def source_list(request):
    sort = request.GET.get("sort", DEFAULT_SORT)
    notices = []
    if sort not in SORTS:
        notices.append(f"Unknown sort “{sort[:40]}”; sorted by {SORTS[DEFAULT_SORT][1]}.")
        sort = DEFAULT_SORT
    page, page_notice = _page(request, public_sources().order_by(*SORTS[sort][0]), SOURCES_PER_PAGE)
    if page_notice:
        notices.append(page_notice)
    return render(request, "sources/source_list.html", {
        "page": page,
        "sort": sort,
        "sorts": [(key, label) for key, (_, label) in SORTS.items()],
        "notices": notices,
    })


def source_detail(request, slug):
    source = public_sources().filter(slug=slug).first()
    if source is None:
        # Unknown, confidential, or nothing published yet: no page.
        raise Http404("No such source")
    published_links = IncidentReport.objects.filter(incident__status=Status.PUBLISHED)
    reports = (
        source.reports.annotate(published_incidents=Count("incident_links", filter=Q(incident_links__incident__status=Status.PUBLISHED)))
        .filter(published_incidents__gt=0)
        .prefetch_related(
            Prefetch(
                "incident_links",
                queryset=published_links.select_related("incident").order_by("-incident__date_start", "incident_id"),
                to_attr="published_links",
            )
        )
        .order_by(F("published_on").desc(nulls_last=True), "title", "id")
    )
    incidents = (
        Incident.objects.published()
        .filter(Exists(IncidentReport.objects.filter(incident=OuterRef("pk"), report__source=source)))
        .select_related("conflict")
        .order_by("-date_start", "-id")
    )
    reports_page, reports_notice = _page(request, reports, REPORTS_PER_PAGE, param="reports_page")
    incidents_page, incidents_notice = _page(request, incidents, INCIDENTS_PER_PAGE, param="page")
    return render(request, "sources/source_detail.html", {
        "source": source,
        "reports_page": reports_page,
        "incidents_page": incidents_page,
        "notices": [notice for notice in (reports_notice, incidents_notice) if notice],
    })

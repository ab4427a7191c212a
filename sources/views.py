"""Source pages: who reported what. Only public sources (`Source.objects.public()`) are listed or have a page."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy

from incidents.aliases import search_filter
from incidents.cache import cached_aggregate
from incidents.models import AggregateClaim, Incident
from incidents.pagination import Order, page_from_request

from .models import Source, SourceAlias

SOURCES_PER_PAGE = 50
REPORTS_PER_PAGE = 25
INCIDENTS_PER_PAGE = 25
AGGREGATE_CLAIMS_SHOWN = 50

# Each order pages by keyset (value, id). By name: the unique index on name; by count: over the counted sources.
SORTS = {
    "name": (Order("name", descending=False, kind="text"), gettext_lazy("name (A–Z)")),
    "-incidents": (Order("published_incidents", descending=True, kind="int"), gettext_lazy("most incidents first")),
    "incidents": (Order("published_incidents", descending=False, kind="int"), gettext_lazy("fewest incidents first")),
    "-name": (Order("name", descending=True, kind="text"), gettext_lazy("name (Z–A)")),
}
DEFAULT_SORT = "-incidents"
# Newest first, undated last; served by the report index on (source, published_on, id).
REPORTS_NEWEST_FIRST = Order("published_on", descending=True, nullable=True)
# Newest first; served by the incident index on (status, -date_start, -id).
INCIDENTS_NEWEST_FIRST = Order("date_start", descending=True)


def _first(queryset):
    return queryset.first()


def source_list(request):
    sort = request.GET.get("sort", DEFAULT_SORT)
    notices = []
    if sort not in SORTS:
        notices.append(gettext("Unknown sort “%(sort)s”; sorted by %(default)s.") % {"sort": sort[:40], "default": SORTS[DEFAULT_SORT][1]})
        sort = DEFAULT_SORT
    sources = Source.objects.public()
    text = request.GET.get("q", "").strip()[:200]
    if text:  # a name or an alias, however typed ("wapo", "WASHINGTON POST", "واشنطن بوست")
        sources = sources.filter(search_filter(Source, text))
    # Counting every source's published incidents reads every link: the page is kept per data version.
    page, page_notice = cached_aggregate(
        "source_list", sources.with_published_counts(),
        lambda counted, _query: page_from_request(request, counted, SORTS[sort][0], size=SOURCES_PER_PAGE, noun="sources"),
        request.GET.urlencode(),
    )
    if page_notice:
        notices.append(page_notice)
    return render(request, "sources/source_list.html", {
        "page": page,
        "count": sources.count(),
        "sort": sort,
        "q": text,
        "sorts": [(key, label) for key, (_, label) in SORTS.items()],
        "notices": notices,
    })


def source_detail(request, slug):
    source = cached_aggregate("source_detail", Source.objects.public().with_published_counts().filter(slug=slug), _first)
    if source is None:
        # The old address of a source merged into a public one moves there for good; else (unknown, confidential, or
        # nothing public yet) no page.
        merged = SourceAlias.objects.filter(former_slug=slug, source__in=Source.objects.public()).select_related("source").first()
        if merged is not None:
            return redirect(merged.source, permanent=True)
        raise Http404("No such source")
    reports = source.reports.public().with_published_links()
    incidents = Incident.objects.published().reported_by(source).select_related("conflict")
    reports_page, reports_notice = page_from_request(
        request, reports, REPORTS_NEWEST_FIRST, size=REPORTS_PER_PAGE, prefix="reports_", noun="reports",
    )
    incidents_page, incidents_notice = page_from_request(request, incidents, INCIDENTS_NEWEST_FIRST, size=INCIDENTS_PER_PAGE, noun="incidents")
    # A source may back only figures for a period and area (a monitor's monthly count, a belligerent's tallies).
    claims = (
        AggregateClaim.objects.published().filter(report__source=source)
        .select_related("report__source", "actor").prefetch_related("conflicts").order_by("-period_start", "id")
    )
    return render(request, "sources/source_detail.html", {
        "source": source,
        "claims": claims[:AGGREGATE_CLAIMS_SHOWN],
        "claims_count": claims.count(),
        "reports_page": reports_page,
        "incidents_page": incidents_page,
        "notices": [notice for notice in (reports_notice, incidents_notice) if notice],
    })

"""Site-wide answers that belong to no app: the favicon at the address browsers ask for unprompted, robots.txt."""

from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico: browsers ask for it whatever the page's `<link rel="icon">` says; send them to the SVG icon.

    A redirect (not the file) because the icon's static address carries a content hash in production."""
    return HttpResponseRedirect(static("favicon.svg"))


# What crawlers may not fetch: the admin (both languages), the heavy exports and download files, the API, the
# charts' and map's data, and any address with a query string (every filter, sort, page and as-of date: an endless
# space of heavy pages; each public record is listed once, plainly, in the sitemap). /data/ itself stays open.
ROBOTS_DISALLOW = [
    "/admin/", "/ar/admin/", "/incidents/export", "/incidents/claims.csv", "/data/*.", "/api/", "/charts/", "/map/data.json",
    "/belligerents/*/gap.", "/*?",
]

# The rest is open; the sitemap's own pages (sitemap-incidents.xml?p=2) are allowed in spite of their query string
# (crawlers follow the longest matching rule).
ROBOTS_ALLOW = ["/sitemap-*.xml?p=", "/"]


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    """/robots.txt: public pages allowed, the admin and heavy exports not, and where the sitemap is."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), *(f"Allow: {path}" for path in ROBOTS_ALLOW),
             "", f"Sitemap: {request.build_absolute_uri(reverse('sitemap_index'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")

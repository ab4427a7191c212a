from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from casualtytracker import views as site_views
from casualtytracker.admin_site import use_editors_admin_site
from casualtytracker.sitemaps import SITEMAPS
from incidents import feeds
from incidents.views import data

# Two-factor for the admin when settings.OTP_REQUIRED (casualtytracker/admin_site.py).
use_editors_admin_site(admin.site)
# The database being away is a 503 page, not a 500 (casualtytracker/unavailable.py); other errors get Django's.
handler500 = "casualtytracker.unavailable.server_error"

admin.site.site_header = _("Casualty Tracker — editors")
admin.site.site_title = _("Casualty Tracker admin")
admin.site.index_title = _("Records")

# Language-neutral addresses, never prefixed: the API, exports, feeds, download files and the schema hold data
# (codes, numbers, the records' own words, English field names) whose meaning must not depend on a language, and
# their addresses are cited and scripted. The records' Arabic fields are extra columns there, not another address.
urlpatterns = [
    path("favicon.ico", site_views.favicon, name="favicon"),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
    # The sitemap lists both languages itself (casualtytracker/sitemaps.py): one address, unprefixed.
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"}, name="sitemap_index"),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("api/v1/", include("incidents.api.urls")),
    path("incidents/export.csv", data.export, {"fmt": "csv"}, name="export_csv"),
    path("incidents/export-hxl.csv", data.export, {"fmt": "hxl"}, name="export_hxl"),
    path("incidents/claims.csv", data.export, {"fmt": "claims"}, name="export_claims"),
    path("incidents/export.json", data.export, {"fmt": "json"}, name="export_json"),
    path("incidents/export.geojson", data.export, {"fmt": "geojson"}, name="export_geojson"),
    path("feeds/incidents/new.atom", feeds.NewIncidentsAtom(), name="feed_new_atom"),
    path("feeds/incidents/new.rss", feeds.NewIncidentsRss(), name="feed_new_rss"),
    path("feeds/incidents/updated.atom", feeds.UpdatedIncidentsAtom(), name="feed_updated_atom"),
    path("feeds/incidents/updated.rss", feeds.UpdatedIncidentsRss(), name="feed_updated_rss"),
    path("data/<str:name>", data.data_file, name="data_file"),
]

# Pages people read, in English at today's addresses and in Arabic under /ar/ (casualtytracker/i18n.py: the switcher).
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("sources.urls")),
    path("", include("incidents.urls")),
    path("", include("submissions.urls")),
    path("data/", data.data_page, name="data"),
    prefix_default_language=False,
)

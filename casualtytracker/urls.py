from django.contrib import admin
from django.urls import include, path

from casualtytracker import views as site_views
from incidents import feeds
from incidents.views import data

admin.site.site_header = "Casualty Tracker — editors"
admin.site.site_title = "Casualty Tracker admin"
admin.site.index_title = "Records"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", site_views.favicon, name="favicon"),
    path("", include("sources.urls")),
    path("", include("incidents.urls")),
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
    path("data/", data.data_page, name="data"),
    path("data/<str:name>", data.data_file, name="data_file"),
]

from django.urls import path

from .views import accountability, charts, detail, home, incident_list, indexes, maps, methodology, overlap, sdg, timeline

urlpatterns = [
    path("", home.home, name="home"),
    path("incidents/", incident_list.incident_list, name="incident_list"),
    path("incidents/<str:code>/", detail.incident_detail, name="incident_detail"),
    path("timeline/", timeline.timeline, name="timeline"),
    path("map/", maps.map_page, name="map"),
    path("map/data.json", maps.map_data_view, name="map_data"),
    path("belligerents/", indexes.belligerent_list, name="belligerent_list"),
    path("conflicts/", indexes.conflict_list, name="conflict_list"),
    path("belligerents/<slug:slug>/", accountability.belligerent_detail, name="belligerent_detail"),
    path("conflicts/<slug:slug>/", accountability.conflict_detail, name="conflict_detail"),
    path("charts/monthly.json", charts.monthly_json, name="chart_monthly_json"),
    path("charts/monthly.csv", charts.monthly_csv, name="chart_monthly_csv"),
    path("belligerents/<slug:slug>/gap.json", charts.gap_json, name="belligerent_gap_json"),
    path("belligerents/<slug:slug>/gap.csv", charts.gap_csv, name="belligerent_gap_csv"),
    path("methodology/", methodology.methodology, name="methodology"),
    path("sdg/", sdg.sdg_page, name="sdg_table"),
    path("sdg.csv", sdg.sdg_csv, name="sdg_table_csv"),
    path("overlap/", overlap.overlap_page, name="overlap"),
    path("overlap.csv", overlap.overlap_csv, name="overlap_csv"),
]

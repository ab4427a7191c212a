from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Casualty Tracker — editors"
admin.site.site_title = "Casualty Tracker admin"
admin.site.index_title = "Records"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("sources.urls")),
    path("", include("incidents.urls")),
]

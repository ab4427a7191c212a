"""/api/v1/: the read-only API, its OpenAPI 3 schema and its docs (Swagger UI served from our own static files).

The docs load nothing from another host: Swagger UI comes from drf-spectacular-sidecar, and its settings script
from its own address (`?script`), never inline. Redoc is not offered: its page pulls web fonts from Google, so
/api/v1/redoc/ leads to the same Swagger UI.
"""

from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("reports", views.ReportViewSet, basename="report")
router.register("sources", views.SourceViewSet, basename="source")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("conflicts", views.ConflictViewSet, basename="conflict")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"), name="docs"),
    path("redoc/", RedirectView.as_view(pattern_name="api:docs", permanent=True), name="redoc"),
    path("", include(router.urls)),
]

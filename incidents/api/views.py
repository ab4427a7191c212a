"""The read-only JSON API: every queryset starts from the published gate; the incident list reuses IncidentFilter."""

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import redirect
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers as drf_serializers
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from sources.models import Report
from sources.views import public_sources

from .. import choices
from ..filters import DEFAULT_SORT, SORTS, IncidentFilter
from ..models import (
    Actor,
    BelligerentRoleLink,
    CasualtyFigure,
    Conflict,
    Incident,
    IncidentAlias,
    IncidentReport,
    OfficialStatement,
    Victim,
)
from ..views.list import BadCursor, Cursor, keyset_page
from . import serializers

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class ErrorSerializer(drf_serializers.Serializer):
    detail = drf_serializers.CharField(required=False)


BAD_REQUEST = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="A filter, page or page size is not valid: each parameter in error with what is wrong, in words.",
)
NOT_FOUND = OpenApiResponse(response=ErrorSerializer, description="No published record has this identifier.")


class Pagination(PageNumberPagination):
    """Numbered pages of at most MAX_PAGE_SIZE rows; a bad page or size is a 400 that says why."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError({self.page_size_query_param: [f"“{raw[:20]}” is not a whole number of at least 1."]})
        return min(int(raw), self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError({self.page_query_param: [f"“{raw[:20]}” is not a page number (1, 2, 3…)."]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            last = Paginator(queryset, self.get_page_size(request)).num_pages
            raise ValidationError({self.page_query_param: [f"There is no page {raw}: the last page is {last}."]}) from error


class IncidentPagination(Pagination):
    """Keyset pages, as on /incidents/: `after`/`before` cursors from `next`/`previous`, so a deep page costs what the first does."""

    cursor_params = ("after", "before")

    def paginate_queryset(self, queryset, request, view=None):
        if self.page_query_param in request.query_params:
            raise ValidationError({self.page_query_param: [
                "Incidents are paged by cursor, not by number: follow the `next` and `previous` links (parameters `after` and `before`)."
            ]})
        self.request = request
        self.size = self.get_page_size(request)
        sort = SORTS.get(request.query_params.get("sort") or DEFAULT_SORT, SORTS[DEFAULT_SORT])
        cursors = {}
        for name in self.cursor_params:
            raw = request.query_params.get(name)
            if raw:
                try:
                    cursors[name] = Cursor.decode(raw, sort)
                except BadCursor as error:
                    raise ValidationError({name: [
                        f"“{raw[:40]}” is not a position in this list (it may be cut short or made for another sort order)."
                    ]}) from error
        self.count = queryset.order_by().count()
        self.page = keyset_page(queryset, sort, after=cursors.get("after"), before=cursors.get("before"), size=self.size)
        return self.page.rows

    def _link(self, name: str, cursor) -> str | None:
        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), "before" if name == "after" else "after")
        return replace_query_param(url, name, cursor.encode())

    def get_paginated_response(self, data):
        return Response({
            "count": self.count,
            "next": self._link("after", self.page.next),
            "previous": self._link("before", self.page.previous),
            "results": data,
        })

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "after", "required": False, "in": "query", "schema": {"type": "string"},
             "description": "The position to continue after, as given in a `next` link."},
            {"name": "before", "required": False, "in": "query", "schema": {"type": "string"},
             "description": "The position to go back before, as given in a `previous` link."},
            {"name": self.page_size_query_param, "required": False, "in": "query", "schema": {"type": "integer"},
             "description": f"Rows per page (default {self.page_size}, at most {self.max_page_size})."},
        ]


BELLIGERENTS = Prefetch("belligerent_roles", queryset=BelligerentRoleLink.objects.select_related("actor").order_by("role", "actor__name"))


@extend_schema_view(
    list=extend_schema(
        summary="Published incidents, filtered like /incidents/",
        description="Takes the same filters and sorts as the /incidents/ page (one FilterSet). Pages of 50 rows by default, "
                    f"`page_size` up to {MAX_PAGE_SIZE}; follow `next` and `previous` (keyset cursors, stable under any sort).",
        responses={200: serializers.IncidentSerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary="One published incident by its code",
        description="With its non-excluded claims, official statements, reports (confidential sources by label only), "
                    "publicly named victims and external identifiers. An old code (after a merge) redirects to the current one.",
        responses={200: serializers.IncidentDetailSerializer, 301: OpenApiResponse(description="An old code: moved."), 404: NOT_FOUND},
    ),
)
class IncidentViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    filter_backends = [DjangoFilterBackend]
    filterset_class = IncidentFilter
    pagination_class = IncidentPagination

    def get_queryset(self):
        queryset = Incident.objects.published().select_related("conflict").prefetch_related(BELLIGERENTS)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "external_ids",
                Prefetch("figures", queryset=CasualtyFigure.objects.filter(excluded=False).defer("notes").order_by("stated_on", "id"),
                         to_attr="public_figures"),
                Prefetch("statements", queryset=OfficialStatement.objects.select_related("issuer").order_by("stated_on", "id"),
                         to_attr="public_statements"),
                Prefetch("victims", queryset=Victim.objects.filter(visibility=choices.Visibility.PUBLIC).defer("notes"),
                         to_attr="public_victims"),
                Prefetch("report_links", queryset=IncidentReport.objects.select_related("report__source")
                         .defer("report__text", "report__notes").order_by("report__published_on", "report_id"),
                         to_attr="public_report_links"),
            )
        return queryset

    def get_serializer_class(self):
        return serializers.IncidentDetailSerializer if self.action == "retrieve" else serializers.IncidentSerializer

    def retrieve(self, request, *args, **kwargs):
        code = kwargs["code"]
        if not self.get_queryset().filter(code=code).exists():
            alias = IncidentAlias.objects.filter(code=code, incident__status=choices.Status.PUBLISHED).select_related("incident").first()
            if alias is not None:
                return redirect("api:incident-detail", code=alias.incident.code, permanent=True)
        return super().retrieve(request, *args, **kwargs)

    def get_object(self):
        incident = super().get_object()
        incident.public_reports = [link.report for link in incident.public_report_links]
        return incident


def _published_reports():
    published = IncidentReport.objects.filter(report=OuterRef("pk"), incident__status=choices.Status.PUBLISHED)
    return (
        Report.objects.filter(Exists(published), source__is_confidential=False)
        .select_related("source")
        .defer("text", "notes")
        .prefetch_related(Prefetch(
            "incident_links",
            queryset=IncidentReport.objects.filter(incident__status=choices.Status.PUBLISHED).select_related("incident")
            .only("report_id", "incident__code").order_by("incident__code"),
            to_attr="published_links",
        ))
        .order_by("-published_on", "id")
    )


@extend_schema_view(
    list=extend_schema(summary="Reports covering published incidents (confidential sources' reports are left out)",
                       responses={200: serializers.ReportSerializer(many=True), 400: BAD_REQUEST}),
    retrieve=extend_schema(summary="One report", responses={200: serializers.ReportSerializer, 404: NOT_FOUND}),
)
class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ReportSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return _published_reports()


@extend_schema_view(
    list=extend_schema(summary="Sources that reported published incidents (never a confidential one)",
                       responses={200: serializers.SourceSerializer(many=True), 400: BAD_REQUEST}),
    retrieve=extend_schema(summary="One source", responses={200: serializers.SourceSerializer, 404: NOT_FOUND}),
)
class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.SourceSerializer
    pagination_class = Pagination
    lookup_field = "slug"

    def get_queryset(self):
        return public_sources().order_by("name")


@extend_schema_view(
    list=extend_schema(summary="Belligerents and official bodies named on published incidents",
                       responses={200: serializers.ActorSerializer(many=True), 400: BAD_REQUEST}),
    retrieve=extend_schema(summary="One actor", responses={200: serializers.ActorSerializer, 404: NOT_FOUND}),
)
class ActorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ActorSerializer
    pagination_class = Pagination
    lookup_field = "slug"

    def get_queryset(self):
        published = choices.Status.PUBLISHED
        named = Exists(BelligerentRoleLink.objects.filter(actor=OuterRef("pk"), incident__status=published)) | Exists(
            OfficialStatement.objects.filter(issuer=OuterRef("pk"), incident__status=published)
        )
        return Actor.objects.filter(named).select_related("parent").order_by("name")


@extend_schema_view(
    list=extend_schema(summary="Conflicts with published incidents",
                       responses={200: serializers.ConflictSerializer(many=True), 400: BAD_REQUEST}),
    retrieve=extend_schema(summary="One conflict", responses={200: serializers.ConflictSerializer, 404: NOT_FOUND}),
)
class ConflictViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ConflictSerializer
    pagination_class = Pagination
    lookup_field = "slug"

    def get_queryset(self):
        return (
            Conflict.objects.annotate(published_incidents=Count("incidents", filter=Q(incidents__status=choices.Status.PUBLISHED)))
            .filter(published_incidents__gt=0)
            .order_by("name")
        )

"""The read-only JSON API: every queryset starts from the published gate; the incident list reuses IncidentFilter."""

from django.db.models import Prefetch
from django.shortcuts import redirect
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers as drf_serializers
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from sources.models import Report, Source

from .. import sdg
from ..cache import cached_aggregate
from ..filters import CachedChoicesField, IncidentFilter
from ..models import Actor, CasualtyFigure, Conflict, Incident, IncidentReport, OfficialStatement, Victim
from ..pagination import BadCursor, Cursor, Order, keyset_page
from ..params import BadParameter, whole_number
from ..totals import totals_of
from . import schema as _schema  # noqa: F401 (registers what the schema says of the filters' limits)
from . import serializers

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Any path segment reaches the view (the router's default stops at a "."), so `/reports/1.5/` or `/sources/a.b/` get
# the API's JSON 404 that the schema documents, not the site's HTML page.
ANY_SEGMENT = "[^/]+"


class ErrorSerializer(drf_serializers.Serializer):
    detail = drf_serializers.CharField(required=False)


BAD_REQUEST = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="A filter, page or page size is not valid: each parameter in error with what is wrong, in words.",
)
NOT_FOUND = OpenApiResponse(response=ErrorSerializer, description="No published record has this identifier.")
FILTER_NOT_FOUND = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="A well-formed filter names a conflict, belligerent or source that no published record has "
                "(`?conflict=no-such-war`): that parameter with what is wrong, in words.",
)


def _names_missing_records(form) -> bool:
    """Whether every error of the filter form is a well-formed name that matches no public record."""
    errors = form.errors.as_data()
    return bool(errors) and all(
        isinstance(form.fields.get(name), CachedChoicesField) and all(error.code == "invalid_choice" for error in field_errors)
        for name, field_errors in errors.items()
    )


class FilterBackend(DjangoFilterBackend):
    """IncidentFilter on the API: a malformed value is a 400, a name of a record that is not public a 404.

    `?conflict=no-such-war` is a well-formed request for something that is not there, as /api/v1/conflicts/no-such-war/
    is; the schema cannot list the names, so a 400 would say the request broke the schema when it did not.
    """

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None and not filterset.is_valid() and _names_missing_records(filterset.form):
            raise NotFound(translate_validation(filterset.errors).detail)
        return super().filter_queryset(request, queryset, view)


class Pagination(PageNumberPagination):
    """Pages of at most MAX_PAGE_SIZE rows; a bad size is a 400 that says why."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = whole_number(raw, minimum=1, name=self.page_size_query_param)
        except BadParameter as error:
            raise ValidationError({self.page_size_query_param: error.messages}) from error
        return min(size, self.max_page_size)


def _count(queryset) -> int:
    return queryset.count()


class KeysetPagination(Pagination):
    """Keyset pages, as on the public pages: `after`/`before` cursors from `next`/`previous`, so a deep page costs what the first does.

    The view gives the order (`keyset_order(request)`); a numbered `page` is refused with a reason.
    """

    cursor_params = ("after", "before")

    def paginate_queryset(self, queryset, request, view=None):
        if self.page_query_param in request.query_params:
            raise ValidationError({self.page_query_param: [
                gettext("This list is paged by cursor, not by number: follow the `next` and `previous` links (parameters `after` "
                        "and `before`).")
            ]})
        self.request = request
        self.size = self.get_page_size(request)
        order = view.keyset_order(request)
        cursors = {}
        for name in self.cursor_params:
            raw = request.query_params.get(name)
            if raw:
                try:
                    cursors[name] = Cursor.decode(raw, order, queryset.model)
                except BadCursor as error:
                    raise ValidationError({name: [
                        gettext("“%(value)s” is not a position in this list (it may be cut short or made for another sort order).")
                        % {"value": raw[:40]}
                    ]}) from error
        self.count = cached_aggregate("count", queryset.order_by(), _count)
        after, before = cursors.get("after"), cursors.get("before")
        if getattr(view, "cache_pages", False):
            # Rows whose annotations count over every link: the page is kept per data version (incidents.cache).
            self.page = cached_aggregate(
                "api_page", queryset, lambda rows, *_: keyset_page(rows, order, after=after, before=before, size=self.size),
                order, after, before, self.size,
            )
        else:
            self.page = keyset_page(queryset, order, after=after, before=before, size=self.size)
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
        """The cursors and the page size as `get_page_size` and `paginate_queryset` read them: empty is the default,
        a page size is at least 1 (a page of no rows is refused), and a larger one than the maximum is served at it."""
        return [
            {"name": "after", "required": False, "in": "query", "schema": {"type": "string"}, "allowEmptyValue": True,
             "description": "The position to continue after, as given in a `next` link (opaque: a made-up one is a 400)."},
            {"name": "before", "required": False, "in": "query", "schema": {"type": "string"}, "allowEmptyValue": True,
             "description": "The position to go back before, as given in a `previous` link (opaque: a made-up one is a 400)."},
            {"name": self.page_size_query_param, "required": False, "in": "query", "allowEmptyValue": True,
             "schema": {"type": "integer", "minimum": 1, "default": self.page_size},
             "description": f"Rows per page: at least 1, default {self.page_size}; more than {self.max_page_size} gives "
                            f"{self.max_page_size}."},
        ]


# The orders of the secondary lists, each served by an index: reports newest first (report published_on, id),
# actors, conflicts and sources by name (their unique index on name).
REPORTS_NEWEST_FIRST = Order("published_on", descending=True, nullable=True)
BY_NAME = Order("name", descending=False, kind="text")


@extend_schema_view(
    list=extend_schema(
        summary="Published incidents, filtered like /incidents/",
        description="Takes the same filters and sorts as the /incidents/ page (one FilterSet). Pages of 50 rows by default, "
                    f"`page_size` up to {MAX_PAGE_SIZE}; follow `next` and `previous` (keyset cursors, stable under any sort).",
        responses={200: serializers.IncidentSerializer(many=True), 400: BAD_REQUEST, 404: FILTER_NOT_FOUND},
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
    lookup_value_regex = ANY_SEGMENT
    filter_backends = [FilterBackend]
    filterset_class = IncidentFilter
    pagination_class = KeysetPagination

    def keyset_order(self, request):
        return IncidentFilter(request.query_params, queryset=Incident.objects.none()).sort_spec

    def get_queryset(self):
        queryset = Incident.objects.published().for_list().with_positions().with_public_related()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "external_ids",
                Prefetch("figures", queryset=CasualtyFigure.objects.published().select_related("conceded_by").defer("notes")
                         .order_by("stated_on", "id"),
                         to_attr="public_figures"),
                Prefetch("statements", queryset=OfficialStatement.objects.published().select_related("issuer").order_by("stated_on", "id"),
                         to_attr="public_statements"),
                Prefetch("victims", queryset=Victim.objects.published().defer("notes"), to_attr="public_victims"),
                Prefetch("report_links", queryset=IncidentReport.objects.select_related("report__source")
                         .defer("report__text", "report__notes").order_by("report__published_on", "report_id"),
                         to_attr="public_report_links"),
            )
        return queryset

    def get_serializer_class(self):
        return serializers.IncidentDetailSerializer if self.action == "retrieve" else serializers.IncidentSerializer

    @extend_schema(
        summary="Totals of the published incidents that match the filters",
        description="The same totals as the /incidents/ page (incidents.totals): counts, and sums of the incidents' reported and "
                    "conceded killed ranges, for every grade (`all`) and confirmed + fair only (`graded`). A sum is null when no "
                    "incident of the set has a number. Takes the same filters as the list.",
        responses={200: serializers.TotalsSerializer, 400: BAD_REQUEST, 404: FILTER_NOT_FOUND},
    )
    @action(detail=False, pagination_class=None)
    def totals(self, request):
        return Response(totals_of(self.filter_queryset(Incident.objects.published())))

    @extend_schema(
        summary="SDG 16.1.2 table of the published incidents that match the filters",
        description="Documented deaths (public victims recorded killed on the matching published incidents), by cause, status, "
                    "sex and age: the same numbers as the /sdg/ page and its CSV (incidents.sdg). Each margin adds up to "
                    "`documented_deaths`; `of_which_professions` counts the protected professions among them; `cells` lists "
                    "the non-empty cells of cause × status × sex × age. Takes the same filters as the list.",
        responses={200: serializers.SdgTableSerializer, 400: BAD_REQUEST, 404: FILTER_NOT_FOUND},
    )
    @action(detail=False, pagination_class=None)
    def sdg(self, request):
        return Response(sdg.as_json(sdg.sdg_table(self.filter_queryset(Incident.objects.published()))))

    def retrieve(self, request, *args, **kwargs):
        code = kwargs["code"]
        if not self.get_queryset().filter(code=code).exists():
            current = Incident.objects.published().by_code(code).values_list("code", flat=True).first()
            if current is not None:
                return redirect("api:incident-detail", code=current, permanent=True)
        return super().retrieve(request, *args, **kwargs)

    def get_object(self):
        incident = super().get_object()
        incident.public_reports = [link.report for link in incident.public_report_links]
        return incident


def _published_reports():
    """Public reports whose source may be named (a confidential source's reports are left out), with their published incidents."""
    return Report.objects.public().not_confidential().select_related("source").defer("text", "notes").with_published_links()


@extend_schema_view(
    list=extend_schema(summary="Reports covering published incidents (confidential sources' reports are left out)",
                       responses={200: serializers.ReportSerializer(many=True), 400: BAD_REQUEST}),
    retrieve=extend_schema(summary="One report", responses={200: serializers.ReportSerializer, 404: NOT_FOUND}),
)
class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ReportSerializer
    pagination_class = KeysetPagination
    lookup_value_regex = ANY_SEGMENT

    def keyset_order(self, request):
        return REPORTS_NEWEST_FIRST

    def get_queryset(self):
        return _published_reports()


@extend_schema_view(
    list=extend_schema(summary="Sources that reported published incidents (never a confidential one)",
                       responses={200: serializers.SourceSerializer(many=True), 400: BAD_REQUEST}),
    retrieve=extend_schema(summary="One source", responses={200: serializers.SourceSerializer, 404: NOT_FOUND}),
)
class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ANY_SEGMENT
    serializer_class = serializers.SourceSerializer
    pagination_class = KeysetPagination
    lookup_field = "slug"
    cache_pages = True  # each source's published incidents and reports are counted over every link

    def keyset_order(self, request):
        return BY_NAME

    def get_queryset(self):
        return Source.objects.public().with_published_counts()


@extend_schema_view(
    list=extend_schema(summary="Belligerents and official bodies named on published incidents",
                       responses={200: serializers.ActorSerializer(many=True), 400: BAD_REQUEST}),
    retrieve=extend_schema(summary="One actor", responses={200: serializers.ActorSerializer, 404: NOT_FOUND}),
)
class ActorViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ANY_SEGMENT
    serializer_class = serializers.ActorSerializer
    pagination_class = KeysetPagination
    lookup_field = "slug"

    def keyset_order(self, request):
        return BY_NAME

    def get_queryset(self):
        return Actor.objects.public().select_related("parent")


@extend_schema_view(
    list=extend_schema(summary="Conflicts with published incidents",
                       responses={200: serializers.ConflictSerializer(many=True), 400: BAD_REQUEST}),
    retrieve=extend_schema(summary="One conflict", responses={200: serializers.ConflictSerializer, 404: NOT_FOUND}),
)
class ConflictViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ANY_SEGMENT
    serializer_class = serializers.ConflictSerializer
    pagination_class = KeysetPagination
    lookup_field = "slug"

    def keyset_order(self, request):
        return BY_NAME

    def get_queryset(self):
        return Conflict.objects.public().with_published_incidents()

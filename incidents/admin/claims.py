"""Claims, statements, aggregate claims and victims on their own admin pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ..models import (
    AggregateClaim,
    CasualtyFigure,
    OfficialStatement,
    Victim,
)
from ..workflow import was_public
from .forms import COMPACT_TEXT, QuoteCheckedForm, describe_range, publish_protected
from .inlines import ChooserMixin
from .writes import EvidenceWritesMixin


@admin.register(CasualtyFigure)
class CasualtyFigureAdmin(EvidenceWritesMixin, ChooserMixin, SimpleHistoryAdmin):
    form = QuoteCheckedForm
    list_display = ["incident", "attributed_to", "count_display", "group", "outcome", "basis", "stated_on", "report", "excluded"]
    list_filter = ["basis", "outcome", "group", "qualifier", "excluded", "incident__status"]
    list_select_related = ["incident", "report__source"]
    search_fields = ["incident__code", "incident__title", "attributed_to", "quote", "report__title"]
    autocomplete_fields = ["incident", "report", "statement"]
    incident_date_field, incident_report_field = "stated_on", "report"
    fieldsets = [
        (None, {"fields": ["incident", "report", "statement", "attributed_to"]}),
        ("The figure", {"fields": [("basis", "outcome", "group"), ("qualifier", "count_min", "count_max"), "stated_on", "quote"]}),
        ("Editors", {"fields": [("excluded", "excluded_reason"), "notes", ("created_at", "updated_at"), "base_updated"]}),
    ]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = COMPACT_TEXT

    @admin.display(description="figure")
    def count_display(self, obj):
        return describe_range(obj.count_min, obj.count_max)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and was_public(obj.incident)) and super().has_delete_permission(request, obj)


@admin.register(OfficialStatement)
class OfficialStatementAdmin(EvidenceWritesMixin, ChooserMixin, SimpleHistoryAdmin):
    form = QuoteCheckedForm
    list_display = ["incident", "issuer", "stated_on", "stance", "report"]
    list_filter = ["stance", "issuer"]
    list_select_related = ["incident", "issuer", "report__source"]
    search_fields = ["incident__code", "incident__title", "issuer__name", "quote", "summary"]
    autocomplete_fields = ["incident", "issuer", "report"]
    incident_date_field, incident_report_field = "stated_on", "report"
    fields = ["incident", "issuer", ("stated_on", "stance"), "report", "quote", "summary", ("created_at", "updated_at"), "base_updated"]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = COMPACT_TEXT

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and was_public(obj.incident)) and super().has_delete_permission(request, obj)


@admin.register(AggregateClaim)
class AggregateClaimAdmin(ChooserMixin, SimpleHistoryAdmin):
    form = QuoteCheckedForm
    list_display = ["__str__", "period_start", "period_end", "actor", "report", "status", "excluded"]
    list_filter = ["status", "outcome", "group", "basis", "excluded", "actor"]
    list_select_related = ["actor", "report__source"]
    search_fields = ["area", "countries", "attributed_to", "quote", "report__title", "actor__name"]
    autocomplete_fields = ["report", "actor", "conflict"]
    fieldsets = [
        (None, {"fields": ["report", ("period_start", "period_end"), ("area", "countries"), ("actor", "conflict"), "status"]}),
        ("The figure", {"fields": [
            ("basis", "outcome", "group"), ("qualifier", "count_min", "count_max"), ("attributed_to", "stated_on"), "quote",
        ]}),
        ("Editors", {"fields": [("excluded", "excluded_reason"), ("created_at", "updated_at"), "base_updated"]}),
    ]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = COMPACT_TEXT

    def get_readonly_fields(self, request, obj=None):
        return publish_protected(request, super().get_readonly_fields(request, obj))


@admin.register(Victim)
class VictimAdmin(ChooserMixin, SimpleHistoryAdmin):
    list_display = ["label_display", "name_ar", "incident", "outcome", "sex", "age", "age_band", "person_status", "visibility"]
    list_filter = ["visibility", "outcome", "sex", "age_band", "person_status"]
    list_select_related = ["incident"]
    search_fields = ["name", "name_ar", "family_group", "incident__code", "incident__title"]
    search_help_text = "Name (Latin or Arabic script), family, or the incident's code or title."
    autocomplete_fields = ["incident", "report"]
    incident_report_field = "report"
    fields = [
        "incident", ("name", "name_ar"), ("sex", "age", "age_band", "person_status", "outcome"), ("family_group", "visibility"),
        "report", "notes",
    ]

    @admin.display(description="victim", ordering="name")
    def label_display(self, obj):
        return obj.label

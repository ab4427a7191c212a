"""Claims, statements, aggregate claims and victims on their own admin pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .. import display
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


def stated_column():
    """A list column: when the claim or statement was made, honest to its precision ("December 2018")."""

    @admin.display(description="stated on", ordering="stated_on")
    def stated_display(self, obj):
        return display.format_stated(obj)

    return stated_display


@admin.register(CasualtyFigure)
class CasualtyFigureAdmin(EvidenceWritesMixin, ChooserMixin, SimpleHistoryAdmin):
    form = QuoteCheckedForm
    list_display = ["incident", "attributed_to", "count_display", "group", "outcome", "basis", "stated_display", "report", "excluded"]
    list_filter = ["basis", "outcome", "group", "qualifier", "excluded", "incident__status"]
    list_select_related = ["incident", "report__source"]
    search_fields = ["incident__code", "incident__title", "attributed_to", "quote", "report__title"]
    autocomplete_fields = ["incident", "report", "statement"]
    fieldsets = [
        (None, {"fields": ["incident", "report", "statement", "attributed_to"]}),
        ("The figure", {"fields": [
            ("basis", "outcome", "group"), ("qualifier", "count_min", "count_max"), ("stated_on", "stated_on_precision"), "quote",
        ]}),
        ("Editors", {"fields": [("excluded", "excluded_reason"), "notes", ("created_at", "updated_at"), "confirm_dates", "base_updated"]}),
    ]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = COMPACT_TEXT

    @admin.display(description="figure")
    def count_display(self, obj):
        return describe_range(obj.count_min, obj.count_max)

    stated_display = stated_column()

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and was_public(obj.incident)) and super().has_delete_permission(request, obj)


@admin.register(OfficialStatement)
class OfficialStatementAdmin(EvidenceWritesMixin, ChooserMixin, SimpleHistoryAdmin):
    form = QuoteCheckedForm
    list_display = ["incident", "issuer", "stated_display", "stance", "report"]
    list_filter = ["stance", "issuer"]
    list_select_related = ["incident", "issuer", "report__source"]
    search_fields = ["incident__code", "incident__title", "issuer__name", "quote", "summary"]
    autocomplete_fields = ["incident", "issuer", "report"]
    fields = [
        "incident", "issuer", ("stated_on", "stated_on_precision", "stance"), "report", "quote", "summary", ("created_at", "updated_at"),
        "confirm_dates", "base_updated",
    ]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = COMPACT_TEXT
    stated_display = stated_column()

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
            ("basis", "outcome", "group"), ("qualifier", "count_min", "count_max"), ("attributed_to", "stated_on", "stated_on_precision"),
            "quote",
        ]}),
        ("Editors", {"fields": [("excluded", "excluded_reason"), ("created_at", "updated_at"), "base_updated"]}),
    ]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = COMPACT_TEXT

    def get_readonly_fields(self, request, obj=None):
        return publish_protected(request, super().get_readonly_fields(request, obj))


@admin.register(Victim)
class VictimAdmin(ChooserMixin, SimpleHistoryAdmin):
    list_display = ["name", "name_ar", "incident", "outcome", "sex", "age", "age_band", "visibility"]
    list_filter = ["visibility", "outcome", "sex", "age_band"]
    list_select_related = ["incident"]
    search_fields = ["name", "name_ar", "family_group", "incident__code", "incident__title"]
    autocomplete_fields = ["incident", "report"]
    fields = [
        "incident", ("name", "name_ar"), ("sex", "age", "age_band", "outcome"), ("family_group", "visibility"), "report", "notes",
    ]

"""Reference records and links on their own admin pages: conflicts, actors, external ids, roles, linked reports, old codes."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from sources.admin import HTTPS_URLS
from sources.named_admin import AliasInline, NamedRecordAdmin
from sources.validators import is_web_address

from ..models import (
    Actor,
    ActorAlias,
    BelligerentRoleLink,
    Conflict,
    ExternalIdentifier,
    IncidentAlias,
    IncidentReport,
)
from ..translated import ArabicFieldsAdminMixin
from .inlines import ChooserMixin
from .writes import EvidenceWritesMixin


@admin.register(Conflict)
class ConflictAdmin(ArabicFieldsAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "slug", "ucdp_conflict_id"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ActorAliasInline(AliasInline):
    model = ActorAlias


@admin.register(Actor)
class ActorAdmin(ArabicFieldsAdminMixin, NamedRecordAdmin, SimpleHistoryAdmin):
    """Actors with their aliases ("Daesh", "CENTCOM"); the search finds either, however typed; reviewers merge two."""

    inlines = [ActorAliasInline]
    list_display = ["name", "kind", "parent", "country"]
    list_filter = ["kind", "country"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ExternalIdentifier)
class ExternalIdentifierAdmin(EvidenceWritesMixin, ChooserMixin, SimpleHistoryAdmin):
    list_display = ["identifier", "dataset", "incident", "link_display"]
    list_filter = ["dataset"]
    list_select_related = ["incident"]
    search_fields = ["identifier", "incident__code", "incident__title"]
    autocomplete_fields = ["incident"]
    formfield_overrides = HTTPS_URLS

    @admin.display(description=gettext_lazy("link"))
    def link_display(self, obj):
        if not is_web_address(obj.link):
            return obj.link or "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.link, obj.link)


@admin.register(BelligerentRoleLink)
class BelligerentRoleLinkAdmin(EvidenceWritesMixin, ChooserMixin, SimpleHistoryAdmin):
    list_display = ["incident", "actor", "role"]
    list_filter = ["role", "actor"]
    list_select_related = ["incident", "actor"]
    search_fields = ["incident__code", "incident__title", "actor__name"]
    autocomplete_fields = ["incident", "actor"]


@admin.register(IncidentReport)
class IncidentReportAdmin(EvidenceWritesMixin, ChooserMixin, SimpleHistoryAdmin):
    list_display = ["incident", "report", "note"]
    list_select_related = ["incident", "report__source"]
    search_fields = ["incident__code", "incident__title", "report__title", "report__url"]
    autocomplete_fields = ["incident", "report"]
    incident_report_field = "report"


@admin.register(IncidentAlias)
class IncidentAliasAdmin(SimpleHistoryAdmin):
    """Former codes are made by merges; here they are only looked up."""

    list_display = ["code", "incident", "created_at"]
    list_select_related = ["incident"]
    search_fields = ["code", "incident__code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

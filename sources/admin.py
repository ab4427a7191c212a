"""Sources in the admin. The report's page records incident claims, so it lives with the incident admin (incidents.admin.reports)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext, gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from incidents.translated import ArabicFieldsAdminMixin

from .choices import SourceKind
from .models import Source, SourceAlias
from .named_admin import AliasInline, NamedRecordAdmin

# URLs typed without a scheme are read as https (Django 6 will default to it).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}
RECORD = ("Record", {"fields": [("created_at", "updated_at")]})
KIND_CHANGED = "Kind corrected in bulk"


class SourceAliasInline(AliasInline):
    model = SourceAlias


class KindForm(forms.Form):
    kind = forms.ChoiceField(choices=SourceKind.choices, label=gettext_lazy("New kind"))


@transaction.atomic
def change_kind(*, sources, kind: str, user) -> int:
    """Set the kind of these sources, row by row so each change has its history row; how many changed."""
    changed = 0
    for source in sources.exclude(kind=kind).select_for_update().order_by("pk"):
        source.kind = kind
        source._history_user = user
        source._change_reason = KIND_CHANGED
        source.save(update_fields=["kind", "updated_at"])
        changed += 1
    return changed


@admin.register(Source)
class SourceAdmin(ArabicFieldsAdminMixin, NamedRecordAdmin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "country", "language", "is_confidential"]
    list_filter = ["kind", "is_confidential"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = HTTPS_URLS
    inlines = [SourceAliasInline]
    actions = ["merge_selected", "change_kind_selected"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["name", "name_ar", "slug", "kind", ("country", "language"), "homepage", "description"]}),
            ("Protection", {"fields": ["is_confidential", "public_label"]}),
        ]
        return fieldsets + [RECORD] if obj is not None else fieldsets

    @admin.action(description=gettext_lazy("Change kind of selected sources…"), permissions=["change"])
    def change_kind_selected(self, request, queryset):
        """A confirmation page chooses the kind; each source changed gets a history row."""
        form = KindForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            kind = SourceKind(form.cleaned_data["kind"])
            total = queryset.count()
            changed = change_kind(sources=queryset, kind=kind, user=request.user)
            words = {"changed": changed, "total": total, "kind": kind.label, "already": total - changed}
            if changed < total:
                message = gettext("Changed the kind of %(changed)s of %(total)s selected sources to “%(kind)s” "
                                  "(%(already)s already were).") % words
            else:
                message = gettext("Changed the kind of %(changed)s of %(total)s selected sources to “%(kind)s”.") % words
            self.message_user(request, message, messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/sources/source/change_kind.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": gettext("Change the kind of sources"), "form": form,
            "sources": queryset.order_by("name")[:100], "count": queryset.count(),
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME), "action": "change_kind_selected",
            "select_across": request.POST.get("select_across", "0"),
        })

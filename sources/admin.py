"""Sources in the admin. The report's page records incident claims, so it lives with the incident admin (incidents.admin.reports)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext, gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from incidents.translated import ArabicFieldsAdminMixin

from .choices import SourceKind
from .models import Source, SourceAlias
from .named_admin import AliasInline, NamedRecordAdmin
from .public import may_name_confidential_source

# URLs typed without a scheme are read as https (Django 6 will default to it).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}
RECORD = ("Record", {"fields": [("created_at", "updated_at")]})
UNPROTECT_REFUSED = gettext_lazy(
    "Only a reviewer may make a confidential source public: its name and its reports' titles and addresses would then "
    "show on every page. Ask a reviewer, or leave “confidential” ticked.")


def unprotects(pk: int | None, is_confidential: bool) -> bool:
    """Whether saving source `pk` as `is_confidential` would make a confidential source public (its stored row is confidential)."""
    return pk is not None and not is_confidential and Source.objects.filter(pk=pk, is_confidential=True).exists()
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if may_name_confidential_source(request.user):
            return form

        class ProtectedSourceForm(form):
            """Refuses, with a message the editor can act on, to untick "confidential" (a reviewer's decision)."""

            def clean(self):
                cleaned = super().clean()
                if unprotects(self.instance.pk, cleaned.get("is_confidential", True)):
                    self.add_error("is_confidential", UNPROTECT_REFUSED)
                return cleaned

        return ProtectedSourceForm

    def save_model(self, request, obj, form, change):
        # Checked again on the save itself: no form or crafted POST makes a confidential source public without a reviewer.
        if unprotects(obj.pk, obj.is_confidential) and not may_name_confidential_source(request.user):
            raise PermissionDenied(UNPROTECT_REFUSED)
        return super().save_model(request, obj, form, change)

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

"""The report's admin page: enter a report from its URL, then record on one page what it states for each incident."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from sources.admin import HTTPS_URLS, RECORD
from sources.models import Report, Source
from sources.public import may_name_confidential_source
from sources.text import normalise_url

from ..dashboard import unlinked_reports
from ..models import IncidentReport
from .forms import ISO_DATES
from .inlines import ReportAggregateClaimInline, ReportFigureInline, ReportIncidentInline, ReportStatementInline
from .writes import EvidenceWritesMixin


class LinkedFilter(admin.SimpleListFilter):
    """Reports that no incident links to yet (a queue of the editors' dashboard)."""

    title = gettext_lazy("linked to incidents")
    parameter_name = "linked"

    def lookups(self, request, model_admin):
        return [("yes", "yes"), ("no", "not yet")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return unlinked_reports(queryset)
        if self.value() == "yes":
            return queryset.filter(Exists(IncidentReport.objects.filter(report=OuterRef("pk"))))
        return queryset


REPORT_UNPROTECT_REFUSED = gettext_lazy(
    "Only a reviewer may move a report away from a confidential source: its title and address would then show on every page.")


def moves_out_of_confidence(report: Report) -> bool:
    """Whether saving this report would move it from a confidential source to one that may be named."""
    if report.pk is None or Source.objects.filter(pk=report.source_id, is_confidential=True).exists():
        return False
    return Report.objects.filter(pk=report.pk, source__is_confidential=True).exists()


class ReportURLForm(forms.Form):
    url = forms.URLField(
        max_length=2000, assume_scheme="https", label=gettext_lazy("URL"),
        widget=forms.URLInput(attrs={"size": 100, "autofocus": True}),
        help_text=gettext_lazy("Paste the address of the article, press release or post. Tracking parameters, “www.”, a trailing "
                  "slash or http/https do not make it a different report."),
    )


@admin.register(Report)
class ReportAdmin(EvidenceWritesMixin, SimpleHistoryAdmin):
    """A report's page: its claims, statements and incident links are saved through the incident services."""

    list_display = ["title", "source", "published_on", "kind", "language"]
    list_filter = [LinkedFilter, "kind", "source__kind", "language"]
    list_select_related = ["source"]
    show_full_result_count = False
    search_fields = ["title", "url", "source__name"]
    search_help_text = "Title, URL or source name."
    autocomplete_fields = ["source"]
    readonly_fields = ["url_normalised", "created_at", "updated_at"]
    formfield_overrides = {**HTTPS_URLS, models.TextField: {"widget": forms.Textarea(attrs={"rows": 6, "cols": 100})}, **ISO_DATES}
    # Incidents covered first: saving a figure links its incident, so an explicit link must be saved before it.
    inlines = [ReportIncidentInline, ReportFigureInline, ReportStatementInline, ReportAggregateClaimInline]

    # Report first: the editor pastes the URL; a known report opens, an unknown one opens the add page with it.

    def get_urls(self):
        return [path("enter/", self.admin_site.admin_view(self.enter_view), name="sources_report_enter"), *super().get_urls()]

    def enter_view(self, request):
        """Paste a URL: the report already recorded under it (after normalisation), or a new one pre-filled with it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ReportURLForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            url = form.cleaned_data["url"]
            existing = Report.objects.filter(url_normalised=normalise_url(url)).first()
            if existing is not None:
                self.message_user(request, format_html(
                    "This report is already recorded (its URL, normalised, is {}): record its figures and statements here.",
                    existing.url_normalised,
                ), messages.INFO)
                return HttpResponseRedirect(reverse("admin:sources_report_change", args=[existing.pk]))
            return HttpResponseRedirect(f"{reverse('admin:sources_report_add')}?{urlencode({'url': url})}")
        return TemplateResponse(request, "admin/sources/report/enter.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "title": "Enter a report from its URL", "form": form,
        })

    def save_model(self, request, obj, form, change):
        # Moving a report off a confidential source names it: a reviewer's decision, checked on the save itself.
        if moves_out_of_confidence(obj) and not may_name_confidential_source(request.user):
            raise PermissionDenied(REPORT_UNPROTECT_REFUSED)
        return super().save_model(request, obj, form, change)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["source", "title", ("kind", "published_on"), ("language", "author")]}),
            ("Where", {"fields": ["url", "archive_url", "url_normalised"] if obj is not None else ["url", "archive_url"]}),
            ("Content", {"fields": ["text", "notes"]}),
        ]
        return fieldsets + [RECORD] if obj is not None else fieldsets

    def get_queryset(self, request):
        # A report is named with its source, in lists and in autocomplete answers alike.
        return super().get_queryset(request).select_related("source")

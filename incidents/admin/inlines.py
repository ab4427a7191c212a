"""Rows edited inside another record's page: claims, statements, victims, roles, reports, ids, old codes."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from sources.admin import HTTPS_URLS
from sources.models import Report

from .. import choices
from ..models import (
    AggregateClaim,
    BelligerentRoleLink,
    CasualtyFigure,
    ExternalIdentifier,
    IncidentAlias,
    IncidentReport,
    OfficialStatement,
    Redaction,
    Victim,
)
from ..workflow import aggregate_edit_needs_reviewer, was_public
from .chooser import IncidentChooser
from .forms import COMPACT_TEXT, KeepPublicEvidenceFormSet, QuoteCheckedForm


class LimitedStatementsMixin:
    """A figure may point to the statement that concedes it: offer only the statements that fit the page."""

    def statements_for(self, obj):
        raise NotImplementedError

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # A page that is not saved yet has no statements to point to.
        return fields if obj is not None else [field for field in fields if field != "statement"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("statement")
        if field is not None:
            field.queryset = self.statements_for(obj).select_related("issuer")
            # A plain choice among this page's statements: no buttons to add or edit one elsewhere.
            field.widget = getattr(field.widget, "widget", field.widget)
            # Every row offers the same statements: read them once, not once per row.
            field.choices = list(field.choices)
        return formset


class ChooserMixin:
    """Choosers of reports and incidents: reports named with their source (one query), wide enough to read.

    The incident chooser ranks by closeness to the report (incidents.admin.chooser): to the date typed in
    `incident_date_field` and the report chosen in `incident_report_field` on the same page, or, on a report's
    own page, to that report.
    """

    incident_date_field = ""
    incident_report_field = ""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "report":
            kwargs["queryset"] = db_field.remote_field.model.objects.select_related("source")
        if db_field.name == "incident" and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = IncidentChooser(
                db_field, self.admin_site, using=kwargs.get("using"),
                date_field=self.incident_date_field, report_field=self.incident_report_field,
            )
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in {"report", "incident"} and formfield is not None:
            formfield.widget.attrs["data-width"] = "36em"
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        """Inlines only: on a report's page, the incident chooser of every row ranks by that report."""
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("incident")
        chooser = getattr(getattr(field, "widget", None), "widget", None)
        if isinstance(obj, Report) and obj.pk is not None and isinstance(chooser, IncidentChooser):
            chooser.hints["data-near-report"] = str(obj.pk)
        return formset


class BelligerentRoleInline(admin.TabularInline):
    model = BelligerentRoleLink
    fields = ["actor", "role"]
    autocomplete_fields = ["actor"]
    extra = 1
    verbose_name = gettext_lazy("belligerent")
    verbose_name_plural = gettext_lazy("belligerents and their roles")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class LinkedReportInline(ChooserMixin, admin.TabularInline):
    model = IncidentReport
    fields = ["report", "note"]
    autocomplete_fields = ["report"]
    extra = 0
    verbose_name_plural = gettext_lazy("linked reports (reports cited by a figure or statement are linked automatically)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report__source")


# What a claim records, in the order an editor reads it off a report (after its incident or report).
FIGURE_FIELDS = [
    ("attributed_to", "stated_on", "stated_on_precision"),
    "quote",
    ("basis", "outcome"), ("person_status", "sex", "age_group"), ("profession", "cause"),
    ("qualifier", "count_min", "count_max"),
    ("statement", "conceded_by"),
    ("excluded", "excluded_reason"),
    "notes",
    "confirm_dates",
    "base_updated",
]


class CauseOfferedMixin:
    """A new claim or victim of an incident is offered the cause its event type implies (`choices.cause_for`)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and "cause" in formset.form.base_fields:
            formset.form.base_fields["cause"].initial = choices.cause_for(obj.event_type)
        return formset


class IncidentFigureInline(CauseOfferedMixin, LimitedStatementsMixin, ChooserMixin, admin.StackedInline):
    model = CasualtyFigure
    form = QuoteCheckedForm
    fields = ["report", *FIGURE_FIELDS]
    autocomplete_fields = ["report", "conceded_by"]
    formfield_overrides = COMPACT_TEXT
    extra = 1
    verbose_name_plural = gettext_lazy("casualty figures (one claim per row)")

    def statements_for(self, obj):
        return OfficialStatement.objects.filter(incident=obj) if obj is not None else OfficialStatement.objects.none()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report__source", "statement__issuer")

    def has_delete_permission(self, request, obj=None):
        # A published claim is excluded with a reason, not deleted.
        return not was_public(obj) and super().has_delete_permission(request, obj)


class IncidentStatementInline(ChooserMixin, admin.StackedInline):
    model = OfficialStatement
    form = QuoteCheckedForm
    fields = ["issuer", ("stated_on", "stated_on_precision", "stance"), "reason", "report", "quote", "summary", "confirm_dates", "base_updated"]
    autocomplete_fields = ["issuer", "report"]
    formfield_overrides = COMPACT_TEXT
    extra = 0
    verbose_name_plural = gettext_lazy("official statements (the latest per issuer is its current position)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("issuer", "report__source")

    def has_delete_permission(self, request, obj=None):
        return not was_public(obj) and super().has_delete_permission(request, obj)


class VictimInline(CauseOfferedMixin, ChooserMixin, admin.StackedInline):
    model = Victim
    fields = [
        ("name", "name_ar"),
        ("sex", "age", "age_band", "person_status", "outcome"),
        ("profession", "cause"),
        ("family_group", "visibility"),
        "report",
        "notes",
    ]
    autocomplete_fields = ["report"]
    formfield_overrides = COMPACT_TEXT
    extra = 0
    verbose_name_plural = gettext_lazy("victims (named, or known by role only: leave the name empty and say what is known)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report__source")


class ExternalIdentifierInline(admin.TabularInline):
    model = ExternalIdentifier
    fields = ["dataset", "identifier", "url"]
    formfield_overrides = HTTPS_URLS
    extra = 0
    verbose_name_plural = gettext_lazy("external identifiers (the same incident in other datasets)")


class RedactionInline(admin.TabularInline):
    """Marks withdrawing a field's earlier values from public history (`incidents.redaction`); the exact values stay
    in this admin's history views."""

    model = Redaction
    fields = ["field", "marked_at", "reason", "marked_by"]
    readonly_fields = ["marked_by"]
    extra = 0
    verbose_name_plural = gettext_lazy("redactions (earlier values of these fields read “redacted” in public history)")


class AliasInline(admin.TabularInline):
    model = IncidentAlias
    fields = ["code", "created_at"]
    readonly_fields = ["code", "created_at"]
    extra = 0
    verbose_name_plural = gettext_lazy("former codes (aliases, kept after a merge; read-only)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReportIncidentInline(ChooserMixin, admin.TabularInline):
    model = IncidentReport
    incident_date_field = "published_on"  # the report's own field, on the same page
    fields = ["incident", "note"]
    autocomplete_fields = ["incident"]
    extra = 0
    verbose_name = gettext_lazy("incident covered")
    verbose_name_plural = gettext_lazy("incidents covered (incidents with a figure or statement below are linked automatically)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("incident")


class ReportFigureInline(LimitedStatementsMixin, ChooserMixin, admin.StackedInline):
    model = CasualtyFigure
    incident_date_field = "published_on"  # the report's own field, on the same page
    form = QuoteCheckedForm
    formset = KeepPublicEvidenceFormSet
    fields = ["incident", *FIGURE_FIELDS]
    autocomplete_fields = ["incident", "conceded_by"]
    formfield_overrides = COMPACT_TEXT
    extra = 1
    verbose_name_plural = gettext_lazy("casualty figures this report states (one claim per row)")

    def statements_for(self, obj):
        return OfficialStatement.objects.filter(report=obj) if obj is not None else OfficialStatement.objects.none()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("incident", "statement__issuer")


class ReportStatementInline(ChooserMixin, admin.StackedInline):
    model = OfficialStatement
    incident_date_field = "published_on"  # the report's own field, on the same page
    form = QuoteCheckedForm
    formset = KeepPublicEvidenceFormSet
    fields = [
        "incident", "issuer", ("stated_on", "stated_on_precision", "stance"), "reason", "quote", "summary", "confirm_dates", "base_updated",
    ]
    autocomplete_fields = ["incident", "issuer"]
    formfield_overrides = COMPACT_TEXT
    extra = 0
    verbose_name_plural = gettext_lazy("official statements this report carries")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("incident", "issuer")


class ReportAggregateClaimInline(admin.StackedInline):
    model = AggregateClaim
    form = QuoteCheckedForm
    fields = [
        ("period_start", "period_end", "period_precision"),
        ("area", "countries"),
        ("actor", "conflicts"),
        "measure",
        ("basis", "outcome"), ("person_status", "sex", "age_group"), ("profession", "cause"),
        ("qualifier", "count_min", "count_max", "count_best"),
        ("attributed_to", "stated_on", "stated_on_precision"),
        "quote",
        "caveat",
        ("status", "excluded", "excluded_reason"),
        "base_updated",
    ]
    # The status moves only through the workflow (submit, publish) on the aggregate claim's own page or list.
    readonly_fields = ["status"]
    autocomplete_fields = ["actor", "conflicts"]
    formfield_overrides = COMPACT_TEXT
    extra = 0
    verbose_name_plural = gettext_lazy("aggregate claims this report states (a period and area, never added to incidents)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor").prefetch_related("conflicts")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        user = request.user

        class PublishedAggregatesHeld(formset):
            """A published aggregate claim changes only by a reviewer's hand, on this page too (a crafted POST included)."""

            def clean(self):
                super().clean()
                for form in self.forms:
                    claim = form.instance if form.instance.pk is not None else None
                    changed = form.has_changed() or form in self.deleted_forms
                    if changed and claim is not None and aggregate_edit_needs_reviewer(user=user, claim=claim):
                        raise ValidationError(
                            "Aggregate claim “%(claim)s” is published: only a reviewer may change or delete it.",
                            params={"claim": claim},
                        )

        return PublishedAggregatesHeld

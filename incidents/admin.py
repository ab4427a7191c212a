"""The editors' interface: incidents with their claims, statements and belligerents, and every other record.

Every admin keeps a change history (django-simple-history). Derived figures are
never typed: claims, statements and report links are saved through their
services (`incidents.services`), which recompute the figures in the same
transaction as the edit, once per page saved; they are shown read-only with the
rule that derives them.
"""

import datetime
import inspect

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from . import choices, dashboard, display, duplicates, locking, merge, services, workflow
from .models import (
    Actor,
    AggregateClaim,
    BelligerentRoleLink,
    CasualtyFigure,
    Conflict,
    ExternalIdentifier,
    Incident,
    IncidentAlias,
    IncidentReport,
    OfficialStatement,
    Victim,
    check_quote,
)
from .services import deferred_recompute, derive_figures, figures_changed
from .workflow import was_public

COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 80})}}
# Links typed without a scheme are read as https (Django 6's default).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


def describe_range(low: int | None, high: int | None) -> str:
    """A stored min/max pair as the public pages write it (`display.format_range`); an empty cell is “—”."""
    return "—" if low is None and high is None else display.format_range(low, high)


# Claims, statements and report links are written through their services (each re-derives the incident's
# figures); the admin pages below save and delete them only through these.
EVIDENCE_WRITES = {
    CasualtyFigure: (lambda obj: services.save_claim(claim=obj), lambda obj: services.delete_claim(claim=obj)),
    OfficialStatement: (lambda obj: services.save_statement(statement=obj), lambda obj: services.delete_statement(statement=obj)),
    IncidentReport: (lambda obj: services.save_report_link(link=obj), lambda obj: services.unlink_report(link=obj)),
}


class EvidenceWritesMixin:
    """Saves of a page (the record and all its inline rows) re-derive each touched incident once, at the end."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with deferred_recompute():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_formset(self, request, form, formset, change):
        writes = EVIDENCE_WRITES.get(formset.model)
        if writes is None:
            return super().save_formset(request, form, formset, change)
        save, delete = writes
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete(obj)
        for obj in instances:
            save(obj)
        formset.save_m2m()
        return None

    def save_model(self, request, obj, form, change):
        writes = EVIDENCE_WRITES.get(type(obj))
        if writes is None:
            return super().save_model(request, obj, form, change)
        return writes[0](obj)

    def delete_model(self, request, obj):
        writes = EVIDENCE_WRITES.get(type(obj))
        if writes is None:
            return super().delete_model(request, obj)
        return writes[1](obj)

    def delete_queryset(self, request, queryset):
        writes = EVIDENCE_WRITES.get(queryset.model)
        if writes is None:
            return super().delete_queryset(request, queryset)
        with deferred_recompute():
            for obj in queryset:
                writes[1](obj)
        return None


def methodology_link() -> str:
    """A link to the public methodology page's figure rules (absent where the public site is not mounted)."""
    try:
        url = reverse("methodology")
    except NoReverseMatch:
        return ""
    return format_html(' See the <a href="{}#figure-rules" target="_blank">methodology page</a>.', url)


CONFLICT_FOOTER = (
    "Nothing was saved: what you typed is still in the form. Compare it with the changes above, adjust it if "
    "needed, then save again: the next save keeps what the form shows."
)


class LockedFormMixin:
    """Optimistic locking: hidden fields carry the state the form was opened at; they are never a change."""

    lock_fields: tuple[str, ...] = ()

    def change_reference(self) -> dict | None:
        """The values the user started from, when they are not the stored ones (the record changed meanwhile)."""
        return None

    @cached_property
    def changed_data(self):
        reference = self.change_reference()
        if reference is None:
            return [name for name, field in self._bound_items() if name not in self.lock_fields and field._has_changed()]
        # Changed by this user: different from what the page showed them, not from what is stored now.
        return [
            name for name, field in self._bound_items()
            if name not in self.lock_fields and field.field.has_changed(reference.get(name), field.data)
        ]

    def refresh_lock(self, **values):
        """After a conflict, the form shown again carries the current state: saving it again is a decision."""
        self.data = self.data.copy()
        for name, value in values.items():
            self.data[self.add_prefix(name)] = "" if value is None else str(value)


class QuoteCheckedForm(LockedFormMixin, forms.ModelForm):
    """A claim or statement form that also checks its quote against a report added in the same page.

    The model's clean() checks quotes against a saved report; on the report's add
    page the report is not saved yet when its inline rows are validated, so the
    same check (`check_quote`) is run here against the report being added.

    A saved row carries the time it was last changed (`base_updated`): a change to a row that someone else
    changed after the page was opened is refused, with what they changed.
    """

    base_updated = forms.CharField(widget=forms.HiddenInput, required=False)
    lock_fields = ("base_updated",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.updated_at is not None:
            self.initial["base_updated"] = self.instance.updated_at.isoformat()

    @cached_property
    def _stale_since(self) -> tuple[datetime.datetime | None, str] | None:
        """(when the page showed the row, its stamp now) if someone changed the row after the page was opened."""
        posted = self.data.get(self.add_prefix("base_updated"), "") if self.is_bound else ""
        current = self.instance.updated_at.isoformat() if self.instance.pk is not None and self.instance.updated_at else ""
        if not posted or not current or posted == current:
            return None
        try:
            return datetime.datetime.fromisoformat(posted), current
        except ValueError:
            return None, current

    def change_reference(self):
        if self._stale_since is None or self._stale_since[0] is None:
            return None
        base = self.instance.history.filter(updated_at=self._stale_since[0]).order_by("-history_id").first()
        if base is None:
            return None
        reference = model_to_dict(base.instance, fields=[name for name in self.fields if name not in self.lock_fields])
        return {**reference, "DELETE": False}

    def _check_not_stale(self):
        # A row the user left as the page showed it is not saved (the other change stays); a row they changed is refused.
        # The stamp is compared under the row's lock, inside the save transaction (locking.check_stamp).
        posted = self.data.get(self.add_prefix("base_updated"), "") if self.is_bound else ""
        if self.instance.pk is None or not posted or not self.has_changed():
            return
        try:
            locking.check_stamp(type(self.instance), self.instance.pk, posted)
        except locking.StaleEdit as stale:
            try:
                base = datetime.datetime.fromisoformat(posted)
            except ValueError:
                base = None
            lines = workflow.row_changes_since(self.instance, base)
            self.refresh_lock(base_updated=stale.current)
            raise ValidationError(
                [f"“{self.instance}” was changed by someone else after you opened this page.", *lines, CONFLICT_FOOTER]
            ) from None
        except type(self.instance).DoesNotExist:
            pass

    def clean(self):
        cleaned_data = super().clean()
        self._check_not_stale()
        report = cleaned_data.get("report")
        if isinstance(report, models.Model) and report.pk is None:
            try:
                check_quote(cleaned_data.get("quote", ""), report)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned_data


class KeepPublicEvidenceFormSet(forms.BaseInlineFormSet):
    """Rows of claims about several incidents: refuse to delete one whose incident the public has seen."""

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk is not None and was_public(form.instance.incident):
                raise ValidationError(
                    "“%(row)s” is about a published incident: it cannot be deleted. Mark it excluded, with a reason, instead.",
                    params={"row": form.instance},
                )


def publish_protected(request, readonly_fields) -> list:
    """An aggregate claim's status is a publication: only reviewers (publish_incident) change it."""
    if request.user.has_perm("incidents.publish_incident"):
        return list(readonly_fields)
    return [*readonly_fields, "status"]


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
    """Choosers of reports and incidents: reports named with their source (one query), wide enough to read."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "report":
            kwargs["queryset"] = db_field.remote_field.model.objects.select_related("source")
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in {"report", "incident"} and formfield is not None:
            formfield.widget.attrs["data-width"] = "36em"
        return formfield


# Inlines of the incident page. Linked reports come before figures and statements on purpose:
# saving a figure links its report automatically, so an explicit link must be saved first.


class BelligerentRoleInline(admin.TabularInline):
    model = BelligerentRoleLink
    fields = ["actor", "role"]
    autocomplete_fields = ["actor"]
    extra = 1
    verbose_name = "belligerent"
    verbose_name_plural = "belligerents and their roles"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class LinkedReportInline(ChooserMixin, admin.TabularInline):
    model = IncidentReport
    fields = ["report", "note"]
    autocomplete_fields = ["report"]
    extra = 0
    verbose_name_plural = "linked reports (reports cited by a figure or statement are linked automatically)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report__source")


# What a claim records, in the order an editor reads it off a report (after its incident or report).
FIGURE_FIELDS = [
    ("attributed_to", "stated_on"),
    "quote",
    ("basis", "outcome", "group"),
    ("qualifier", "count_min", "count_max"),
    "statement",
    ("excluded", "excluded_reason"),
    "notes",
    "base_updated",
]


class IncidentFigureInline(LimitedStatementsMixin, ChooserMixin, admin.StackedInline):
    model = CasualtyFigure
    form = QuoteCheckedForm
    fields = ["report", *FIGURE_FIELDS]
    autocomplete_fields = ["report"]
    formfield_overrides = COMPACT_TEXT
    extra = 1
    verbose_name_plural = "casualty figures (one claim per row)"

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
    fields = ["issuer", ("stated_on", "stance"), "report", "quote", "summary", "base_updated"]
    autocomplete_fields = ["issuer", "report"]
    formfield_overrides = COMPACT_TEXT
    extra = 0
    verbose_name_plural = "official statements (the latest per issuer is its current position)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("issuer", "report__source")

    def has_delete_permission(self, request, obj=None):
        return not was_public(obj) and super().has_delete_permission(request, obj)


class VictimInline(ChooserMixin, admin.StackedInline):
    model = Victim
    fields = [
        ("name", "name_ar"),
        ("sex", "age", "age_band", "outcome"),
        ("family_group", "visibility"),
        "report",
        "notes",
    ]
    autocomplete_fields = ["report"]
    formfield_overrides = COMPACT_TEXT
    extra = 0
    verbose_name_plural = "named victims"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report__source")


class ExternalIdentifierInline(admin.TabularInline):
    model = ExternalIdentifier
    fields = ["dataset", "identifier", "url"]
    formfield_overrides = HTTPS_URLS
    extra = 0
    verbose_name_plural = "external identifiers (the same incident in other datasets)"


class AliasInline(admin.TabularInline):
    model = IncidentAlias
    fields = ["code", "created_at"]
    readonly_fields = ["code", "created_at"]
    extra = 0
    verbose_name_plural = "former codes (aliases, kept after a merge; read-only)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Inlines of the report page: the report-with-figures flow, each claim chosen for its incident.


class ReportIncidentInline(ChooserMixin, admin.TabularInline):
    model = IncidentReport
    fields = ["incident", "note"]
    autocomplete_fields = ["incident"]
    extra = 0
    verbose_name = "incident covered"
    verbose_name_plural = "incidents covered (incidents with a figure or statement below are linked automatically)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("incident")


class ReportFigureInline(LimitedStatementsMixin, ChooserMixin, admin.StackedInline):
    model = CasualtyFigure
    form = QuoteCheckedForm
    formset = KeepPublicEvidenceFormSet
    fields = ["incident", *FIGURE_FIELDS]
    autocomplete_fields = ["incident"]
    formfield_overrides = COMPACT_TEXT
    extra = 1
    verbose_name_plural = "casualty figures this report states (one claim per row)"

    def statements_for(self, obj):
        return OfficialStatement.objects.filter(report=obj) if obj is not None else OfficialStatement.objects.none()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("incident", "statement__issuer")


class ReportStatementInline(ChooserMixin, admin.StackedInline):
    model = OfficialStatement
    form = QuoteCheckedForm
    formset = KeepPublicEvidenceFormSet
    fields = ["incident", "issuer", ("stated_on", "stance"), "quote", "summary", "base_updated"]
    autocomplete_fields = ["incident", "issuer"]
    formfield_overrides = COMPACT_TEXT
    extra = 0
    verbose_name_plural = "official statements this report carries"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("incident", "issuer")


class ReportAggregateClaimInline(admin.StackedInline):
    model = AggregateClaim
    form = QuoteCheckedForm
    fields = [
        ("period_start", "period_end"),
        ("area", "countries"),
        ("actor", "conflict"),
        ("basis", "outcome", "group"),
        ("qualifier", "count_min", "count_max"),
        ("attributed_to", "stated_on"),
        "quote",
        ("status", "excluded", "excluded_reason"),
        "base_updated",
    ]
    autocomplete_fields = ["actor", "conflict"]
    formfield_overrides = COMPACT_TEXT
    extra = 0
    verbose_name_plural = "aggregate claims this report states (a period and area, never added to incidents)"

    def get_readonly_fields(self, request, obj=None):
        return publish_protected(request, super().get_readonly_fields(request, obj))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "conflict")


# The incident.


def derived_description() -> str:
    return format_html(
        "<p>Never typed: recomputed from the claims and statements below whenever one of them changes, in the same "
        "save. Reported ranges are the envelope of the <strong>non-excluded</strong> claims reported by sources "
        "(lowest minimum, highest maximum; an open claim counts its minimum); conceded figures are the latest "
        "concession by a belligerent; the official position is the latest statement.{}</p>"
        "<details><summary>The rule, as the code applies it (incidents.services.derive_figures)</summary>{}</details>",
        methodology_link(),
        format_html_join("", "<p>{}</p>", ((" ".join(paragraph.split()),) for paragraph in inspect.getdoc(derive_figures).split("\n\n"))),
    )


def grade_description() -> str:
    return format_html(
        "<dl>{}</dl>",
        format_html_join(
            "", "<dt><strong>{}</strong></dt><dd>{}</dd>",
            ((choices.Grade(grade).label, definition) for grade, definition in choices.GRADE_DEFINITIONS.items()),
        ),
    )


DERIVED_FIELDS = [
    "code",
    ("reported_killed_min", "reported_killed_max"),
    ("conceded_killed_min", "conceded_killed_max"),
    ("reported_injured_min", "reported_injured_max"),
    ("conceded_injured_min", "conceded_injured_max"),
    ("children_killed_min", "children_killed_max"),
    ("women_killed_min", "women_killed_max"),
    ("latest_stance", "sources_count"),
    ("version", "published_at"),
    ("created_by", "created_at"),
    ("updated_by", "updated_at"),
]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), required=False,
        help_text="Why: kept in the incident's history. A retraction's reason is public: it is shown on the incident's page.",
    )

    def __init__(self, *args, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


class IncidentForm(LockedFormMixin, forms.ModelForm):
    """The incident form. It carries the version it was opened at: a save over a newer version is refused.

    The version counts saves of the incident itself (this form, workflow steps, merges), not the re-derived
    figures: a claim added on a report's page does not make an open incident page stale. Claims and
    statements shown on the page carry their own stamp (QuoteCheckedForm).
    """

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    base_history = forms.IntegerField(widget=forms.HiddenInput, required=False)
    lock_fields = ("base_version", "base_history")
    # Off for a revert from the history page, which is an explicit choice of an old version.
    check_version = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["base_version"] = self.instance.version
            self.initial["base_history"] = _latest_history_id(self.instance)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None and self.check_version:
            # The admin validates and saves in one transaction: the row stays locked until this save commits,
            # so of two saves at once the second waits, then reads the first's version.
            try:
                locking.check_version(Incident, self.instance.pk, cleaned_data.get("base_version"))
            except locking.StaleEdit as stale:
                lines = workflow.incident_changes_since(self.instance, cleaned_data.get("base_history"))
                self.refresh_lock(base_version=stale.current, base_history=_latest_history_id(self.instance))
                raise ValidationError(["Someone else saved this incident after you opened it.", *lines, CONFLICT_FOOTER]) from None
            except Incident.DoesNotExist:
                pass
        return cleaned_data


def _latest_history_id(incident: Incident) -> int | None:
    return incident.history.order_by("-history_id").values_list("history_id", flat=True).first()


class AttentionFilter(admin.SimpleListFilter):
    """The dashboard's queues, as a filter of the incident list."""

    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("stale_drafts", f"drafts untouched for {dashboard.STALE_DAYS} days"), ("ungraded", "claims but no grade")]

    def queryset(self, request, queryset):
        if self.value() == "stale_drafts":
            return dashboard.stale_drafts(queryset)
        if self.value() == "ungraded":
            return dashboard.ungraded_with_claims(queryset)
        return queryset


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label="Keep")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}), required=False,
        help_text="Why they are the same incident; kept in both histories (and public if the merged record was published).",
    )

    def __init__(self, *args, incidents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(incident.pk, str(incident)) for incident in incidents]


# Fields the incident form never writes: the workflow (incidents.workflow) sets them, step by step.
WORKFLOW_FIELDS = ["status", "retraction_reason", "published_at"]


def _workflow_action(step: workflow.Transition):
    """An action of the incident list taking one workflow step for each selected incident."""

    def action(modeladmin, request, queryset):
        if step.needs_reason:
            return modeladmin.reason_page(request, queryset, step)
        modeladmin.run_step(request, queryset, step)
        return None

    action.__name__ = step.action_name
    return admin.action(description=f"{step.label} (selected incidents)", permissions=[step.action_name])(action)


@admin.register(Incident)
class IncidentAdmin(EvidenceWritesMixin, SimpleHistoryAdmin):
    list_display = ["code", "title", "date_start", "place_display", "status", "grade", "reported_display", "conceded_display"]
    list_display_links = ["code", "title"]
    list_filter = ["status", AttentionFilter, "grade", "country", "conflict", "belligerents", "event_type"]
    search_fields = [
        "code", "title",
        "locality", "admin1", "admin2", "neighbourhood", "place_name_ar",
        "external_ids__identifier", "aliases__code",
    ]
    search_help_text = "Code (or a former code), title, place, or an id in another dataset (UCDP, Airwars…)."
    # No column reads another table (derived figures are stored on the row): a page is one query, however long.
    list_per_page = 50
    # Counting a million rows twice per page helps nobody.
    show_full_result_count = False
    autocomplete_fields = ["conflict", "related"]
    readonly_fields = [field for row in DERIVED_FIELDS for field in (row if isinstance(row, tuple) else (row,))]
    inlines = [
        BelligerentRoleInline,
        LinkedReportInline,
        IncidentFigureInline,
        IncidentStatementInline,
        VictimInline,
        ExternalIdentifierInline,
        AliasInline,
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}}
    actions = [*(_workflow_action(step) for step in workflow.TRANSITIONS), "merge_selected"]
    form = IncidentForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if getattr(request, "reverting_incident", False):
            form = type(form.__name__, (form,), {"check_version": False})
        return form

    # Workflow: the status is never a form field; each step is a button (or an action) that calls the service.

    def get_readonly_fields(self, request, obj=None):
        fields = [*self.readonly_fields, "status", "retraction_reason"]
        if not request.user.has_perm("incidents.grade_incident"):
            fields.append("grade")
        return fields

    def get_urls(self):
        return [
            path("<path:object_id>/workflow/<str:step>/", self.admin_site.admin_view(self.workflow_view), name="incidents_incident_workflow"),
            path("<path:object_id>/relate/<path:other_id>/", self.admin_site.admin_view(self.link_related_view),
                 name="incidents_incident_relate"),
            *super().get_urls(),
        ]

    def run_step(self, request, queryset, step: workflow.Transition, reason: str = "") -> None:
        """Take the step for each incident; say which were moved and why the others were not."""
        done = []
        for incident in queryset.order_by("pk"):
            try:
                done.append(workflow.transition_incident(incident=incident, name=step.name, user=request.user, reason=reason).code)
            except workflow.TransitionRefused as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
        if done:
            self.message_user(request, f"{step.done.capitalize()}: {', '.join(done)}.", messages.SUCCESS)

    def reason_page(self, request, queryset, step: workflow.Transition):
        """The intermediate page of an action that needs a reason (a retraction's is public)."""
        form = ReasonForm(request.POST if "confirm" in request.POST else None, required=step.needs_reason)
        if form.is_bound and form.is_valid():
            self.run_step(request, queryset, step, form.cleaned_data["reason"])
            return None
        return TemplateResponse(request, "admin/incidents/incident/workflow_confirm.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": f"{step.label}: give a reason", "step": step, "form": form,
            "incidents": queryset, "action": step.action_name,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        })

    @admin.action(description="Merge two selected incidents…", permissions=["merge"])
    def merge_selected(self, request, queryset):
        """Merge exactly two incidents: a confirmation page chooses the one to keep and shows what moves."""
        incidents = list(queryset.order_by("pk")[:3])
        if len(incidents) != 2:
            self.message_user(request, "Select exactly two incidents to merge.", messages.ERROR)
            return None
        published = [incident for incident in incidents if was_public(incident)]
        # By default the record the public has seen, else the older one, is kept.
        default_keep = (published or incidents)[0]
        form = MergeForm(request.POST if "confirm" in request.POST else None, incidents=incidents, initial={"keep": default_keep.pk})
        if form.is_bound and form.is_valid():
            keep = next(incident for incident in incidents if incident.pk == int(form.cleaned_data["keep"]))
            other = next(incident for incident in incidents if incident.pk != keep.pk)
            old_code = other.code
            try:
                kept = merge.merge_incidents(keep=keep, merge=other, user=request.user, reason=form.cleaned_data["reason"])
            except merge.MergeRefused as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
                return None
            self.message_user(request, f"{old_code} was merged into {kept.code}; {old_code} now redirects to it.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:incidents_incident_change", args=[kept.pk]))
        return TemplateResponse(request, "admin/incidents/incident/merge_confirm.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": "Merge two incidents", "form": form,
            "incidents": [(incident, merge.merge_summary(incident)) for incident in incidents],
            "selected": [incident.pk for incident in incidents], "action": "merge_selected",
        })

    def has_merge_permission(self, request):
        return request.user.has_perm("incidents.merge_incident")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.warn_duplicates(request, form.instance)

    def warn_duplicates(self, request, incident):
        """Possible duplicates of the incident just saved, with links (rule: incidents.duplicates)."""
        candidates = duplicates.possible_duplicates(incident)
        if not candidates:
            return
        links = format_html_join(
            "; ", '<a href="{}">{}</a> “{}” ({}: {})',
            ((reverse("admin:incidents_incident_change", args=[c.incident.pk]), c.incident.code, c.incident.title,
              c.incident.get_status_display(), ", ".join(c.reasons)) for c in candidates),
        )
        self.message_user(request, format_html(
            "Possible duplicates of {}: {}. If one records the same event, merge them (select both in the list, "
            "action “Merge two selected incidents”), or link them under “related” if they are distinct records of one strike.",
            incident.code, links,
        ), messages.WARNING)

    def workflow_view(self, request, object_id, step):
        """One step for one incident: a confirmation page (with a reason), then the service. Refused on the server."""
        incident = self.get_object(request, unquote(object_id))
        chosen = workflow.TRANSITIONS_BY_NAME.get(step)
        if incident is None or chosen is None:
            raise Http404("No such incident or workflow step.")
        if not request.user.has_perms(chosen.permissions):
            raise PermissionDenied(f"You may not {chosen.label.lower()} incidents.")
        change_url = reverse("admin:incidents_incident_change", args=[incident.pk])
        form = ReasonForm(request.POST if request.method == "POST" else None, required=chosen.needs_reason)
        if request.method == "POST" and form.is_valid():
            try:
                workflow.transition_incident(incident=incident, name=chosen.name, user=request.user, reason=form.cleaned_data["reason"])
            except workflow.TransitionRefused as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
            else:
                self.message_user(request, f"{incident.code} {chosen.done}.", messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        return TemplateResponse(request, "admin/incidents/incident/workflow_confirm.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": f"{chosen.label}: {incident}", "step": chosen, "form": form,
            "incidents": [incident], "original": incident, "change_url": change_url,
        })

    def change_view(self, request, object_id, form_url="", extra_context=None):
        incident = self.get_object(request, unquote(object_id))
        steps = workflow.allowed_transitions(user=request.user, incident=incident) if incident is not None else []
        candidates = duplicates.possible_duplicates(incident) if incident is not None and request.method == "GET" else []
        return super().change_view(request, object_id, form_url, {
            **(extra_context or {}), "workflow_steps": steps, "possible_duplicates": candidates,
            "may_link": incident is not None and self.has_change_permission(request, incident),
            "may_merge": self.has_merge_permission(request),
        })

    def link_related_view(self, request, object_id, other_id):
        """Link a possible duplicate as a related record of the same event, without merging (POST only)."""
        incident, other = self.get_object(request, unquote(object_id)), self.get_object(request, unquote(other_id))
        if incident is None or other is None or incident.pk == other.pk:
            raise Http404("No such incidents.")
        if request.method != "POST" or not self.has_change_permission(request, incident):
            raise PermissionDenied
        incident.related.add(other)
        self.message_user(request, f"{other.code} is now linked to {incident.code} as a related record.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:incidents_incident_change", args=[incident.pk]))

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            ("What", {"fields": ["title", "summary", ("event_type", "event_type_inferred"), ("base_version", "base_history")]}),
            ("When", {"fields": [("date_start", "date_end"), "date_precision"]}),
            ("Where", {"fields": [
                "country", ("admin1", "admin2"), ("locality", "neighbourhood"), "place_name_ar",
                ("latitude", "longitude"), "geo_precision",
            ]}),
            ("Who", {
                "fields": ["conflict", "related"],
                "description": "The belligerents and their roles (alleged or acknowledged) are listed below the form.",
            }),
            ("Grade & status", {"fields": ["grade", "status", "retraction_reason"], "description": grade_description()}),
        ]
        if obj is not None:
            fieldsets.append(("Derived figures (read-only)", {"fields": DERIVED_FIELDS, "description": derived_description()}))
        return fieldsets

    def get_inlines(self, request, obj):
        # A new incident has no former codes.
        return [inline for inline in self.inlines if obj is not None or inline is not AliasInline]

    @admin.display(description="place", ordering="locality")
    def place_display(self, obj):
        # Short enough for a list: the most precise part, the town (or the division), the country.
        town = obj.locality or obj.admin2 or obj.admin1
        return ", ".join(part for part in dict.fromkeys((obj.neighbourhood, town, obj.country)) if part) or "—"

    @admin.display(description="reported killed", ordering="reported_killed_max")
    def reported_display(self, obj):
        return describe_range(obj.reported_killed_min, obj.reported_killed_max)

    @admin.display(description="conceded killed", ordering="conceded_killed_max")
    def conceded_display(self, obj):
        return describe_range(obj.conceded_killed_min, obj.conceded_killed_max)

    def save_model(self, request, obj, form, change):
        # The form never changes the workflow fields, nor the grade without the right to grade; neither does a
        # revert from the history page (which saves every column of an old version): they are kept as stored.
        protected = [*WORKFLOW_FIELDS] + ([] if request.user.has_perm("incidents.grade_incident") else ["grade"])
        if not change:
            obj.created_by = request.user
            defaults = Incident()
            for name in protected:
                setattr(obj, name, getattr(defaults, name))
        else:
            stored = Incident.objects.filter(pk=obj.pk).values("version", *protected).get()
            # A revert from the history page brings no version (it is not kept in the history): keep counting.
            obj.version = stored.pop("version")
            for name, value in stored.items():
                setattr(obj, name, value)
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        # The form saves every column, derived ones included: re-derive them. On the change page this waits for the
        # inline rows (one recompute per save, EvidenceWritesMixin); a revert from the history page saves nothing else.
        figures_changed(incident_id=obj.pk)

    @transaction.atomic
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.reverting_incident = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_delete_permission(self, request, obj=None):
        # Nothing published is ever hard-deleted: it is retracted, with a public reason.
        return not was_public(obj) and super().has_delete_permission(request, obj)

    # Who may take each workflow step from the list (the service checks again, per incident).
    def has_workflow_submit_permission(self, request):
        return request.user.has_perms(workflow.TRANSITIONS_BY_NAME["submit"].permissions)

    def has_workflow_return_to_draft_permission(self, request):
        return request.user.has_perms(workflow.TRANSITIONS_BY_NAME["return_to_draft"].permissions)

    def has_workflow_publish_permission(self, request):
        return request.user.has_perms(workflow.TRANSITIONS_BY_NAME["publish"].permissions)

    def has_workflow_retract_permission(self, request):
        return request.user.has_perms(workflow.TRANSITIONS_BY_NAME["retract"].permissions)

    def has_workflow_restore_permission(self, request):
        return request.user.has_perms(workflow.TRANSITIONS_BY_NAME["restore"].permissions)


# Everything else.


@admin.register(Conflict)
class ConflictAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "ucdp_conflict_id"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "parent", "country"]
    list_filter = ["kind", "country"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(CasualtyFigure)
class CasualtyFigureAdmin(EvidenceWritesMixin, ChooserMixin, SimpleHistoryAdmin):
    form = QuoteCheckedForm
    list_display = ["incident", "attributed_to", "count_display", "group", "outcome", "basis", "stated_on", "report", "excluded"]
    list_filter = ["basis", "outcome", "group", "qualifier", "excluded", "incident__status"]
    list_select_related = ["incident", "report__source"]
    search_fields = ["incident__code", "incident__title", "attributed_to", "quote", "report__title"]
    autocomplete_fields = ["incident", "report", "statement"]
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
    list_display = ["name", "name_ar", "incident", "outcome", "sex", "age", "age_band", "visibility"]
    list_filter = ["visibility", "outcome", "sex", "age_band"]
    list_select_related = ["incident"]
    search_fields = ["name", "name_ar", "family_group", "incident__code", "incident__title"]
    autocomplete_fields = ["incident", "report"]
    fields = [
        "incident", ("name", "name_ar"), ("sex", "age", "age_band", "outcome"), ("family_group", "visibility"), "report", "notes",
    ]


@admin.register(ExternalIdentifier)
class ExternalIdentifierAdmin(ChooserMixin, SimpleHistoryAdmin):
    list_display = ["identifier", "dataset", "incident", "link_display"]
    list_filter = ["dataset"]
    list_select_related = ["incident"]
    search_fields = ["identifier", "incident__code", "incident__title"]
    autocomplete_fields = ["incident"]
    formfield_overrides = HTTPS_URLS

    @admin.display(description="link")
    def link_display(self, obj):
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.link, obj.link) if obj.link else "—"


@admin.register(BelligerentRoleLink)
class BelligerentRoleLinkAdmin(ChooserMixin, SimpleHistoryAdmin):
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

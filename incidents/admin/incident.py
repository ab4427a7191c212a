"""The incident's admin page: the record with its claims and statements, the workflow, merges, history."""

import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from .. import dashboard, duplicates, merge, services, workflow
from ..models import (
    Incident,
)
from ..services import figures_changed
from ..translated import ArabicFieldsAdminMixin
from ..workflow import was_public
from . import chooser, imports
from .bulk import bulk_step
from .forms import ISO_DATES, IncidentForm, MergeForm, ReasonForm, derived_description, describe_range, grade_description
from .inlines import (
    AliasInline,
    BelligerentRoleInline,
    ExternalIdentifierInline,
    IncidentFigureInline,
    IncidentStatementInline,
    LinkedReportInline,
    RedactionInline,
    VictimInline,
)
from .writes import EvidenceWritesMixin

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


class AttentionFilter(admin.SimpleListFilter):
    """The dashboard's queues, as a filter of the incident list."""

    title = gettext_lazy("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("stale_drafts", f"drafts untouched for {dashboard.STALE_DAYS} days"), ("ungraded", "claims but no grade")]

    def queryset(self, request, queryset):
        if self.value() == "stale_drafts":
            return dashboard.stale_drafts(queryset)
        if self.value() == "ungraded":
            return dashboard.ungraded_with_claims(queryset)
        return queryset


# Fields the incident form never writes: the workflow (incidents.workflow) sets them, step by step.
WORKFLOW_FIELDS = ["status", "retraction_reason", "published_at"]


def _workflow_action(step: workflow.Transition):
    """An action of the incident list taking one workflow step for each selected incident."""

    def action(modeladmin, request, queryset):
        if step.needs_reason:
            return modeladmin.reason_page(request, queryset, step)
        return modeladmin.run_step(request, queryset, step)

    action.__name__ = step.action_name
    return admin.action(description=format_lazy(gettext_lazy("{step} (selected incidents)"), step=step.label),
                        permissions=[step.action_name])(action)


@admin.register(Incident)
class IncidentAdmin(ArabicFieldsAdminMixin, EvidenceWritesMixin, SimpleHistoryAdmin):
    list_display = ["code", "title", "date_start", "place_display", "status", "grade", "reported_display", "conceded_display"]
    list_display_links = ["code", "title"]
    list_filter = ["status", AttentionFilter, "grade", "country", "conflict", "belligerents", "event_type"]
    search_fields = [
        "code", "title", "title_ar",
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
        RedactionInline,
        AliasInline,
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}, **ISO_DATES}
    actions = [*(_workflow_action(step) for step in workflow.TRANSITIONS), "merge_selected"]
    form = IncidentForm

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete of every page that names an incident: ranked by the report being entered, bounded.
        if chooser.is_chooser_request(request):
            return chooser.choose(queryset, search_term, chooser.near_from(request.GET)), False
        return super().get_search_results(request, queryset, search_term)

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
            path("import/", self.admin_site.admin_view(functools.partial(imports.import_view, self)), name="incidents_incident_import"),
            path("<path:object_id>/workflow/<str:step>/", self.admin_site.admin_view(self.workflow_view), name="incidents_incident_workflow"),
            path("<path:object_id>/relate/<path:other_id>/", self.admin_site.admin_view(self.link_related_view),
                 name="incidents_incident_relate"),
            *super().get_urls(),
        ]

    def run_step(self, request, queryset, step: workflow.Transition, reason: str = ""):
        """Take the step for each incident (a large selection as a background job); say in a sentence what was done."""
        return bulk_step(self, request, target="incident", step=step, queryset=queryset, reason=reason)

    def reason_page(self, request, queryset, step: workflow.Transition):
        """The intermediate page of an action that needs a reason (a retraction's is public)."""
        form = ReasonForm(request.POST if "confirm" in request.POST else None, required=step.needs_reason)
        if form.is_bound and form.is_valid():
            return self.run_step(request, queryset, step, form.cleaned_data["reason"])
        return TemplateResponse(request, "admin/incidents/incident/workflow_confirm.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": gettext("%(step)s: give a reason") % {"step": step.label}, "step": step, "form": form,
            "incidents": queryset, "action": step.action_name,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        })

    @admin.action(description=gettext_lazy("Merge two selected incidents…"), permissions=["merge"])
    def merge_selected(self, request, queryset):
        """Merge exactly two incidents: a confirmation page chooses the one to keep and shows what moves."""
        incidents = list(queryset.order_by("pk")[:3])
        if len(incidents) != 2:
            self.message_user(request, gettext("Select exactly two incidents to merge."), messages.ERROR)
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
            self.message_user(request, gettext("%(old)s was merged into %(kept)s; %(old)s now redirects to it.") % {
                "old": old_code, "kept": kept.code}, messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:incidents_incident_change", args=[kept.pk]))
        return TemplateResponse(request, "admin/incidents/incident/merge_confirm.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": gettext("Merge two incidents"), "form": form,
            "incidents": [(incident, merge.merge_summary(incident)) for incident in incidents],
            "selected": [incident.pk for incident in incidents], "action": "merge_selected",
        })

    def has_merge_permission(self, request):
        return request.user.has_perm("incidents.merge_incident")

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.related.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        # Links added or removed here re-group every record they touch (totals count a group once).
        services.refresh_related_groups(incident_ids={form.instance.pk, *before})
        self.warn_duplicates(request, form.instance)

    def warn_duplicates(self, request, incident):
        """Possible duplicates of the incident just saved, with links (rule: incidents.duplicates)."""
        candidates = duplicates.possible_duplicates(incident)
        if not candidates:
            return
        links = format_html_join(
            "; ", '<a href="{}">{}</a> “{}” ({}; score {}: {})',
            ((reverse("admin:incidents_incident_change", args=[c.incident.pk]), c.incident.code, c.incident.title,
              c.incident.get_status_display(), c.total, ", ".join(c.reasons)) for c in candidates),
        )
        self.message_user(request, format_html(
            gettext("Possible duplicates of {}: {}. If one records the same event, a reviewer merges them (“Merge…” in the "
                    "possible duplicates box, or select both in the list), or mark them related if they are distinct records "
                    "of one strike."),
            incident.code, links,
        ), messages.WARNING)

    def workflow_view(self, request, object_id, step):
        """One step for one incident: a confirmation page (with a reason), then the service. Refused on the server."""
        incident = self.get_object(request, unquote(object_id))
        chosen = workflow.TRANSITIONS_BY_NAME.get(step)
        if incident is None or chosen is None:
            raise Http404("No such incident or workflow step.")
        if not request.user.has_perms(chosen.permissions):
            raise PermissionDenied(gettext("You may not %(step)s incidents.") % {"step": chosen.label.lower()})
        change_url = reverse("admin:incidents_incident_change", args=[incident.pk])
        form = ReasonForm(request.POST if request.method == "POST" else None, required=chosen.needs_reason)
        if request.method == "POST" and form.is_valid():
            try:
                workflow.transition_incident(incident=incident, name=chosen.name, user=request.user, reason=form.cleaned_data["reason"])
            except workflow.TransitionRefused as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
            else:
                self.message_user(request, workflow.done_message(chosen, incident.code), messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        return TemplateResponse(request, "admin/incidents/incident/workflow_confirm.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": gettext("%(step)s: %(record)s") % {"step": chosen.label, "record": incident}, "step": chosen, "form": form,
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
        related = [*incident.related.values_list("pk", flat=True), other.pk]
        if self.hold(request, incident, many={"related": related}) or self.hold(request, other, many={"related": [
                *other.related.values_list("pk", flat=True), incident.pk]}):
            return self.held_response(request, HttpResponseRedirect(reverse("admin:incidents_incident_change", args=[incident.pk])))
        with transaction.atomic():
            incident.related.add(other)
            services.refresh_related_groups(incident_ids=[incident.pk, other.pk])
        self.message_user(request, gettext("%(other)s is now linked to %(incident)s as a related record.") % {
            "other": other.code, "incident": incident.code}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:incidents_incident_change", args=[incident.pk]))

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            ("What", {"fields": [
                "title", "title_ar", "summary", "summary_ar", ("event_type", "event_type_inferred"), ("base_version", "base_history"),
            ]}),
            ("When", {"fields": [("date_start", "date_end"), "date_precision", "confirm_dates"]}),
            ("Where", {"fields": [
                "country", ("admin1", "admin2"), ("locality", "neighbourhood"), "place_name_ar",
                ("latitude", "longitude"), "geo_precision", "public_geo_precision",
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

    @admin.display(description=gettext_lazy("place"), ordering="locality")
    def place_display(self, obj):
        # Short enough for a list: the most precise part, the town (or the division), the country.
        town = obj.locality or obj.admin2 or obj.admin1
        return ", ".join(part for part in dict.fromkeys((obj.neighbourhood, town, obj.country)) if part) or "—"

    @admin.display(description=gettext_lazy("reported killed"), ordering="reported_killed_max")
    def reported_display(self, obj):
        return describe_range(obj.reported_killed_min, obj.reported_killed_max)

    @admin.display(description=gettext_lazy("conceded killed"), ordering="conceded_killed_max")
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

"""Claims, statements, aggregate claims and victims on their own admin pages."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin

from .. import display, workflow
from ..models import (
    AggregateClaim,
    CasualtyFigure,
    OfficialStatement,
    Victim,
)
from ..workflow import was_public
from .bulk import bulk_step
from .forms import COMPACT_TEXT, QuoteCheckedForm, describe_range
from .inlines import ChooserMixin
from .writes import EvidenceWritesMixin, _held

WITHHELD = "_victims_withheld"


class ConcedingActorUnknownFilter(admin.SimpleListFilter):
    """Concessions recorded before conceding actors were named, whose actor the migration could not tell."""

    title = gettext_lazy("conceding actor")
    parameter_name = "conceder"

    def lookups(self, request, model_admin):
        return [("unknown", "unknown: name it")]

    def queryset(self, request, queryset):
        return queryset.filter(conceded_by_unknown=True) if self.value() == "unknown" else queryset


def stated_column():
    """A list column: when the claim or statement was made, honest to its precision ("December 2018")."""

    @admin.display(description=gettext_lazy("stated on"), ordering="stated_on")
    def stated_display(self, obj):
        return display.format_stated(obj)

    return stated_display


@admin.register(CasualtyFigure)
class CasualtyFigureAdmin(EvidenceWritesMixin, ChooserMixin, SimpleHistoryAdmin):
    form = QuoteCheckedForm
    list_display = ["incident", "attributed_to", "count_display", "whom_display", "outcome", "basis", "stated_display", "report", "excluded"]
    list_filter = [
        "basis", "outcome", "person_status", "sex", "age_group", "profession", "cause", "qualifier", "excluded", "incident__status",
        ConcedingActorUnknownFilter,
    ]
    list_select_related = ["incident", "report__source"]
    search_fields = ["incident__code", "incident__title", "attributed_to", "quote", "report__title"]
    autocomplete_fields = ["incident", "report", "statement", "conceded_by"]
    incident_date_field, incident_report_field = "stated_on", "report"
    fieldsets = [
        (None, {"fields": ["incident", "report", ("statement", "conceded_by"), "attributed_to"]}),
        ("The figure", {"fields": [
            ("basis", "outcome"), ("person_status", "sex", "age_group"), ("profession", "cause"), ("qualifier", "count_min", "count_max"),
            ("stated_on", "stated_on_precision"), "quote",
        ]}),
        ("Editors", {"fields": [("excluded", "excluded_reason"), "notes", ("created_at", "updated_at"), "confirm_dates", "base_updated"]}),
    ]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = COMPACT_TEXT

    @admin.display(description=gettext_lazy("figure"))
    def count_display(self, obj):
        return describe_range(obj.count_min, obj.count_max)

    @admin.display(description=gettext_lazy("whom"))
    def whom_display(self, obj):
        return display.whom(obj)

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
    incident_date_field, incident_report_field = "stated_on", "report"
    fields = [
        "incident", "issuer", ("stated_on", "stated_on_precision", "stance"), "reason", "report", "quote", "summary",
        ("created_at", "updated_at"), "confirm_dates", "base_updated",
    ]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = COMPACT_TEXT
    stated_display = stated_column()

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and was_public(obj.incident)) and super().has_delete_permission(request, obj)


def _aggregate_action(step: workflow.Transition):
    """An action of the aggregate-claim list taking one workflow step for each selected claim (checked per claim)."""

    def action(modeladmin, request, queryset):
        return modeladmin.run_step(request, queryset, step)

    action.__name__ = f"aggregate_{step.action_name}"
    return admin.action(description=format_lazy(gettext_lazy("{step} (selected aggregate claims)"), step=step.label),
                        permissions=[step.action_name])(action)


@admin.register(AggregateClaim)
class AggregateClaimAdmin(ChooserMixin, SimpleHistoryAdmin):
    form = QuoteCheckedForm
    change_form_template = "admin/incidents/aggregateclaim/change_form.html"
    list_display = ["__str__", "measure", "period_start", "period_end", "actor", "report", "status", "excluded"]
    # "status: in review" is the reviewers' queue (linked from the dashboard).
    list_filter = ["status", "measure", "outcome", "person_status", "sex", "age_group", "cause", "basis", "excluded", "actor"]
    list_select_related = ["actor", "report__source"]
    search_fields = ["area", "countries", "attributed_to", "quote", "report__title", "actor__name"]
    autocomplete_fields = ["report", "actor", "conflicts"]
    fieldsets = [
        (None, {"fields": [
            "report", ("period_start", "period_end", "period_precision"), ("area", "countries"), ("actor", "conflicts"), "status",
        ]}),
        ("The figure", {"fields": [
            "measure", ("basis", "outcome"), ("person_status", "sex", "age_group"), ("profession", "cause"),
            ("qualifier", "count_min", "count_max", "count_best"),
            ("attributed_to", "stated_on", "stated_on_precision"), "quote", "caveat",
        ]}),
        ("Editors", {"fields": [("excluded", "excluded_reason"), ("created_at", "updated_at"), "base_updated"]}),
    ]
    # The status moves only through the workflow: the buttons on this page and the list's actions.
    readonly_fields = ["status", "created_at", "updated_at"]
    formfield_overrides = COMPACT_TEXT
    actions = [_aggregate_action(step) for step in workflow.AGGREGATE_TRANSITIONS]

    def get_urls(self):
        return [
            path("<path:object_id>/workflow/<str:step>/", self.admin_site.admin_view(self.workflow_view),
                 name="incidents_aggregateclaim_workflow"),
            *super().get_urls(),
        ]

    def run_step(self, request, queryset, step: workflow.Transition):
        """Take the step for each claim (a large selection as a background job); say in a sentence what was done."""
        return bulk_step(self, request, target="aggregateclaim", step=step, queryset=queryset)

    def workflow_view(self, request, object_id, step):
        """One step for one aggregate claim (POST only); the service checks status and permission again."""
        claim = self.get_object(request, unquote(object_id))
        if claim is None or step not in workflow.AGGREGATE_TRANSITIONS_BY_NAME:
            raise Http404("No such aggregate claim or workflow step.")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self.run_step(request, AggregateClaim.objects.filter(pk=claim.pk), workflow.AGGREGATE_TRANSITIONS_BY_NAME[step])
        return HttpResponseRedirect(reverse("admin:incidents_aggregateclaim_change", args=[claim.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, unquote(object_id))
        steps = workflow.allowed_aggregate_transitions(user=request.user, claim=claim) if claim is not None else []
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "workflow_steps": steps})

    # Who may take each step from the list (the service checks again, per claim).
    # A published aggregate claim is public: an editor sees it read-only (a reviewer corrects or excludes it).
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not workflow.aggregate_edit_needs_reviewer(
            user=request.user, claim=obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not workflow.aggregate_edit_needs_reviewer(
            user=request.user, claim=obj)

    def has_workflow_submit_permission(self, request):
        return request.user.has_perms(workflow.AGGREGATE_TRANSITIONS_BY_NAME["submit"].permissions)

    def has_workflow_return_to_draft_permission(self, request):
        return request.user.has_perms(workflow.AGGREGATE_TRANSITIONS_BY_NAME["return_to_draft"].permissions)

    def has_workflow_publish_permission(self, request):
        return request.user.has_perms(workflow.AGGREGATE_TRANSITIONS_BY_NAME["publish"].permissions)


@admin.register(Victim)
class VictimAdmin(EvidenceWritesMixin, ChooserMixin, SimpleHistoryAdmin):
    list_display = ["label_display", "name_ar", "incident", "outcome", "sex", "age", "age_band", "person_status", "visibility"]
    list_filter = ["visibility", "outcome", "sex", "age_band", "person_status", "profession", "cause"]
    list_select_related = ["incident"]
    search_fields = ["name", "name_ar", "family_group", "incident__code", "incident__title"]
    search_help_text = "Name (Latin or Arabic script), family, or the incident's code or title."
    autocomplete_fields = ["incident", "report"]
    incident_report_field = "report"
    fields = [
        "incident", ("name", "name_ar"), ("sex", "age", "age_band", "person_status", "outcome"), ("profession", "cause"),
        ("family_group", "visibility"),
        "report", "notes",
    ]

    @admin.display(description=gettext_lazy("victim"), ordering="name")
    def label_display(self, obj):
        return obj.label

    # A delete of a published record's named victim withholds it (services.remove_victim): said so, never "deleted".

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.say_withheld(request, [obj.pk])

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        self.say_withheld(request, ids)

    def say_withheld(self, request, ids) -> None:
        withheld = Victim.objects.filter(pk__in=ids).exclude(incident_id__in=_held(request)).count()
        if withheld:
            setattr(request, WITHHELD, True)
            messages.warning(request, ngettext(
                "%(count)d named victim of a record the public has seen was withheld (made private), not deleted: its history is kept.",
                "%(count)d named victims of a record the public has seen were withheld (made private), not deleted: their history is kept.",
                withheld) % {"count": withheld})

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, WITHHELD, False) and level == messages.SUCCESS:
            return None  # "… deleted successfully" is not true of a withheld victim
        return super().message_user(request, message, level, *args, **kwargs)

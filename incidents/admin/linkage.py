"""The linkage review queue (candidates side by side, with each field's weight) and the decisions kept as data.

Admin only: nothing here is on a public page, export or API. The queue pages by keyset (weight, id), so a deep page
costs what the first one does; the labelled pairs download as CSV for those with export_linkdecision.
"""

import csv

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseBadRequest, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from ..exports import _Echo
from ..linkage import decisions
from ..linkage.scoring import FIELDS, Score
from ..models import LinkCandidate, LinkDecision, Verdict

PAGE = 25
FIELD_LABELS = {
    "dates": gettext_lazy("dates"), "distance": gettext_lazy("distance"), "place_names": gettext_lazy("place names"),
    "killed": gettext_lazy("reported killed"), "belligerents": gettext_lazy("belligerents"),
    "title": gettext_lazy("title"),
}


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices, label=gettext_lazy("Verdict"))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=forms.TextInput)


def _after(value: str):
    """The keyset cursor `weight:id`; None when absent, ValueError when malformed."""
    if not value:
        return None
    weight, _, pk = value.partition(":")
    return float(weight), int(pk)


def _side(incident) -> dict:
    return {
        "incident": incident,
        "rows": [
            (gettext("status"), incident.get_status_display()),
            (gettext("dates"), f"{incident.date_start} – {incident.date_end or ''} ({incident.get_date_precision_display()})"),
            (gettext("place"), ", ".join(filter(None, [incident.locality, incident.place_name_ar, incident.admin2,
                                                      incident.admin1, incident.country]))),
            (gettext("point"), f"{incident.latitude}, {incident.longitude} ({incident.get_geo_precision_display()})"),
            (gettext("reported killed"), f"{incident.reported_killed_min}–{incident.reported_killed_max or ''}"),
            (gettext("belligerents"), ", ".join(link.actor.name for link in incident.belligerent_roles.all())),
        ],
    }


@admin.register(LinkCandidate)
class LinkCandidateAdmin(admin.ModelAdmin):
    """The review queue: the changelist is the keyset-paged queue page."""

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/decide/", wrap(self.decide_view), name="incidents_linkcandidate_decide"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            after = _after(request.GET.get("after", ""))
        except ValueError:
            return HttpResponseBadRequest(gettext("The page cursor is not valid."))
        rows = (LinkCandidate.objects.select_related("incident_a", "incident_b")
                .prefetch_related("incident_a__belligerent_roles__actor", "incident_b__belligerent_roles__actor")
                .order_by("-weight", "pk"))
        if after:
            weight, pk = after
            rows = rows.filter(Q(weight__lt=weight) | Q(weight=weight, pk__gt=pk))
        page = list(rows[:PAGE + 1])
        more, page = len(page) > PAGE, page[:PAGE]
        items = [{
            "candidate": candidate,
            "a": _side(candidate.incident_a), "b": _side(candidate.incident_b),
            "weights": [(FIELD_LABELS[f], candidate.contributions.get(f, {}).get("level", ""),
                         candidate.contributions.get(f, {}).get("weight", 0)) for f in FIELDS],
            "likely": candidate.probability >= settings.LINKAGE_LIKELY_SAME,
        } for candidate in page]
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": gettext("Linkage review queue"),
            "items": items, "form": DecisionForm(),
            "next": f"{page[-1].weight}:{page[-1].pk}" if more else "",
        }
        return TemplateResponse(request, "admin/incidents/linkcandidate/queue.html", context)

    def decide_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseBadRequest(gettext("Decide with the form's buttons."))
        candidate = get_object_or_404(LinkCandidate.objects.select_related("incident_a", "incident_b"), pk=pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("Choose a verdict and give a reason."))
        else:
            score = Score(candidate.weight, candidate.probability, candidate.contributions)
            try:
                decision = decisions.record_decision(
                    incident_a=candidate.incident_a, incident_b=candidate.incident_b, score=score, user=request.user,
                    verdict=form.cleaned_data["verdict"], reason=form.cleaned_data["reason"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, gettext("Decision kept: %(decision)s (%(action)s).") % {
                    "decision": decision.get_verdict_display(), "action": decision.get_action_display()})
        return HttpResponseRedirect(reverse("admin:incidents_linkcandidate_changelist"))


@admin.register(LinkDecision)
class LinkDecisionAdmin(SimpleHistoryAdmin):
    """Decisions kept as data: read here with their history, exported as labelled pairs."""

    list_display = ["a_label", "b_label", "verdict", "action", "decided_by", "decided_at", "probability"]
    list_filter = ["verdict", "action"]
    readonly_fields = ["a_key", "b_key", "incident_a", "incident_b", "a_label", "b_label", "action", "weight",
                       "probability", "contributions", "decided_by", "decided_at"]
    fields = [*readonly_fields[:5], "verdict", "reason", *readonly_fields[5:]]
    show_full_result_count = False
    actions = ["link_related"]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [path("export.csv", self.admin_site.admin_view(self.export_view), name="incidents_linkdecision_export"),
                *super().get_urls()]

    def export_view(self, request):
        if not request.user.has_perm("incidents.export_linkdecision"):
            raise PermissionDenied
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse((writer.writerow(row) for row in decisions.export_rows(LinkDecision.objects.all())),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="link-decisions.csv"'
        return response

    @admin.action(description=gettext_lazy("Link as related records of the same event (reviewer)"))
    def link_related(self, request, queryset):
        done = 0
        for decision in queryset.filter(verdict=Verdict.SAME).select_related("incident_a", "incident_b")[:100]:
            try:
                decisions.link_decided_pair(decision=decision, user=request.user)
                done += 1
            except (PermissionDenied, ValidationError) as error:
                messages.error(request, str(error))
                break
        if done:
            messages.success(request, gettext("%(count)d pairs linked as related records.") % {"count": done})

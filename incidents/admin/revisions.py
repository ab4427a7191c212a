"""The reviewers' queue of pending revisions, and each revision side by side with the public version."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from .. import revisions, workflow
from ..models import Revision


class StateFilter(admin.SimpleListFilter):
    """The queue opens on what waits for review."""

    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [*Revision.State.choices, ("all", "all")]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or Revision.State.PENDING) == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or Revision.State.PENDING
        return queryset if value == "all" else queryset.filter(state=value)


class DecisionForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), required=False,
        help_text=gettext_lazy("To the author; required when you reject the change. Kept with the revision, never public."),
    )


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Read-only: a revision is made by an edit and decided here (approve or reject), never typed."""

    list_display = ["__str__", "incident_link", "author", "created_at", "state", "reviewer", "decided_at"]
    list_filter = [StateFilter]
    list_select_related = ["incident", "author", "reviewer"]
    search_fields = ["incident__code", "incident__title", "author__username"]
    show_full_result_count = False

    def has_view_permission(self, request, obj=None):
        # Editors see what waits (their own changes and others'); reviewers decide.
        return request.user.has_perm("incidents.change_incident") or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The revision beside the public version; a reviewer approves or rejects it here (POST)."""
        revision = Revision.objects.select_related("incident", "author", "reviewer").filter(pk=unquote(object_id)).first()
        if revision is None:
            raise Http404("No such change.")
        if not self.has_view_permission(request, revision):
            raise PermissionDenied
        form = DecisionForm(request.POST if request.method == "POST" else None)
        refusal = None
        if request.method == "POST" and form.is_valid():
            try:
                if "_approve" in request.POST:
                    revisions.approve_revision(revision=revision, reviewer=request.user, note=form.cleaned_data["note"])
                    done = "approved: the public record now shows it"
                elif "_reject" in request.POST:
                    revisions.reject_revision(revision=revision, reviewer=request.user, note=form.cleaned_data["note"])
                    done = "rejected: the public record is unchanged"
                else:
                    raise revisions.RevisionRefused("Choose to approve or to reject the change.")
            except revisions.RevisionRefused as refused:
                refusal = refused
            else:
                self.message_user(request, f"{revision} {done}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:incidents_revision_changelist"))
        may_decide = revision.state == Revision.State.PENDING and request.user.has_perm("incidents.publish_incident")
        return TemplateResponse(request, "admin/incidents/revision/review.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": f"Review {revision}", "revision": revision, "original": revision,
            "rows": revisions.side_by_side(revision), "form": form, "refusal": refusal,
            "conflicts": revisions.conflicts(revision) if revision.state == Revision.State.PENDING else [],
            "may_decide": may_decide, "four_eyes_own": may_decide and workflow.four_eyes() and revision.author_id == request.user.pk,
            "incident_url": reverse("admin:incidents_incident_change", args=[revision.incident_id]),
        })

    @admin.display(description=gettext_lazy("incident"))
    def incident_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:incidents_incident_change", args=[obj.incident_id]), obj.incident)

"""The moderation queue: submissions from the public, never public themselves.

The submitter's words are shown as plain text (escaped, line breaks kept), links included: nothing a submitter wrote
becomes markup or a clickable link here. Contact details show to reviewers only (`models.may_see_contact`); everyone
else sees that there are some, masked. Buttons: turn into a report (and draft incident) in one step, close with a
reason, erase the contact details.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import BooleanField, Value
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext

from . import services
from .forms import CloseForm, ConvertForm, guessed_date
from .models import Kind, Submission, SubmissionStatus, may_see_contact
from .validators import split_links

SUBMITTED = ["reference", "created_at", "kind_display", "incident_display", "what_text", "where", "when", "links_text",
             "language", "contact_display", "contact_erased_display"]
DECISION = ["status", "decided_by", "decided_at", "close_reason_text", "report_display", "result_incident_display",
            "link_waits_for_review"]


def plain(text: str) -> str:
    """The submitter's words as plain text: escaped, paragraphs and line breaks kept (`linebreaks` escapes first)."""
    return mark_safe(linebreaks(text, autoescape=True)) if text else "—"  # noqa: S308 (escaped by linebreaks)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["reference", "created_at", "kind", "what_excerpt", "status", "contact_display"]
    list_display_links = ["reference"]
    list_filter = ["status", "kind"]
    list_per_page = 50
    show_full_result_count = False
    # The reference only: searching the contact or the words would let anyone with the queue probe for a person.
    search_fields = ["=reference"]
    search_help_text = gettext_lazy("The reference number, exactly (S-…).")
    date_hierarchy = None
    actions = ["erase_contact_action"]
    fieldsets = [
        (gettext_lazy("Submitted"), {"fields": SUBMITTED}),
        (gettext_lazy("Decision"), {"fields": DECISION}),
        (gettext_lazy("Editors"), {"fields": ["notes"]}),
    ]
    readonly_fields = [*SUBMITTED, *DECISION]
    formfield_overrides = {models.CharField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}}
    change_list_template = "admin/submissions/submission/change_list.html"

    def get_fieldsets(self, request, obj=None):
        # A new submission has no decision yet: the buttons above take it.
        if obj is not None and obj.status == SubmissionStatus.NEW:
            return [fieldset for fieldset in self.fieldsets if fieldset[1]["fields"] is not DECISION]
        return self.fieldsets

    def get_queryset(self, request):
        # Whether this user may read the contact rides on each row (the list and the change page read it), so the
        # masking is decided per request, never kept on this shared admin object.
        return super().get_queryset(request).select_related(
            "decided_by", "contact_erased_by", "report", "result_incident", "incident",
        ).annotate(contact_allowed=Value(may_see_contact(request.user), output_field=BooleanField()))

    def has_add_permission(self, request):
        return False  # submissions come from the public form only

    # Columns and fields: plain text.

    @admin.display(description=gettext_lazy("what"))
    def what_excerpt(self, obj):
        text = " ".join(obj.what.split())
        return text if len(text) <= 100 else text[:99] + "…"

    @admin.display(description=gettext_lazy("what happened, or what is wrong"))
    def what_text(self, obj):
        return plain(obj.what)

    @admin.display(description=gettext_lazy("links (plain text: copy them, check them before opening)"))
    def links_text(self, obj):
        return plain("\n".join(split_links(obj.links)))

    @admin.display(description=gettext_lazy("reason for closing"))
    def close_reason_text(self, obj):
        return plain(obj.close_reason)

    @admin.display(description=gettext_lazy("kind"))
    def kind_display(self, obj):
        return obj.get_kind_display()

    @admin.display(description=gettext_lazy("correction of"))
    def incident_display(self, obj):
        if obj.incident_id is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:incidents_incident_change", args=[obj.incident_id]), obj.incident)

    @admin.display(description=gettext_lazy("report made"))
    def report_display(self, obj):
        if obj.report_id is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:sources_report_change", args=[obj.report_id]), obj.report.title)

    @admin.display(description=gettext_lazy("incident"))
    def result_incident_display(self, obj):
        if obj.result_incident_id is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:incidents_incident_change", args=[obj.result_incident_id]),
                           obj.result_incident)

    @admin.display(description=gettext_lazy("contact erased"))
    def contact_erased_display(self, obj):
        if obj.contact_erased_at is None:
            return "—"
        who = obj.contact_erased_by.get_username() if obj.contact_erased_by else gettext("a former user")
        return gettext("%(when)s, by %(who)s") % {"when": obj.contact_erased_at.strftime("%Y-%m-%d %H:%M UTC"), "who": who}

    @admin.display(description=gettext_lazy("contact"))
    def contact_display(self, obj):
        if not obj.has_contact:
            return gettext("erased") if obj.contact_erased_at else "—"
        if not getattr(obj, "contact_allowed", False):
            return gettext("given (visible to reviewers only)")
        parts = [part for part in (obj.contact_name, obj.contact) if part]
        return " · ".join(parts)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        extra = {**(extra_context or {}), "may_decide": obj is not None and obj.status == SubmissionStatus.NEW
                 and self.has_change_permission(request, obj)}
        return super().changeform_view(request, object_id, form_url, extra)

    # Buttons.

    def get_urls(self):
        return [
            path("<path:object_id>/convert/", self.admin_site.admin_view(self.convert_view), name="submissions_submission_convert"),
            path("<path:object_id>/close/", self.admin_site.admin_view(self.close_view), name="submissions_submission_close"),
            path("<path:object_id>/erase-contact/", self.admin_site.admin_view(self.erase_view),
                 name="submissions_submission_erase_contact"),
            *super().get_urls(),
        ]

    def _submission(self, request, object_id) -> Submission:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("No such submission."))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _page(self, request, obj, template, **context):
        return TemplateResponse(request, f"admin/submissions/submission/{template}", {
            **self.admin_site.each_context(request), "opts": self.opts, "original": obj,
            "change_url": reverse("admin:submissions_submission_change", args=[obj.pk]), **context,
        })

    def convert_view(self, request, object_id):
        """One step: a report from the submission, linked to an existing incident or to a new draft incident."""
        obj = self._submission(request, object_id)
        links = split_links(obj.links)
        initial = {
            "report_url": links[0] if links else "", "report_title": " ".join(obj.what.split())[:200],
            "incident_code": obj.incident.code if obj.incident_id else "",
            "incident_title": " ".join(obj.what.split())[:200], "date_start": guessed_date(obj.when),
        }
        form = ConvertForm(request.POST or None, initial=initial, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            report = services.NewReport(source=data["source"], title=data["report_title"], url=data["report_url"] or "",
                                        published_on=data["report_published_on"], kind=data["report_kind"])
            new_incident = None if data["incident_code"] else services.NewIncident(
                title=data["incident_title"], date_start=data["date_start"], date_precision=data["date_precision"],
                country=data["country"] or "")
            try:
                done = services.convert_submission(submission=obj, user=request.user, report=report,
                                                   incident=data["incident_code"], new_incident=new_incident)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_change(request, obj, gettext("Turned into a report"))
                self.message_user(request, self._converted_message(done), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:submissions_submission_change", args=[obj.pk]))
        return self._page(request, obj, "convert.html", form=form, media=self.media + form.media,
                          title=gettext("Turn %(reference)s into a report") % {"reference": obj.reference},
                          is_correction=obj.kind == Kind.CORRECTION)

    def _converted_message(self, done) -> str:
        report = gettext("new report") if done.report_created else gettext("the report already recorded at that address")
        if done.incident_created:
            return gettext("%(reference)s: %(report)s, linked to the new draft incident %(code)s.") % {
                "reference": done.submission.reference, "report": report, "code": done.incident.code}
        if done.waits_for_review:
            return gettext("%(reference)s: %(report)s; its link to %(code)s waits for a reviewer.") % {
                "reference": done.submission.reference, "report": report, "code": done.incident.code}
        return gettext("%(reference)s: %(report)s, linked to %(code)s.") % {
            "reference": done.submission.reference, "report": report, "code": done.incident.code}

    def close_view(self, request, object_id):
        obj = self._submission(request, object_id)
        form = CloseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.close_submission(submission=obj, user=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_change(request, obj, gettext("Closed"))
                self.message_user(request, gettext("%(reference)s closed.") % {"reference": obj.reference}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:submissions_submission_change", args=[obj.pk]))
        return self._page(request, obj, "close.html", form=form, title=gettext("Close %(reference)s") % {"reference": obj.reference})

    def erase_view(self, request, object_id):
        """Erase the contact details on request: a page to confirm, then a POST."""
        obj = self._submission(request, object_id)
        if request.method == "POST":
            erased = services.erase_contact(submission=obj, user=request.user)
            if erased:
                self.log_change(request, obj, gettext("Erased the contact details"))
            self.message_user(request, gettext("Contact details of %(reference)s erased.") % {"reference": obj.reference}
                              if erased else gettext("%(reference)s has no contact details to erase.") % {"reference": obj.reference},
                              messages.SUCCESS if erased else messages.INFO)
            return HttpResponseRedirect(reverse("admin:submissions_submission_change", args=[obj.pk]))
        return self._page(request, obj, "erase_contact.html",
                          title=gettext("Erase the contact details of %(reference)s") % {"reference": obj.reference})

    @admin.action(description=gettext_lazy("Erase contact details of the selected submissions"), permissions=["change"])
    def erase_contact_action(self, request, queryset):
        erased = 0
        for obj in queryset:
            if services.erase_contact(submission=obj, user=request.user):
                self.log_change(request, obj, gettext("Erased the contact details"))
                erased += 1
        self.message_user(request, ngettext("Contact details of %(count)d submission erased.",
                                            "Contact details of %(count)d submissions erased.", erased) % {"count": erased})

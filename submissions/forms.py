"""The public form (/submit/) and the editors' forms (turn into a report, close)."""

import datetime

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from incidents import choices as incident_choices
from sources.choices import ReportKind
from sources.models import Report

from .models import SIZES, Kind
from .validators import MAX_LINKS, split_links, validate_links

# The honeypot: a field people never see (hidden by CSS, out of the tab order); a bot that fills every field fills it.
HONEYPOT = "website"


def _links_help() -> str:
    return gettext("Web addresses of reports, posts, photos or videos, one per line (at most %(max)d). No files: "
                   "links only.") % {"max": MAX_LINKS}


def _text(size_key: str, *, textarea: bool = False, rows: int = 6, **kwargs) -> forms.CharField:
    size = SIZES[size_key]
    widget = forms.Textarea(attrs={"rows": rows, "maxlength": size}) if textarea else forms.TextInput(attrs={"maxlength": size})
    return forms.CharField(max_length=size, widget=widget, **kwargs)


class SubmissionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you sending?"), choices=Kind.choices, initial=Kind.NEW_INCIDENT, widget=forms.RadioSelect,
    )
    incident = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    what = _text("what", textarea=True, rows=8, label=_("What happened, or what is wrong in the record"),
                 help_text=_("Who was harmed, how, by whom if known; for a correction, what the record should say. Plain text."))
    where = _text("where", required=False, label=_("Where"), help_text=_("Town or village, neighbourhood, landmark."))
    when = _text("when", required=False, label=_("When"), help_text=_("The date, as exactly as you know it (e.g. 17 March 2017)."))
    links = forms.CharField(
        required=False, max_length=SIZES["links"], label=_("Links"), validators=[validate_links],
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": SIZES["links"], "dir": "ltr", "spellcheck": "false"}),
        help_text=lazy(_links_help, str)(),
    )
    contact_name = _text("contact_name", required=False, label=_("Your name"))
    contact = _text("contact", required=False, label=_("How to reach you"),
                    help_text=_("An e-mail address, phone or messaging account, if you agree to be asked questions."))
    website = forms.CharField(required=False, label=_("Leave this field empty"),
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def honeypot_filled(self) -> bool:
        """Whether the hidden field was filled in (read from the raw data: a bot's post need not be valid)."""
        return bool(str(self.data.get(HONEYPOT, "")).strip())

    def clean_links(self) -> list[str]:
        return split_links(self.cleaned_data.get("links", ""))


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=SIZES["close_reason"],
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80, "maxlength": SIZES["close_reason"]}),
        help_text=_("Why no report is made: spam, out of scope, duplicate of …, already recorded. Kept for the editors, never public."),
    )


class ConvertForm(forms.Form):
    """One step: the report (from the first link) and the incident it covers: an existing one, or a new draft."""

    source = forms.ModelChoiceField(
        queryset=Report._meta.get_field("source").related_model.objects.all(), label=_("Source"),
        help_text=_("Who published the document. For a first-hand account with no link, a community / witness source "
                    "(confidential if the person must be protected)."),
    )
    report_title = forms.CharField(label=_("Report title"), max_length=500, widget=forms.TextInput(attrs={"size": 80}))
    report_url = forms.URLField(label=_("Report URL"), max_length=2000, required=False, assume_scheme="https",
                                widget=forms.URLInput(attrs={"size": 80}),
                                help_text=_("The first link the submitter gave; an address already recorded reuses that report."))
    report_kind = forms.ChoiceField(label=_("Report kind"), choices=ReportKind.choices, initial=ReportKind.ARTICLE)
    report_published_on = forms.DateField(label=_("Report published on"), required=False, widget=AdminDateWidget)
    incident_code = forms.CharField(
        label=_("Existing incident"), max_length=32, required=False,
        help_text=_("Its code (e.g. CT-000123): the report is linked to it. Leave empty to open a new draft incident."),
    )
    incident_title = forms.CharField(label=_("New incident's title"), max_length=300, required=False, widget=forms.TextInput(attrs={"size": 80}))
    date_start = forms.DateField(label=_("New incident's date"), required=False, widget=AdminDateWidget)
    date_precision = forms.ChoiceField(label=_("Date precision"), choices=incident_choices.DatePrecision.choices,
                                       initial=incident_choices.DatePrecision.DAY)
    country = forms.CharField(label=_("Country"), max_length=2, required=False, help_text=_("ISO 3166-1 alpha-2 code, e.g. IQ."))

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        if admin_site is not None:
            field = self.fields["source"]
            field.widget = AutocompleteSelect(Report._meta.get_field("source"), admin_site)
            field.queryset = field.queryset  # binds the new widget to the field's choices

    def clean_incident_code(self):
        from incidents.models import Incident

        code = self.cleaned_data["incident_code"].strip()
        if not code:
            return None
        incident = Incident.objects.by_code(code).first()
        if incident is None:
            raise forms.ValidationError(_("No incident has this code."))
        return incident

    def clean(self):
        data = super().clean()
        if data.get("incident_code") is None and not self.errors.get("incident_code"):
            if not (data.get("incident_title") or "").strip():
                self.add_error("incident_title", _("Give the new incident a title, or name an existing incident."))
            if data.get("date_start") is None:
                self.add_error("date_start", _("Give the new incident a date, or name an existing incident."))
        country = (data.get("country") or "").strip()
        if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
            self.add_error("country", _("Two letters (ISO 3166-1 alpha-2), e.g. IQ."))
        return data


def guessed_date(text: str) -> datetime.date | None:
    """A date the submitter wrote as YYYY-MM-DD at the start of “when”, to prefill the new incident's date."""
    try:
        return datetime.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None

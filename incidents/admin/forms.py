"""The admin's forms: optimistic locking (no lost edits), quotes checked against the report, workflow and merge forms."""

import datetime
import inspect

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import model_to_dict
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy, ngettext

from .. import choices, display, locking, plausibility, workflow
from ..models import (
    Incident,
    check_quote,
)
from ..services import derive_figures
from ..workflow import was_public

# Every date typed in the admin is a native date input (the browser's calendar, sent as YYYY-MM-DD); typed by hand,
# only YYYY-MM-DD is accepted: 03/04/2017 is refused with what to type, never read as March or April.
ISO_DATES = {models.DateField: {
    "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "input_formats": ["%Y-%m-%d"],
    "error_messages": {"invalid": "Enter the date as YYYY-MM-DD (17 March 2017 is 2017-03-17)."},
}}
COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 80})}, **ISO_DATES}


def describe_range(low: int | None, high: int | None) -> str:
    """A stored min/max pair as the public pages write it (`display.format_range`); an empty cell is “—”."""
    return "—" if low is None and high is None else display.format_range(low, high)


def methodology_link() -> str:
    """A link to the public methodology page's figure rules (absent where the public site is not mounted)."""
    try:
        url = reverse("methodology")
    except NoReverseMatch:
        return ""
    return format_html(' See the <a href="{}#figure-rules" target="_blank">methodology page</a>.', url)


CONFLICT_FOOTER = gettext_lazy(
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
    # Shown (as a checkbox) only with a warning about the row's dates (incidents.plausibility); never a change by itself.
    confirm_dates = forms.BooleanField(
        required=False, widget=forms.HiddenInput, label=gettext_lazy("Save anyway"),
        help_text=gettext_lazy("The dates above look unusual for this incident; tick to save them as they are."),
    )
    lock_fields = ("base_updated", "confirm_dates")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.updated_at is not None:
            self.initial["base_updated"] = self.instance.updated_at.isoformat()
        if "stated_on_precision" in self.fields:
            # Not sent (an older page, a script): the row keeps its precision, a new row the exact day.
            self.fields["stated_on_precision"].required = False

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
                [gettext("“%(row)s” was changed by someone else after you opened this page.") % {"row": self.instance}, *lines,
                 str(CONFLICT_FOOTER)]
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
        self._check_dates(cleaned_data)
        return cleaned_data

    def _check_dates(self, cleaned_data):
        """A new or changed row whose dates do not fit its incident is saved only once the editor confirms."""
        if "confirm_dates" not in self.fields or (self.instance.pk is not None and not self.has_changed()):
            return
        # On an inline row the page's own record (the incident, or the report) is the cleaned value, as the form shows it.
        incident = cleaned_data.get("incident")
        if incident is None and getattr(self.instance, "incident_id", None):
            incident = self.instance.incident
        report = cleaned_data.get("report")
        if report is None and getattr(self.instance, "report_id", None):
            report = self.instance.report
        warnings = plausibility.date_warnings(
            incident=incident, report=report, stated_on=cleaned_data.get("stated_on"),
            stated_on_precision=cleaned_data.get("stated_on_precision") or choices.StatedPrecision.DAY,
        )
        if not warnings:
            return
        self.fields["confirm_dates"].widget = forms.CheckboxInput()
        if not cleaned_data.get("confirm_dates"):
            self.add_error(None, ValidationError([*warnings, gettext("If this is right, tick “Save anyway” below and save again.")]))


class KeepPublicEvidenceFormSet(forms.BaseInlineFormSet):
    """Rows of claims about several incidents: refuse to delete one whose incident the public has seen."""

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk is not None and was_public(form.instance.incident):
                raise ValidationError(
                    gettext("“%(row)s” is about a published incident: it cannot be deleted. Mark it excluded, with a reason, "
                            "instead."),
                    params={"row": form.instance},
                )


def derived_description() -> str:
    return format_html(
        "<p>Never typed: recomputed from the claims and statements below whenever one of them changes, in the same "
        "save. Reported ranges are the envelope of the <strong>non-excluded</strong> claims reported by sources "
        "(lowest minimum, highest maximum; an open-ended highest claim keeps the top open, “101+”; a claim in words "
        "only marks the range incomplete); conceded figures are the latest concession by a belligerent; each actor's "
        "official position is its latest statement.{}</p>"
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


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), required=False,
        help_text=gettext_lazy("Why: kept in the incident's history. A retraction's reason is public: it is shown on the incident's page."),
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
    # Shown only when new dates leave recorded claims or statements before the incident or far from their reports.
    confirm_dates = forms.BooleanField(
        required=False, widget=forms.HiddenInput, label=gettext_lazy("Save anyway"),
        help_text=gettext_lazy("Claims or statements already recorded do not fit these dates; tick to save the dates as they are."),
    )
    lock_fields = ("base_version", "base_history", "confirm_dates")
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
                raise ValidationError([gettext("Someone else saved this incident after you opened it."), *lines,
                                       str(CONFLICT_FOOTER)]) from None
            except Incident.DoesNotExist:
                pass
        self._check_dates(cleaned_data)
        return cleaned_data

    def _check_dates(self, cleaned_data):
        """Moving a recorded incident's dates away from its claims and statements is saved only once confirmed."""
        if self.instance.pk is None or not {"date_start", "date_end"} & set(self.changed_data) or not cleaned_data.get("date_start"):
            return
        warnings = plausibility.incident_date_warnings(
            self.instance, date_start=cleaned_data["date_start"], date_end=cleaned_data.get("date_end"),
            date_precision=cleaned_data.get("date_precision") or self.instance.date_precision,
        )
        if not warnings:
            return
        self.fields["confirm_dates"].widget = forms.CheckboxInput()
        if not cleaned_data.get("confirm_dates"):
            self.add_error(None, ValidationError(
                [*warnings[:10], *([ngettext("… and %(count)s more.", "… and %(count)s more.", len(warnings) - 10)
                                    % {"count": len(warnings) - 10}] if len(warnings) > 10 else []),
                 gettext("If the new dates are right, tick “Save anyway” below and save again.")]
            ))


def _latest_history_id(incident: Incident) -> int | None:
    return incident.history.order_by("-history_id").values_list("history_id", flat=True).first()


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label=gettext_lazy("Keep"))
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}), required=False,
        help_text=gettext_lazy("Why they are the same incident; kept in both histories (and public if the merged record was published)."),
    )

    def __init__(self, *args, incidents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(incident.pk, str(incident)) for incident in incidents]

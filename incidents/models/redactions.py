"""An explicit redaction mark: a field of an incident whose earlier values the public may no longer read."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RedactableField(models.TextChoices):
    """The incident's fields whose past values a reviewer can withdraw from public history (`incidents.redaction`)."""

    TITLE = "title", _("title")
    TITLE_AR = "title_ar", _("title in Arabic")
    SUMMARY = "summary", _("summary")
    SUMMARY_AR = "summary_ar", _("summary in Arabic")
    NEIGHBOURHOOD = "neighbourhood", _("neighbourhood")
    LOCALITY = "locality", _("city, town or village")
    PLACE_NAME_AR = "place_name_ar", _("place name in Arabic script")
    COORDINATES = "coordinates", _("coordinates")


class Redaction(models.Model):
    """Versions recorded before `marked_at` show this field as "redacted" in the change log and as-of views.

    The present decides: the mark hides earlier values wherever the public reads history; the admin's history keeps
    them for reviewers."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="redactions", help_text=_("The incident whose history it redacts."),
    )
    field = models.CharField(max_length=32, choices=RedactableField, help_text=_("The field whose earlier values are withdrawn."))
    marked_at = models.DateTimeField(
        default=timezone.now, help_text=_("Values recorded before this moment are shown as “redacted” in public history."),
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Who marked it."),
    )
    reason = models.TextField(blank=True, help_text=_("Why (for reviewers; never shown publicly)."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "field", "marked_at"]
        indexes = [models.Index(fields=["incident", "field"], name="redaction_incident_field")]

    def __str__(self):
        return f"{self.get_field_display()} ({self.marked_at:%Y-%m-%d})"

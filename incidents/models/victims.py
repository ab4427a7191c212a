"""Named casualties, public or private."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sources.models import Report

from .. import choices
from ..querysets import (
    VictimQuerySet,
)
from .incident import Incident


class Victim(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="victims", help_text=_("The incident."),
    )
    name = models.CharField(max_length=200, help_text=_("Name as given by the sources."))
    name_ar = models.CharField(max_length=200, blank=True, help_text=_("Name in Arabic script."))
    sex = models.CharField(max_length=8, choices=choices.Sex, default=choices.Sex.UNKNOWN, help_text=_("Sex, if known."))
    age = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Age in years, if known."))
    age_band = models.CharField(
        max_length=8, choices=choices.AgeBand, default=choices.AgeBand.UNKNOWN,
        help_text=_("Child, adult or elderly, if the exact age is not known."),
    )
    outcome = models.CharField(
        max_length=16, choices=choices.Outcome, default=choices.Outcome.KILLED, help_text=_("Killed, injured or missing."),
    )
    family_group = models.CharField(max_length=200, blank=True, help_text=_("Family the person belonged to, to group relatives."))
    notes = models.TextField(blank=True, help_text=_("What is known of the person."))
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.PROTECT, related_name="victims", help_text=_("The report that names the person."),
    )
    visibility = models.CharField(
        max_length=8, choices=choices.Visibility, default=choices.Visibility.PRIVATE,
        help_text=_("Public names appear on the incident page; private ones never leave the admin."),
    )
    history = HistoricalRecords()

    objects = VictimQuerySet.as_manager()

    class Meta:
        ordering = ["family_group", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(age__isnull=True) | Q(age__lte=130), name="victim_age_range",
                violation_error_message=_("Age must be between 0 and 130."),
            ),
        ]

    def __str__(self):
        return self.name

"""Victims, named or known by role only ("unnamed child, female, injured"), public or private."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sources.models import Report

from .. import choices
from ..querysets import (
    VictimQuerySet,
)
from .incident import Incident

# A victim must say something: a name, or at least one known attribute (the outcome always has a value, so it does not count).
SAYS_SOMETHING = (
    ~Q(name="") | ~Q(name_ar="") | Q(age__isnull=False)
    | ~Q(sex=choices.Sex.UNKNOWN) | ~Q(age_band=choices.AgeBand.UNKNOWN) | ~Q(person_status=choices.PersonStatus.UNKNOWN)
)
UNDESCRIBED = _("Give a name, or at least one thing known about the person: sex, age, age band or status.")

# How an age band reads as a noun in "unnamed child, female, injured".
AGE_BAND_NOUNS = {
    choices.AgeBand.CHILD: _("child"),
    choices.AgeBand.ADULT: _("adult"),
    choices.AgeBand.ELDERLY: _("elderly person"),
}


# The fields `describe_victim` reads, for history rows read with `.values()`.
DESCRIBED_BY = ("name", "name_ar", "sex", "age", "age_band", "person_status", "outcome", "profession")


def describe_victim(name: str, name_ar: str = "", *, sex: str, age: int | None, age_band: str, person_status: str,
                    outcome: str, profession: str = "") -> str:
    """How a victim reads everywhere: the name, else "unnamed" with what is known ("unnamed child, female, injured").

    Takes plain values, so history rows read the same as the model.
    """
    if name or name_ar:
        return name or name_ar
    head = gettext("unnamed")
    if age_band in AGE_BAND_NOUNS:
        head = f"{head} {AGE_BAND_NOUNS[age_band]}"
    known = []
    if age is not None:
        known.append(gettext("aged %(age)s") % {"age": age})
    if sex != choices.Sex.UNKNOWN:
        known.append(choices.Sex(sex).label)
    if person_status != choices.PersonStatus.UNKNOWN:
        known.append(choices.PersonStatus(person_status).label)
    if profession:
        known.append(choices.Profession(profession).label)
    if outcome:
        known.append(choices.Outcome(outcome).label)
    return ", ".join([head, *map(str, known)])


class Victim(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="victims", help_text=_("The incident."),
    )
    name = models.CharField(
        max_length=200, blank=True,
        help_text=_("Name as given by the sources; empty for a person known by role only (shown as “unnamed”)."),
    )
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
    person_status = models.CharField(
        max_length=16, choices=choices.PersonStatus, default=choices.PersonStatus.UNKNOWN, verbose_name=_("status"),
        help_text=_("Civilian, other protected person, member of armed forces or directly participating in hostilities, "
                    "if known."),
    )
    profession = models.CharField(
        max_length=16, choices=choices.Profession, blank=True,
        help_text=_("Journalist or media worker, medical personnel, humanitarian worker or human rights defender, where "
                    "the sources say so; shown only with a public victim."),
    )
    cause = models.CharField(
        max_length=16, choices=choices.Cause, default=choices.Cause.UNKNOWN,
        help_text=_("Cause of death or injury (SDG 16.1.2 categories), if known."),
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
            models.CheckConstraint(condition=SAYS_SOMETHING, name="victim_says_something", violation_error_message=UNDESCRIBED),
        ]

    def __str__(self):
        return describe_victim(self.name, self.name_ar, sex=self.sex, age=self.age, age_band=self.age_band,
                               person_status=self.person_status, outcome=self.outcome, profession=self.profession)

    @property
    def label(self) -> str:
        """The name, or "unnamed" with the person's role."""
        return str(self)

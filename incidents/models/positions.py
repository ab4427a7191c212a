"""The current position of each actor on an incident: derived from its statements and concessions, never edited."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .. import choices
from ..querysets import PositionQuerySet
from .actors import Actor
from .incident import Incident


class Position(models.Model):
    """One actor's current position on one incident (rule: `incidents.positions.positions_from`)."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="positions", editable=False,
        help_text=_("The incident the position is on."),
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="positions", editable=False,
        help_text=_("The belligerent or official body whose position it is."),
    )
    stance = models.CharField(
        max_length=24, choices=choices.Stance, blank=True, editable=False,
        help_text=_("Stance of this actor's latest official statement on the incident: its current position; empty when "
                    "it has only conceded a figure. Derived."),
    )
    reason = models.TextField(
        blank=True, editable=False, help_text=_("The reason given with that latest statement. Derived."),
    )
    stated_on = models.DateField(
        null=True, blank=True, editable=False,
        help_text=_("Date of that latest statement (or of the latest concession when there is no statement). Derived."),
    )
    stated_on_precision = models.CharField(
        max_length=8, choices=choices.StatedPrecision, default=choices.StatedPrecision.DAY, editable=False,
        help_text=_("How precisely that date is known: day, month or year, as the statement gives it. Derived."),
    )
    conceded_killed_min = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("Civilian deaths conceded by this actor: lower bound of its latest concession. Derived."),
    )
    conceded_killed_max = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("Civilian deaths conceded by this actor: upper bound of its latest concession; empty when that "
                    "concession has no upper bound (conceded_killed_open). Derived."),
    )
    conceded_killed_open = models.BooleanField(
        default=False, editable=False,
        help_text=_("True when this actor's latest concession of civilian deaths has no upper bound (“at least 3”): "
                    "the minimum reads “3+”. Derived."),
    )
    conceded_injured_min = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("Civilian injuries conceded by this actor: lower bound of its latest concession. Derived."),
    )
    conceded_injured_max = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("Civilian injuries conceded by this actor: upper bound of its latest concession; empty when that "
                    "concession has no upper bound (conceded_injured_open). Derived."),
    )
    conceded_injured_open = models.BooleanField(
        default=False, editable=False,
        help_text=_("True when this actor's latest concession of civilian injuries has no upper bound (“at least 3”): "
                    "the minimum reads “3+”. Derived."),
    )

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["-stated_on", "actor_id"]
        indexes = [
            # The stance filter: "any actor's current position is X", and "this actor's current position is X".
            models.Index(fields=["stance", "incident"], name="position_stance"),
            models.Index(fields=["actor", "stance", "incident"], name="position_actor_stance"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["incident", "actor"], name="position_one_per_actor"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"conceded_{o}_min__isnull": True}) | Q(**{f"conceded_{o}_max__isnull": True})
                    | Q(**{f"conceded_{o}_min__lte": F(f"conceded_{o}_max")}),
                    name=f"position_conceded_{o}_range",
                )
                for o in ("killed", "injured")
            ),
        ]

    def __str__(self):
        return f"{self.actor_id} on {self.incident_id}: {self.stance or 'conceded only'}"

    @property
    def has_concession(self) -> bool:
        return any(
            value is not None
            for value in (self.conceded_killed_min, self.conceded_killed_max, self.conceded_injured_min, self.conceded_injured_max)
        )

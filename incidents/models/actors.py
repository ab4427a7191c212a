"""Who fights and where: conflicts (theatres, campaigns) and actors (belligerents, official bodies)."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sources.models import Alias, SearchableName

from .. import choices
from ..querysets import (
    ActorQuerySet,
    ConflictQuerySet,
)


class Conflict(models.Model):
    name = models.CharField(max_length=200, unique=True, help_text=_("Theatre or campaign, e.g. “Coalition vs ISIS — Iraq”."))
    name_ar = models.CharField(max_length=200, blank=True, help_text=_("The name in Arabic, shown on the Arabic pages (blank: the English name)."))
    slug = models.SlugField(max_length=200, unique=True, help_text=_("Short name used in the conflict's web address."))
    description = models.TextField(blank=True, help_text=_("What the conflict or campaign is."))
    ucdp_conflict_id = models.PositiveIntegerField(
        null=True, blank=True, unique=True, help_text=_("UCDP's conflict id (conflict_new_id), when imported from UCDP."),
    )
    objects = ConflictQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("conflict_detail", args=[self.slug])


class Actor(SearchableName):
    name = models.CharField(max_length=200, unique=True, help_text=_("Name of the belligerent or official body."))
    name_ar = models.CharField(max_length=200, blank=True, help_text=_("The name in Arabic, shown on the Arabic pages (blank: the English name)."))
    slug = models.SlugField(max_length=200, unique=True, help_text=_("Short name used in the belligerent's web address."))
    kind = models.CharField(
        max_length=32, choices=choices.ActorKind, default=choices.ActorKind.STATE_FORCES,
        help_text=_("State forces, coalition, non-state armed group, government body or other."),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="members",
        help_text=_("The coalition or body this actor belongs to, if any."),
    )
    country = models.CharField(max_length=2, blank=True, help_text=_("Country of the actor (ISO 3166-1 alpha-2), if a state."))
    description = models.TextField(blank=True, help_text=_("Who the actor is."))
    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        # Held by the Reviewer group (incidents.merge_named checks it on the server).
        permissions = [("merge_actor", "Can merge two actors")]
        constraints = [
            models.CheckConstraint(condition=Q(parent__isnull=True) | ~Q(parent=F("id")), name="actor_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("belligerent_detail", args=[self.slug])


class ActorAlias(Alias):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases", help_text=_("The actor known by this name."))
    history = HistoricalRecords()

    class Meta(Alias.Meta):
        verbose_name_plural = _("actor aliases")
        constraints = [models.CheckConstraint(condition=~Q(name_normalised=""), name="actor_alias_has_words")]

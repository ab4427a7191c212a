"""Triggers only: any change to a claim or statement re-derives its incident's figures in the same transaction.

The rule itself is `services.derive_figures`.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CasualtyFigure, Incident, IncidentReport, OfficialStatement
from .services import figures_changed


@receiver(post_save, sender=CasualtyFigure)
@receiver(post_delete, sender=CasualtyFigure)
@receiver(post_save, sender=OfficialStatement)
@receiver(post_delete, sender=OfficialStatement)
@receiver(post_save, sender=IncidentReport)
@receiver(post_delete, sender=IncidentReport)
def recompute_on_change(sender, instance, raw=False, origin=None, **kwargs):
    # Fixtures load raw rows; deleting a whole incident leaves nothing to derive.
    if raw or isinstance(origin, Incident) or getattr(origin, "model", None) is Incident:
        return
    figures_changed(incident_id=instance.incident_id)

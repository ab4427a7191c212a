"""Incident linkage: candidate pairs waiting for review, and the decisions editors made on pairs (kept as data).

A side of a pair is named by a key that survives a re-import: the record's first external id
("ext:acled:IRQ123") when it has one, otherwise its incident id ("incident:42"). The two keys are stored in
order (a < b, checked by the database), so a pair has one row whatever side it was shown on.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .incident import Incident


class Verdict(models.TextChoices):
    SAME = "same", _("same event")
    DIFFERENT = "different", _("different events")
    UNSURE = "unsure", _("unsure")


class SameAction(models.TextChoices):
    NONE = "", _("nothing (not the same)")
    PROPOSED = "proposed", _("proposed: waits for a reviewer")
    LINKED = "linked", _("linked as related records of the same event")
    MERGED = "merged", _("merged by a reviewer")


class LinkCandidate(models.Model):
    """A scored pair found by `manage.py link_incidents`, waiting in the review queue (admin only).

    Derived rows, rebuilt by the command (so not edited, and without history): what is kept is the decision."""

    incident_a = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="+", editable=False, help_text=_("One record of the pair (the lower id)."),
    )
    incident_b = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="+", editable=False, help_text=_("The other record of the pair (the higher id)."),
    )
    weight = models.FloatField(editable=False, help_text=_("Sum of the fields' match weights (log2 m/u) plus the prior's log-odds."))
    probability = models.FloatField(editable=False, help_text=_("Match probability from the weight (Fellegi–Sunter, with the prior)."))
    contributions = models.JSONField(
        default=dict, editable=False, help_text=_("Each field's comparison level and match weight, as the reviewer sees them."),
    )
    run = models.CharField(max_length=200, blank=True, editable=False, help_text=_("The left and right sets the run compared."))
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When the pair was found."))

    class Meta:
        ordering = ["-weight", "pk"]
        indexes = [models.Index(F("weight").desc(), "id", name="link_candidate_queue")]
        constraints = [
            models.UniqueConstraint(fields=["incident_a", "incident_b"], name="link_candidate_unique_pair"),
            models.CheckConstraint(condition=Q(incident_a__lt=F("incident_b")), name="link_candidate_ordered_pair"),
        ]

    def __str__(self):
        return f"{self.incident_a_id} ~ {self.incident_b_id} ({self.probability:.2f})"


class LinkDecision(models.Model):
    """An editor's verdict on a pair of records, with the reason and the score they saw. One row per pair."""

    a_key = models.CharField(
        max_length=100, help_text=_("The first record of the pair: its first external id (ext:dataset:id) or incident:id."),
    )
    b_key = models.CharField(max_length=100, help_text=_("The second record of the pair, named the same way."))
    incident_a = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The incident named by the first key, while it exists (a re-import recreates it)."),
    )
    incident_b = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The incident named by the second key, while it exists."),
    )
    a_label = models.CharField(max_length=300, blank=True, help_text=_("Code and title of the first record when decided."))
    b_label = models.CharField(max_length=300, blank=True, help_text=_("Code and title of the second record when decided."))
    verdict = models.CharField(max_length=16, choices=Verdict, help_text=_("Same event, different events, or unsure."))
    reason = models.TextField(help_text=_("Why: what the editor read to decide. Required."))
    action = models.CharField(
        max_length=16, choices=SameAction, blank=True, default="",
        help_text=_("What “same” led to: a proposal for a reviewer, a related link, or a merge. Never automatic."),
    )
    weight = models.FloatField(null=True, blank=True, help_text=_("The pair's match weight when decided."))
    probability = models.FloatField(null=True, blank=True, help_text=_("The pair's match probability when decided."))
    contributions = models.JSONField(default=dict, blank=True, help_text=_("Each field's weight when decided."))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Who decided."),
    )
    decided_at = models.DateTimeField(help_text=_("When it was decided."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "pk"]
        permissions = [("export_linkdecision", "Can export link decisions as labelled pairs")]
        constraints = [
            models.CheckConstraint(condition=Q(a_key__lt=F("b_key")), name="link_decision_ordered_pair"),
            models.UniqueConstraint(fields=["a_key", "b_key"], name="link_decision_unique_pair"),
            models.CheckConstraint(condition=~Q(reason=""), name="link_decision_reason_required"),
            models.CheckConstraint(condition=Q(verdict__in=Verdict.values), name="link_decision_verdict_valid"),
        ]
        indexes = [models.Index(fields=["b_key"], name="link_decision_b_key")]

    def __str__(self):
        return f"{self.a_key} / {self.b_key}: {self.verdict}"

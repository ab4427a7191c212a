"""Pending revisions: an edit of a record the public has seen, held until a reviewer approves it."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .incident import Incident


class Revision(models.Model):
    """One editor's proposed change to a published incident and what hangs on it, kept apart from the live rows.

    The rule (who waits, how a revision is held, applied and checked for conflicts) is `incidents.revisions`.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("approved and applied")
        REJECTED = "rejected", _("rejected")

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="revisions",
        help_text=_("The published incident the change is about."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Who proposed the change; history rows written on approval carry this name."),
    )
    changes = models.JSONField(
        default=list, encoder=DjangoJSONEncoder,
        help_text=_("The proposed change as data: each row added, changed or deleted, with its field values "
                    "before and after, in the order they were made."),
    )
    state = models.CharField(
        max_length=12, choices=State, default=State.PENDING,
        help_text=_("Waiting for review, approved (applied to the public record) or rejected (nothing changed)."),
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When the change was first proposed."))
    updated_at = models.DateTimeField(auto_now=True, help_text=_("When the author last added to the proposed change."))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The reviewer who approved or rejected the change."),
    )
    decided_at = models.DateTimeField(null=True, blank=True, help_text=_("When the reviewer approved or rejected it."))
    note = models.TextField(blank=True, help_text=_("The reviewer's note to the author; required for a rejection."))
    # Who proposed, added to and decided each revision, and when.
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The reviewers' queue: pending revisions, oldest first.
            models.Index(fields=["state", "created_at"], name="revision_state_created"),
        ]
        constraints = [
            # An author's further edits of the same incident join their pending revision.
            models.UniqueConstraint(
                fields=["incident", "author"], condition=Q(state="pending"), name="revision_one_pending_per_author",
                violation_error_message=_("This author already has a change of this incident waiting for review."),
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(note=""), name="revision_rejection_note",
                violation_error_message=_("A rejection needs a note to the author."),
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(decided_at__isnull=False), name="revision_decided_at",
                violation_error_message=_("An approved or rejected revision records when it was decided."),
            ),
        ]

    def __str__(self):
        return f"Change #{self.pk} of {self.incident.code}"

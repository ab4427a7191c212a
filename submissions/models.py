"""What the public sends through /submit/: a possible incident or a correction, kept in a private moderation queue.

Nothing here is ever shown publicly: no page, list, search, API, export, feed or sitemap reads this model (the
privacy walks, tests/test_submissions_privacy.py, hold it to that). The contact details are read only by reviewers
(`may_see_contact`) and erased on request (`services.erase_contact`): no history table keeps them (this model has no
simple-history on purpose), so an erased contact is gone from the database.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from .validators import MAX_LINK_LENGTH, MAX_LINKS, validate_links

# The sizes, in characters: the form refuses more (a form error, never a 500) and so does the database.
SIZES = {
    "what": 5000, "where": 300, "when": 200, "links": MAX_LINKS * (MAX_LINK_LENGTH + 1),
    "contact_name": 200, "contact": 300, "close_reason": 1000, "notes": 5000,
}
# Who may read a submission's contact details: reviewers (and administrators), by the permission that makes a reviewer
# (incidents/workflow.py: publishing), as the jobs app decides who sees everyone's jobs.
CONTACT_PERMISSION = "incidents.publish_incident"


class Kind(models.TextChoices):
    NEW_INCIDENT = "new_incident", _("a possible incident")
    CORRECTION = "correction", _("a correction to a published record")


class SubmissionStatus(models.TextChoices):
    NEW = "new", _("new")
    CONVERTED = "converted", _("turned into a report")
    CLOSED = "closed", _("closed")


def _length_at_most(field: str) -> models.CheckConstraint:
    # PostgreSQL's varchar holds the size already; SQLite's does not, hence the check.
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), SIZES[field]), name=f"submission_{field}_size")


class Submission(models.Model):
    reference = models.CharField(
        max_length=32, unique=True, editable=False,
        help_text=_("The number the submitter was given (S-date-random). Unguessable; nothing is looked up by it publicly."),
    )
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.NEW_INCIDENT,
                            help_text=_("A possible incident, or a correction to a published record."))
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections_submitted",
        help_text=_("The published record a correction is about (only a published record can be named from the form)."),
    )
    what = models.CharField(max_length=SIZES["what"], help_text=_("What happened, or what is wrong in the record, in the submitter's words."))
    where = models.CharField(max_length=SIZES["where"], blank=True, help_text=_("Where it happened, in the submitter's words."))
    when = models.CharField(max_length=SIZES["when"], blank=True, help_text=_("When it happened, in the submitter's words."))
    links = models.CharField(
        max_length=SIZES["links"], blank=True, validators=[validate_links],
        help_text=_("Web addresses the submitter gave, one per line (http or https only, at most 10)."),
    )
    contact_name = models.CharField(max_length=SIZES["contact_name"], blank=True,
                                    help_text=_("The submitter's name, if given. Private: reviewers only; erased on request."))
    contact = models.CharField(max_length=SIZES["contact"], blank=True,
                               help_text=_("How to reach the submitter, if given. Private: reviewers only; erased on request."))
    contact_erased_at = models.DateTimeField(null=True, blank=True, editable=False,
                                             help_text=_("When the contact details were erased on request."))
    contact_erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Who erased the contact details."),
    )
    language = models.CharField(max_length=8, blank=True, editable=False, help_text=_("The language of the form it was sent from."))
    status = models.CharField(max_length=16, choices=SubmissionStatus, default=SubmissionStatus.NEW, editable=False,
                              help_text=_("New; turned into a report (and incident); or closed with a reason."))
    close_reason = models.CharField(max_length=SIZES["close_reason"], blank=True, editable=False,
                                    help_text=_("Why it was closed without a report (required to close)."))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Who turned it into a report or closed it."),
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False, help_text=_("When it was turned into a report or closed."))
    report = models.ForeignKey(
        "sources.Report", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="submissions",
        help_text=_("The report made from it."),
    )
    result_incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="submissions",
        help_text=_("The draft incident made from it, or the incident its report was linked to."),
    )
    link_waits_for_review = models.BooleanField(
        default=False, editable=False,
        help_text=_("The report's link to a published incident waits for a reviewer (a pending revision)."),
    )
    notes = models.CharField(max_length=SIZES["notes"], blank=True, help_text=_("Editors' notes (never public)."))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, help_text=_("When it was sent."))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        indexes = [models.Index(fields=["status", "created_at"], name="submission_queue")]
        constraints = [
            *[_length_at_most(field) for field in SIZES],
            models.CheckConstraint(condition=~Q(reference=""), name="submission_has_reference"),
            models.CheckConstraint(condition=~Q(status=SubmissionStatus.CLOSED) | ~Q(close_reason=""),
                                   name="submission_closed_has_reason"),
            models.CheckConstraint(condition=Q(status=SubmissionStatus.NEW) | Q(decided_at__isnull=False),
                                   name="submission_decided_has_date"),
            models.CheckConstraint(condition=Q(contact_erased_at__isnull=True) | Q(contact_name="", contact=""),
                                   name="submission_erased_contact_is_empty"),
        ]

    def __str__(self):
        # The admin's log keeps this text: the reference only, never the submitter's words or contact.
        return self.reference

    @property
    def link_list(self) -> list[str]:
        return [line for line in self.links.splitlines() if line.strip()]

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact)


def may_see_contact(user) -> bool:
    """Whether this person may read submitters' contact details: reviewers and administrators."""
    return user.is_active and user.has_perm(CONTACT_PERMISSION)

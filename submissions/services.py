"""Writes on submissions: record one from the form, erase its contact, close it, turn it into a report (and incident).

The conversion reuses the project's own writes: a report is one `sources.Report` per normalised URL (an address
already recorded is reused, as the admin's "Enter a report from its URL" does); the report is linked to the incident
through `incidents.services.link_report`, and a link to a record the public has seen waits for a reviewer as every
editor's edit of it does (`incidents.revisions.hold_save`).
"""

import datetime
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from incidents import choices as incident_choices
from incidents import locking, revisions
from incidents.models import Incident, IncidentReport
from incidents.services import link_report
from sources.models import Report
from sources.text import normalise_url

from .models import SIZES, Kind, Submission, SubmissionStatus
from .validators import split_links

# Letters and digits that cannot be misread for one another (no 0/O, 1/I/L): 8 of them are 40 bits of chance.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_RANDOM_LENGTH = 8
# Converting needs the rights to enter a report, to change incidents and to decide on submissions.
CONVERT_PERMISSIONS = ("sources.add_report", "incidents.change_incident", "submissions.change_submission")


def new_reference(day: datetime.date | None = None) -> str:
    """A fresh reference number: S-YYYYMMDD-XXXXXXXX, the last part random (not a count: nothing to enumerate)."""
    day = day or timezone.now().date()
    random_part = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_RANDOM_LENGTH))
    return f"S-{day:%Y%m%d}-{random_part}"


def corrected_incident(code) -> Incident | None:
    """The published incident a correction names by its code (or a former code); None for anything else, so an
    unknown, draft or retracted record is never revealed."""
    if not isinstance(code, str) or not code.strip() or len(code) > 32:
        return None
    return Incident.objects.published().by_code(code.strip()).only("pk", "code", "title", "title_ar").first()


def record_submission(*, kind: str, what: str, where: str = "", when: str = "", links: list[str] | str = "",
                      contact_name: str = "", contact: str = "", incident: Incident | None = None,
                      language: str = "") -> Submission:
    """Store a submission from the public (validated again here, whatever called it), with a fresh reference."""
    if isinstance(links, str):
        links = split_links(links)
    submission = Submission(
        kind=kind, what=what.strip(), where=where.strip(), when=when.strip(), links="\n".join(links),
        contact_name=contact_name.strip(), contact=contact.strip(), language=language[:8],
        incident=incident if incident is not None and kind == Kind.CORRECTION else None,
    )
    for _attempt in range(5):
        submission.reference = new_reference()
        submission.full_clean(exclude=["incident", "reference"])
        try:
            with transaction.atomic():
                submission.save(force_insert=True)
            return submission
        except IntegrityError:
            # A reference drawn twice (40 bits a day: rare) is drawn again; any other refusal is raised.
            if not Submission.objects.filter(reference=submission.reference).exists():
                raise
            submission.pk = None
    raise IntegrityError("Could not draw a unique submission reference.")


def _refuse_unless_new(submission: Submission) -> None:
    if submission.status != SubmissionStatus.NEW:
        raise ValidationError(gettext("%(reference)s is already %(status)s.") % {
            "reference": submission.reference, "status": SubmissionStatus(submission.status).label})


@transaction.atomic
def erase_contact(*, submission: Submission, user) -> bool:
    """Erase the submitter's contact details on request, recording who and when (the submission itself stays).
    False when there was nothing to erase. No history table keeps the old values."""
    if not user.is_active or not user.has_perm("submissions.change_submission"):
        raise PermissionDenied(gettext("You may not change submissions."))
    submission = locking.lock_row(Submission, submission.pk)
    if not submission.has_contact:
        return False
    submission.contact_name, submission.contact = "", ""
    submission.contact_erased_at, submission.contact_erased_by = timezone.now(), user
    submission.save(update_fields=["contact_name", "contact", "contact_erased_at", "contact_erased_by"])
    return True


@transaction.atomic
def close_submission(*, submission: Submission, user, reason: str) -> Submission:
    """Close a new submission without a report: the reason is required and kept (never public)."""
    if not user.is_active or not user.has_perm("submissions.change_submission"):
        raise PermissionDenied(gettext("You may not change submissions."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(gettext("Say why the submission is closed."))
    if len(reason) > SIZES["close_reason"]:
        raise ValidationError(gettext("The reason is too long."))
    submission = locking.lock_row(Submission, submission.pk)
    _refuse_unless_new(submission)
    submission.status, submission.close_reason = SubmissionStatus.CLOSED, reason
    submission.decided_by, submission.decided_at = user, timezone.now()
    submission.save(update_fields=["status", "close_reason", "decided_by", "decided_at"])
    return submission


@dataclass
class NewReport:
    """What the editor says the report is (the admin's conversion form fills it, prefilled from the submission)."""

    source: object
    title: str
    url: str = ""
    published_on: datetime.date | None = None
    kind: str = "article"


@dataclass
class NewIncident:
    """The draft incident to open for a possible incident (when no existing incident is named)."""

    title: str
    date_start: datetime.date
    date_precision: str = incident_choices.DatePrecision.DAY
    country: str = ""


def _report_notes(submission: Submission) -> str:
    """The report's editors' notes (never public): the submission's words, never its contact details."""
    lines = [gettext("From public submission %(reference)s.") % {"reference": submission.reference}, "", submission.what]
    if submission.where:
        lines.append(gettext("Where: %(where)s") % {"where": submission.where})
    if submission.when:
        lines.append(gettext("When: %(when)s") % {"when": submission.when})
    if submission.links:
        lines += [gettext("Links:"), submission.links]
    return "\n".join(lines)


def _report(submission: Submission, new_report: NewReport, user) -> tuple[Report, bool]:
    """The report at the URL (an address already recorded, after normalisation, is reused), or a new one."""
    if new_report.url:
        existing = Report.objects.filter(url_normalised=normalise_url(new_report.url)).first()
        if existing is not None:
            return existing, False
    report = Report(source=new_report.source, title=new_report.title.strip(), url=new_report.url, kind=new_report.kind,
                    published_on=new_report.published_on, notes=_report_notes(submission))
    report.full_clean()
    report._history_user = user
    report._change_reason = f"From public submission {submission.reference}"
    report.save()
    return report, True


def _draft_incident(submission: Submission, new_incident: NewIncident, user) -> Incident:
    incident = Incident(title=new_incident.title.strip(), date_start=new_incident.date_start,
                        date_precision=new_incident.date_precision, country=new_incident.country.upper(),
                        status=incident_choices.Status.DRAFT, created_by=user, updated_by=user)
    incident._history_user = user
    incident._change_reason = f"Opened from public submission {submission.reference}"
    incident.save()
    return incident


@dataclass
class Conversion:
    submission: Submission
    report: Report
    report_created: bool
    incident: Incident
    incident_created: bool
    waits_for_review: bool


@transaction.atomic
def convert_submission(*, submission: Submission, user, report: NewReport, incident: Incident | None = None,
                       new_incident: NewIncident | None = None) -> Conversion:
    """In one step: a report from the submission (its first link, or a report of the correction), linked to the
    incident named (a correction's record, or a duplicate the editor found) or to a new draft incident; the
    submission records what was made, by whom and when."""
    needed = CONVERT_PERMISSIONS + (("incidents.add_incident",) if incident is None else ())
    if not user.is_active or not user.has_perms(needed):
        raise PermissionDenied(gettext("Turning a submission into a report needs the rights to enter reports and incidents."))
    if incident is None and new_incident is None:
        raise ValidationError(gettext("Name an existing incident or describe the new draft incident."))
    submission = locking.lock_row(Submission, submission.pk)
    _refuse_unless_new(submission)
    made_report, report_created = _report(submission, report, user)
    incident_created = incident is None
    if incident_created:
        incident = _draft_incident(submission, new_incident, user)
    waits = False
    if not IncidentReport.objects.filter(incident=incident, report=made_report).exists():
        # A record the public has seen changes only through review when this editor's edits wait for one.
        waits = revisions.hold_save(user=user, obj=IncidentReport(incident=incident, report=made_report)) is not None
        if not waits:
            link_report(incident=incident, report=made_report)
    submission.status, submission.decided_by, submission.decided_at = SubmissionStatus.CONVERTED, user, timezone.now()
    submission.report, submission.result_incident, submission.link_waits_for_review = made_report, incident, waits
    submission.save(update_fields=["status", "decided_by", "decided_at", "report", "result_incident", "link_waits_for_review"])
    return Conversion(submission, made_report, report_created, incident, incident_created, waits)

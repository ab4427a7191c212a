"""The editors' dashboard on the admin's home page: what needs doing, counted by the database, a few of each listed."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from sources.models import Report, Source
from sources.named_admin import merge_url

from . import merge_named, named_duplicates
from .models import Actor, AggregateClaim, Incident, Revision

STALE_DAYS = 30
LISTED = 10


@dataclass
class Queue:
    title: str
    description: str
    count: int
    more_url: str
    items: list[tuple[str, str, str]] = field(default_factory=list)  # (url, label, note)


def stale_drafts(queryset=None):
    """Drafts nobody has changed for `STALE_DAYS` days (the admin's list filter passes its own queryset)."""
    return (Incident.objects.all() if queryset is None else queryset).stale_drafts(STALE_DAYS)


def ungraded_with_claims(queryset=None):
    """Incidents with at least one casualty claim and no grade yet."""
    return (Incident.objects.all() if queryset is None else queryset).ungraded_with_claims()


def unlinked_reports(queryset=None):
    """Reports that no incident is linked to yet."""
    return (Report.objects.all() if queryset is None else queryset).unlinked()


def _incident_queue(title, description, queryset, more_query, order, note) -> Queue:
    listed = list(queryset.order_by(*order).only("code", "title", "updated_at", "date_start")[:LISTED])
    return Queue(
        title, description, queryset.count(), f"{reverse('admin:incidents_incident_changelist')}?{more_query}",
        [(reverse("admin:incidents_incident_change", args=[i.pk]), f"{i.code}: {i.title}", note(i)) for i in listed],
    )


def _short_day(day) -> str:
    """A day in the dashboard's short form: "05 Mar 2017"."""
    return date_format(day, "d M Y")


def editors_dashboard(user) -> list[Queue]:
    """The queues the user may see (a fixed number of queries)."""
    queues = []
    if user.has_perm("incidents.view_incident"):
        def touched(incident):
            return gettext("last changed %(day)s") % {"day": _short_day(timezone.localdate(incident.updated_at))}

        queues += [
            _incident_queue(gettext("Waiting for review"), gettext("Submitted by an editor; a reviewer publishes or returns them."),
                            Incident.objects.in_review(), "status__exact=in_review", ["updated_at", "pk"], touched),
            _incident_queue(gettext("Drafts untouched for %(days)s days") % {"days": STALE_DAYS},
                            gettext("Finish and submit them, or delete them."),
                            stale_drafts(), "attention=stale_drafts", ["updated_at", "pk"], touched),
            _incident_queue(gettext("Claims but no grade"), gettext("Incidents with casualty claims that no reviewer has graded yet."),
                            ungraded_with_claims(), "attention=ungraded", ["-date_start", "-pk"],
                            lambda i: _short_day(i.date_start)),
        ]
    if user.has_perm("incidents.change_incident"):
        pending = Revision.objects.filter(state=Revision.State.PENDING).select_related("incident", "author")
        listed = list(pending.order_by("created_at", "pk")[:LISTED])
        queues.append(Queue(
            gettext("Changes of published incidents waiting for review"),
            gettext("Edits of published records, kept apart until a reviewer approves them; the public sees the approved version."),
            pending.count(), f"{reverse('admin:incidents_revision_changelist')}?state=pending",
            [(reverse("admin:incidents_revision_change", args=[r.pk]), f"{r.incident.code}: {r.incident.title}",
              gettext("by %(who)s, %(day)s") % {"who": r.author.get_username() if r.author else gettext("a former user"),
                                                "day": _short_day(timezone.localdate(r.created_at))})
             for r in listed],
        ))
    if user.has_perm("incidents.view_aggregateclaim"):
        claims = AggregateClaim.objects.in_review().select_related("report__source")
        listed = list(claims.order_by("updated_at", "pk")[:LISTED])
        queues.append(Queue(
            gettext("Aggregate claims waiting for review"),
            gettext("Figures for a period and area (or a belligerent's tallies) submitted by an editor; a reviewer publishes or "
                    "returns them."),
            claims.count(), f"{reverse('admin:incidents_aggregateclaim_changelist')}?status__exact=in_review",
            [(reverse("admin:incidents_aggregateclaim_change", args=[c.pk]), str(c), c.report.source.public_name) for c in listed],
        ))
    if user.has_perm("sources.view_report"):
        reports = unlinked_reports().select_related("source")
        listed = list(reports.order_by("-created_at", "-pk")[:LISTED])
        queues.append(Queue(
            gettext("Reports without incidents"), gettext("Entered, but no incident links to them: record what they state."),
            reports.count(), f"{reverse('admin:sources_report_changelist')}?linked=no",
            [(reverse("admin:sources_report_change", args=[r.pk]), r.title, r.source.public_name) for r in listed],
        ))
    for model in (Source, Actor):
        # Reviewers merge; the queue is shown when there is something to look at.
        duplicates = _duplicates_queue(model) if merge_named.may_merge(user, model) else None
        if duplicates is not None and duplicates.count:
            queues.append(duplicates)
    return queues


def _duplicates_queue(model) -> Queue:
    """Pairs of sources or actors that may be one record (rule: `named_duplicates`), each linked to the merge screen."""
    opts = model._meta
    pairs = named_duplicates.possible_duplicates(model)
    return Queue(
        gettext("Possible duplicate %(records)s") % {"records": opts.verbose_name_plural},
        (gettext("Names that read alike or the same homepage domain: merge the two if they are one %(record)s (its name becomes "
                 "an alias, its address redirects). At most %(count)s, surest first.") if model is Source else
         gettext("Names that read alike: merge the two if they are one %(record)s (its name becomes an alias, its address "
                 "redirects). At most %(count)s, surest first.")) % {"record": opts.verbose_name, "count": named_duplicates.PAIRS_SHOWN},
        len(pairs), reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        [(merge_url(model, pair.first_pk, pair.second_pk), f"{pair.first_name} ↔ {pair.second_name}",
          pair.reason if pair.reason != named_duplicates.SIMILAR else f"{pair.reason} ({pair.score:.2f})") for pair in pairs],
    )

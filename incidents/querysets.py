"""Reads. What the public may see is written here once: every public surface starts from one of these methods.

- an incident is public when published; a retracted one keeps only a tombstone at its address;
- a claim, statement or named victim is public when its incident is (claims not excluded, victims public);
- an aggregate claim is public when published and not excluded;
- an actor is public when a public record names it: a belligerent or the issuer of a statement on a
  published incident, or the actor of a published aggregate claim;
- a conflict is public when it has a published incident or a published aggregate claim;
- reports and sources: `sources.querysets`.
"""

import datetime

from django.apps import apps
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from .choices import Status, Visibility


def on_published_incident(path: str = "incident") -> Q:
    """Rows that hang (through `path`) on a published incident: the one spelling of the rule for joins."""
    return Q(**{f"{path}__status": Status.PUBLISHED})


ON_PUBLISHED_INCIDENT = on_published_incident()


def _model(name: str):
    """A model of this app, looked up when needed (the models import this module)."""
    return apps.get_model("incidents", name)


def _belligerents() -> Prefetch:
    roles = _model("BelligerentRoleLink").objects.select_related("actor").order_by("role", "actor__name")
    return Prefetch("belligerent_roles", queryset=roles)


def prefetch_rows(incidents: list) -> list:
    """Fetch the belligerents of incidents already read (several lists at once: one query)."""
    prefetch_related_objects(incidents, _belligerents())
    return incidents


class IncidentQuerySet(models.QuerySet):
    def published(self):
        """Incidents the public may see."""
        return self.filter(status=Status.PUBLISHED)

    def published_or_retracted(self):
        """Incidents that keep a public address: published ones, and retracted ones (a notice with the public reason)."""
        return self.filter(status__in=[Status.PUBLISHED, Status.RETRACTED])

    def seen_by_public(self):
        """Incidents the public has seen (published now, retracted, or published once): their edits wait for review."""
        return self.filter(Q(status__in=[Status.PUBLISHED, Status.RETRACTED]) | Q(published_at__isnull=False))

    def retracted(self):
        """Retracted incidents: their page shows only the retraction notice."""
        return self.filter(status=Status.RETRACTED)

    def for_list(self):
        """Incidents with what a list row shows (conflict, belligerents with their names): two queries whatever the rows.
        The stored search words are not read (the search reads them in SQL)."""
        return self.select_related("conflict").prefetch_related(_belligerents()).defer("search_head", "search_body", "search_quotes")

    def with_positions(self):
        """Incidents with each actor's current position (`current_positions`, latest first, actors named): one query more."""
        positions = _model("Position").objects.select_related("actor__parent").order_by("-stated_on", "actor__name")
        return self.prefetch_related(Prefetch("positions", queryset=positions, to_attr="current_positions"))

    def with_public_related(self):
        """Incidents with `public_related`: the published records linked to each as related (possibly the same event)."""
        return self.prefetch_related(
            Prefetch("related", queryset=self.model.objects.published().only("id", "code").order_by("code"), to_attr="public_related"),
        )

    def by_code(self, code: str):
        """Incidents with this code, or whose old code (before a merge) it is."""
        return self.filter(Q(code=code) | Q(Exists(_model("IncidentAlias").objects.filter(incident=OuterRef("pk"), code=code))))

    def naming(self, actor):
        """Incidents on which this actor itself is named as a belligerent (alleged or acknowledged)."""
        return self.filter(Exists(_model("BelligerentRoleLink").objects.filter(incident=OuterRef("pk"), actor=actor)))

    def reported_by(self, source):
        """Incidents covered by a report of this source."""
        return self.filter(Exists(_model("IncidentReport").objects.filter(incident=OuterRef("pk"), report__source=source)))

    def in_review(self):
        """Incidents an editor submitted, waiting for a reviewer."""
        return self.filter(status=Status.IN_REVIEW)

    def stale_drafts(self, days: int):
        """Drafts nobody has changed for `days` days."""
        return self.filter(status=Status.DRAFT, updated_at__lt=timezone.now() - datetime.timedelta(days=days))

    def ungraded_with_claims(self):
        """Incidents with at least one casualty claim and no grade yet."""
        return self.filter(grade="").filter(Exists(_model("CasualtyFigure").objects.filter(incident=OuterRef("pk"))))


class FigureQuerySet(models.QuerySet):
    def published(self):
        """Claims shown publicly: on a published incident, not excluded."""
        return self.filter(ON_PUBLISHED_INCIDENT, excluded=False)


class StatementQuerySet(models.QuerySet):
    def published(self):
        """Statements on published incidents."""
        return self.filter(ON_PUBLISHED_INCIDENT)


class PositionQuerySet(models.QuerySet):
    def published(self):
        """Current positions on published incidents (derived from their statements and non-excluded concessions)."""
        return self.filter(ON_PUBLISHED_INCIDENT)


class AggregateClaimQuerySet(models.QuerySet):
    def published(self):
        """Aggregate claims the public may see: published and not excluded."""
        return self.filter(status=Status.PUBLISHED, excluded=False)

    def in_review(self):
        """Aggregate claims an editor submitted, waiting for a reviewer."""
        return self.filter(status=Status.IN_REVIEW)


class VictimQuerySet(models.QuerySet):
    def published(self):
        """Named victims the public may see: public ones on published incidents."""
        return self.filter(ON_PUBLISHED_INCIDENT, visibility=Visibility.PUBLIC)


class ActorQuerySet(models.QuerySet):
    def public(self):
        """Actors a public record names: belligerent, statement issuer or conceding actor on a published incident, or aggregate claim actor."""
        outer = OuterRef("pk")
        return self.filter(
            Exists(_model("BelligerentRoleLink").objects.filter(ON_PUBLISHED_INCIDENT, actor=outer))
            | Exists(_model("OfficialStatement").objects.published().filter(issuer=outer))
            | Exists(_model("AggregateClaim").objects.published().filter(actor=outer))
            | Exists(_model("Position").objects.published().filter(actor=outer))
        )

    def belligerents_in(self, incidents):
        """Actors named as belligerents on these incidents, each with their number (`published_incidents`)."""
        return self.filter(incident_roles__incident__in=incidents.order_by().values("pk")).annotate(
            published_incidents=Count("incident_roles", distinct=True)
        )

    def with_published_incidents(self):
        """Each actor with the number of published incidents naming it as a belligerent (`published_incidents`)."""
        return self.annotate(published_incidents=Count("incident_roles", filter=on_published_incident("incident_roles__incident")))


class ConflictQuerySet(models.QuerySet):
    def public(self):
        """Conflicts with a published incident or a published aggregate claim."""
        outer = OuterRef("pk")
        return self.filter(
            Exists(_model("Incident").objects.published().filter(conflict=outer))
            | Exists(_model("AggregateClaim").objects.published().filter(conflicts=outer))
        )

    def of_incidents(self, incidents):
        """Conflicts of these incidents, each with their number (`published_incidents`)."""
        return self.filter(incidents__in=incidents.order_by().values("pk")).annotate(published_incidents=Count("incidents", distinct=True))

    def with_published_incidents(self):
        """Each conflict with its number of published incidents (`published_incidents`)."""
        return self.annotate(published_incidents=Count("incidents", filter=on_published_incident("incidents")))


def published_versions(history):
    """The versions of a record's history in which it was published (for the as-of views)."""
    return history.filter(status=Status.PUBLISHED)

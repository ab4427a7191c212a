"""Reads. `published()` is the one gate: every public surface starts from it."""

from django.db import models

from .choices import Status, Visibility


class IncidentQuerySet(models.QuerySet):
    def published(self):
        """Incidents the public may see."""
        return self.filter(status=Status.PUBLISHED)


class FigureQuerySet(models.QuerySet):
    def published(self):
        """Claims shown publicly: on a published incident, not excluded."""
        return self.filter(incident__status=Status.PUBLISHED, excluded=False)


class StatementQuerySet(models.QuerySet):
    def published(self):
        """Statements on published incidents."""
        return self.filter(incident__status=Status.PUBLISHED)


class AggregateClaimQuerySet(models.QuerySet):
    def published(self):
        """Aggregate claims the public may see: published and not excluded."""
        return self.filter(status=Status.PUBLISHED, excluded=False)


class VictimQuerySet(models.QuerySet):
    def published(self):
        """Named victims the public may see: public ones on published incidents."""
        return self.filter(incident__status=Status.PUBLISHED, visibility=Visibility.PUBLIC)

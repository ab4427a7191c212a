"""Reads of sources and reports: what the public may see of them (see also `incidents.querysets`).

A report is public when it covers a published incident or states a published aggregate claim; a source is
public when it is not confidential and has a public report. A confidential source's reports stay public by
their generic label only (date, language, kind), and the source itself has no page and is never named.
"""

from django.apps import apps
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from incidents.querysets import ON_PUBLISHED_INCIDENT, on_published_incident


def _incidents_model(name: str):
    return apps.get_model("incidents", name)


def _public_report(outer: str) -> Q:
    """Reports (matched by `outer`) that cover a published incident or state a published aggregate claim."""
    links = _incidents_model("IncidentReport").objects.filter(ON_PUBLISHED_INCIDENT, **{outer: OuterRef("pk")})
    claims = _incidents_model("AggregateClaim").objects.published().filter(**{outer: OuterRef("pk")})
    return Q(Exists(links)) | Q(Exists(claims))


class SourceQuerySet(models.QuerySet):
    def not_confidential(self):
        """Sources that may be named (a confidential one shows only its generic label)."""
        return self.filter(is_confidential=False)

    def public(self):
        """Sources the public may see by name, with a page: not confidential, and with a public report."""
        return self.not_confidential().filter(_public_report("report__source"))

    def with_published_counts(self):
        """Each source with its number of published incidents and of reports covering them."""
        published = on_published_incident("reports__incident_links__incident")
        return self.annotate(
            published_incidents=Count("reports__incident_links__incident", filter=published, distinct=True),
            published_reports=Count("reports", filter=published, distinct=True),
        )


class ReportQuerySet(models.QuerySet):
    def public(self):
        """Reports the public may see: covering a published incident or stating a published aggregate claim."""
        return self.filter(_public_report("report"))

    def not_confidential(self):
        """Reports whose source may be named."""
        return self.filter(source__is_confidential=False)

    def with_published_links(self):
        """Each report with its links to published incidents (`published_links`, by incident date) and their number.

        The number is a correlated count, not a join with GROUP BY, so a page read by keyset stops at its last row.
        """
        links = _incidents_model("IncidentReport").objects.filter(ON_PUBLISHED_INCIDENT).select_related("incident")
        counted = (
            _incidents_model("IncidentReport").objects.filter(ON_PUBLISHED_INCIDENT, report=OuterRef("pk"))
            .order_by().values("report").annotate(number=Count("pk")).values("number")
        )
        return self.annotate(
            published_incidents=Coalesce(Subquery(counted), 0),
        ).prefetch_related(Prefetch("incident_links", queryset=links.order_by("-incident__date_start", "incident_id"), to_attr="published_links"))

    def unlinked(self):
        """Reports that nothing records yet: no incident linked, no aggregate claim (a queue of the editors' dashboard)."""
        return self.filter(incident_links__isnull=True, aggregate_claims__isnull=True)

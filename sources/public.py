"""The one gate for reading a report in public: what of a report any public surface may show.

Pages, the API, exports, downloads, the change log and the timeline read a report's title, address and author
only through `public_report` (a quote is shown in its report's sentence only when `public_report(...).confidential`
is false). For a report of a confidential source they get none of them: the report reads
"a confidential source" (`CONFIDENTIAL_SOURCE`), with the source's generic label, its date, language and kind.
Which reports are public at all is `Report.objects.public()` (sources.querysets); this is what of one may be shown.
"""

import datetime
from dataclasses import asdict, dataclass

from django.utils.translation import gettext_lazy

# What a confidential source's report reads as wherever its title would be.
CONFIDENTIAL_SOURCE = gettext_lazy("a confidential source")


@dataclass(frozen=True)
class PublicReport:
    """A report as the public may see it. Empty strings where a confidential source's report withholds a field."""

    pk: int
    title: str
    url: str
    archive_url: str
    author: str
    published_on: datetime.date | None
    language: str
    kind: str
    kind_label: str
    source: str  # the source's name, or its generic label when it is confidential
    source_slug: str | None
    source_kind: str
    source_url: str  # the source's page ("" for a confidential one: it has none)
    confidential: bool

    @property
    def label(self) -> str:
        """What stands for the report in a sentence or a link: its title, or "a confidential source"."""
        return str(CONFIDENTIAL_SOURCE) if self.confidential else self.title


def public_report(report) -> PublicReport | None:
    """The report as any public surface may show it (None for no report)."""
    if report is None:
        return None
    source = report.source
    hidden = source.is_confidential
    return PublicReport(
        pk=report.pk,
        title="" if hidden else report.title,
        url="" if hidden else report.url,
        archive_url="" if hidden else report.archive_url,
        author="" if hidden else report.author,
        published_on=report.published_on,
        language=report.language,
        kind=report.kind,
        kind_label=report.get_kind_display(),
        source=source.public_name,
        source_slug=None if hidden else source.slug,
        source_kind="" if hidden else source.kind,
        source_url=source.get_absolute_url(),
        confidential=hidden,
    )


# The fields the API, the exports and the downloads give for a report, in their order.
EXPORTED = ("title", "url", "archive_url", "published_on", "language", "author", "kind", "source", "source_slug", "source_kind")


def public_report_fields(report) -> dict:
    """The public report's fields for the API, the exports and the downloads (all empty for no report)."""
    public = public_report(report)
    if public is None:
        return {"id": None, **{name: "" for name in EXPORTED}, "published_on": None, "source_slug": None}
    values = asdict(public)
    return {"id": public.pk, **{name: values[name] for name in EXPORTED}}


def may_name_confidential_source(user) -> bool:
    """Whether the user may untick "confidential" on a source: a reviewer only (`incidents.publish_incident`), since its
    name, reports' titles and addresses then show on every public surface at once. Checked by the admin's form and save."""
    return user.is_active and user.has_perm("incidents.publish_incident")

"""How this tracker meets the casualty-recording standards, as data: each requirement, the practice, and where the
site does it. The methodology page renders the list (`#standards`); tests/test_conformance.py opens every link, in
English and Arabic, and finds its anchor on the page it leads to.

The standards: the Standards for Casualty Recording (Every Casualty Worldwide, 2016, rev. 2020) and OHCHR's guidance
on SDG indicator 16.1.2 (conflict-related deaths).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Where:
    """A place on the site: a URL name and, optionally, an anchor on that page."""

    label: Promise
    url_name: str
    anchor: str = ""

    def url(self) -> str:
        return reverse(self.url_name) + (f"#{self.anchor}" if self.anchor else "")


@dataclass(frozen=True)
class Requirement:
    key: str
    requirement: Promise
    practice: Promise
    where: tuple[Where, ...]


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        "sources",
        _("Sources recorded"),
        _("Every figure is one claim, stored with the report that states it, who it is attributed to, when it was "
          "stated and the words quoted; each incident page links every figure to its report, its quote and an archived "
          "copy where there is one."),
        (Where(_("How a range is derived"), "methodology", "figure-rules"), Where(_("Sources"), "source_list"),
         Where(_("Claim fields"), "methodology", "field-casualtyfigure")),
    ),
    Requirement(
        "corroboration",
        _("Corroboration"),
        _("Each incident is graded for what the evidence says (confirmed, fair, weak, contested, discounted) and "
          "counts the sources that report it; totals are also given for confirmed and fair incidents only."),
        (Where(_("Grades"), "methodology", "grades"), Where(_("Totals by grade"), "methodology", "totals"),
         Where(_("Incident fields"), "methodology", "field-incident")),
    ),
    Requirement(
        "ranges",
        _("Ranges where sources disagree"),
        _("No claim is discarded to pick one number: the headline is the range from the lowest to the highest "
          "reported figure, kept open (“101+”) when no source gives an upper bound; a belligerent's concession is "
          "shown beside it, never merged into it."),
        (Where(_("The reported range rule"), "methodology", "figure-rules"),
         Where(_("How a range is written"), "methodology", "display-rule")),
    ),
    Requirement(
        "status",
        _("Status and ambiguity"),
        _("Claims and victims record sex, age, status and cause in the SDG 16.1.2 categories, each with “unknown”, "
          "so nothing is presumed; a count of all deaths (any status) is never read as civilian deaths."),
        (Where(_("Claim fields"), "methodology", "field-casualtyfigure"), Where(_("Victim fields"), "methodology", "field-victim"),
         Where(_("SDG 16.1.2 categories"), "methodology", "sdg"), Where(_("SDG 16.1.2 table"), "sdg_table")),
    ),
    Requirement(
        "transparency",
        _("Transparency"),
        _("This page states every rule from the code that applies it, with a dated history of methodology versions; "
          "each published incident has a public change log and can be read as recorded, or as known, on a past date; "
          "dated full downloads come with a data dictionary, and the API takes the same filters as the pages."),
        (Where(_("Methodology versions"), "methodology", "rule-versions"),
         Where(_("Two date views"), "methodology", "two-date-views"),
         Where(_("Downloads and data dictionary"), "data", "dictionary-heading"), Where(_("API documentation"), "api:docs")),
    ),
    Requirement(
        "protection",
        _("Protection of sources and victims"),
        _("A confidential source appears only by a generic label; a victim marked private never leaves the editors' "
          "interface; a location can be shown more coarsely than it is known; a redaction applies to the public past "
          "as well."),
        (Where(_("What is never published"), "methodology", "protection"),),
    ),
    Requirement(
        "corrections",
        _("Corrections"),
        _("Anyone can report a possible incident or a correction; a published record is never deleted but retracted, "
          "keeping its address and a public reason; updated records are announced in a feed."),
        (Where(_("Corrections and retractions"), "methodology", "corrections"),
         Where(_("Report an incident or a correction"), "submission"),
         Where(_("Feed of updated incidents"), "feed_updated_atom")),
    ),
)


def conformance() -> list[dict]:
    """The requirements with their links resolved, for the methodology page (in the active language)."""
    return [
        {"key": item.key, "requirement": item.requirement, "practice": item.practice,
         "where": [{"label": where.label, "url": where.url()} for where in item.where]}
        for item in REQUIREMENTS
    ]

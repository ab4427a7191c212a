"""The incident chooser of the admin (the autocomplete where a claim, statement, victim or report link names its incident).

Ranked by closeness to the report being entered: its date (the report's publication date, or the claim's
"stated on") and its place (the countries of the incidents the report already covers). Never picks while
still searching: `static/incidents/admin/incident-chooser.js` refuses Enter while the list on screen is
not yet the answer to the text typed.

Fast at a million incidents: the typed text is matched like the public search (GIN index on PostgreSQL, a
code prefix on the code's index), an empty search reads only the incidents within `WINDOW` of the date (the
date index), and at most `MAX_RESULTS` are ranked and counted.
"""

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Case, F, Func, IntegerField, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse

from sources.models import Report

from ..models import IncidentReport
from ..params import is_whole_number
from ..search import match_text

MAX_RESULTS = 100
# An empty search lists the incidents that started within this many days of the report's date.
WINDOW = datetime.timedelta(days=90)
# An incident in another country than those the report covers ranks as if this many days further away.
OTHER_COUNTRY_DAYS = 31
CODE_PREFIX = re.compile(r"CT-\d*", re.IGNORECASE)


class DaysBetween(Func):
    """Whole days from the first date to the second (negative when the second is earlier), on PostgreSQL and SQLite."""

    output_field = IntegerField()
    template = "(%(expressions)s)"

    def __init__(self, start, end):
        super().__init__(end, start)  # end - start

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, arg_joiner=" - ", **extra)  # date - date is a number of days

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)",
                              arg_joiner=") - julianday(", **extra)

    as_sql = as_postgresql


@dataclass(frozen=True)
class Near:
    """What the chooser ranks by: a date and countries (either may be unknown)."""

    date: datetime.date | None = None
    countries: tuple[str, ...] = ()


def near_from(params) -> Near:
    """The hints the chooser sent (`near_date`, `near_report`), read leniently: a bad hint is no hint, never an error."""
    try:
        date = forms.DateField(required=False).clean(params.get("near_date", "")[:40])
    except ValidationError:
        date = None
    report_id = params.get("near_report", "")
    countries: tuple[str, ...] = ()
    if is_whole_number(report_id) and len(report_id) < 12:
        if date is None:
            date = Report.objects.filter(pk=report_id).values_list("published_on", flat=True).first()
        countries = tuple(sorted({
            country for country in IncidentReport.objects.filter(report_id=report_id)
            .values_list("incident__country", flat=True)[:50] if country
        }))
    return Near(date=date, countries=countries)


def closeness(near: Near):
    """Days between the incident's dates and the report's (0 when the report's date falls within them), plus the place's weight."""
    score = Value(0)
    if near.date is not None:
        day = Value(near.date)
        end = Coalesce(F("date_end"), F("date_start"))
        score = Greatest(DaysBetween(day, F("date_start")), DaysBetween(end, day), Value(0))
    if near.countries:
        score = score + Case(When(country__in=near.countries, then=Value(0)), default=Value(OTHER_COUNTRY_DAYS))
    return score


def choose(queryset, term: str, near: Near):
    """The incidents offered for the typed text, the closest to the report first, at most `MAX_RESULTS`."""
    term = term.strip()
    if CODE_PREFIX.fullmatch(term):
        queryset = queryset.filter(code__startswith=term.upper())
    elif term:
        queryset = match_text(queryset, term)
    elif near.date is not None:
        queryset = queryset.filter(date_start__gte=near.date - WINDOW, date_start__lte=near.date + WINDOW)
    if near.date is None and not near.countries:
        return queryset.order_by("-date_start", "-id")[:MAX_RESULTS]
    return queryset.alias(closeness=closeness(near)).order_by("closeness", "-date_start", "-id")[:MAX_RESULTS]


def is_chooser_request(request) -> bool:
    """Whether the admin is answering an autocomplete (not searching its own list)."""
    return request.path == reverse("admin:autocomplete")


class IncidentChooser(AutocompleteSelect):
    """The admin's autocomplete for an incident, sending the report's date and id as hints, and never picking while searching.

    `date_field` and `report_field` name fields of the same page whose values are sent; `report_id` is the report
    whose page this is.
    """

    def __init__(self, *args, date_field: str = "", report_field: str = "", report_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.hints = {"data-near-date-field": date_field, "data-near-report-field": report_field,
                      "data-near-report": "" if report_id is None else str(report_id)}

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs.update({name: value for name, value in self.hints.items() if value})
        # Closing the list (Tab, a click elsewhere) never picks the highlighted result.
        attrs["data-select-on-close"] = "false"
        return attrs

    @property
    def media(self):
        # Named after Django's autocomplete.js, so that every merge of the page's media keeps ours after it.
        return super().media + forms.Media(js=["admin/js/autocomplete.js", "incidents/admin/incident-chooser.js"])

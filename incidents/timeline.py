"""An incident's own timeline, built from its dated facts.

Pure: takes what the page has already loaded (the incident, its reports, public
claims and statements, and its history rows) and makes no query. The reader sees
the event, each report's publication, each claim, each official statement and
conceded figure, and when this tracker published or regraded the record, in date
order: "strike → local claims → acknowledgement → investigation → conceded figure".
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext

from sources.public import public_report

from . import choices, display

# On one day: the event, then the reports, the figures they state, the statements, the figures conceded, our own steps.
KIND_ORDER = {"event": 0, "report": 1, "claim": 2, "statement": 3, "concession": 4, "tracker": 5}
KIND_LABELS = {
    "event": gettext_lazy("Event"), "report": gettext_lazy("Report"), "claim": gettext_lazy("Figures claimed"),
    "statement": gettext_lazy("Official statement"), "concession": gettext_lazy("Figure conceded"),
    "tracker": gettext_lazy("On this tracker"),
}


@dataclass
class Entry:
    day: datetime.date
    when: str
    kind: str
    text: str
    items: list[str] = field(default_factory=list)
    quote: str = ""
    datetime_attr: str = ""

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def sort_key(self) -> tuple:
        return (self.day, KIND_ORDER[self.kind])


def _day(value: datetime.date) -> str:
    return display.format_date(value, choices.DatePrecision.DAY)


def describe_claim(claim) -> str:
    """One claim in words: "residents: more than 100 civilians killed"."""
    number = display.format_claim(claim)
    what = pgettext("whom and what a claim counts: civilians killed", "%(group)s %(outcome)s") % {
        "group": display.whom(claim), "outcome": claim.get_outcome_display()}
    if number == display.NO_NUMBER:
        words = pgettext("a claim with no number: civilians killed, no number", "%(what)s, %(number)s") % {"what": what, "number": number}
    else:
        words = pgettext("a claim's number and what it counts: 83 civilians killed", "%(number)s %(what)s") % {
            "number": number, "what": what}
    return gettext("%(who)s: %(words)s") % {"who": claim.attributed_to, "words": words} if claim.attributed_to else words


def _event_datetime(incident) -> str:
    """The machine-readable date, no more precise than what is known ("2017-03" for a month)."""
    if incident.date_precision == choices.DatePrecision.YEAR:
        return f"{incident.date_start.year:04d}"
    if incident.date_precision == choices.DatePrecision.MONTH:
        return incident.date_start.strftime("%Y-%m")
    return incident.date_start.isoformat()


def _event(incident) -> Entry:
    what = choices.EventType(incident.event_type).label if incident.event_type else gettext("Incident")
    text = f"{str(what)[:1].upper()}{str(what)[1:]}"
    if display.place_words(incident) or incident.country:
        text = gettext("%(what)s in %(place)s") % {"what": text, "place": display.format_place(incident)}
    return Entry(
        day=incident.date_start, when=display.format_date(incident.date_start, incident.date_precision, incident.date_end),
        kind="event", text=text, datetime_attr=_event_datetime(incident),
    )


def _report(report) -> Entry:
    public = public_report(report)
    if public.confidential:
        text = gettext("A report from a %(source)s") % {"source": public.source}
    else:
        text = gettext("%(source)s publishes “%(title)s”") % {"source": public.source, "title": public.title}
    return Entry(day=report.published_on, when=_day(report.published_on), kind="report", text=text,
                 datetime_attr=report.published_on.isoformat())


def _claim_day(claim) -> datetime.date | None:
    report = getattr(claim, "report", None) if claim.report_id else None
    return claim.stated_on or (report.published_on if report else None)


def _claims(figures) -> list[Entry]:
    """One entry per date, basis and report (or conceding statement): the figures stated together."""
    groups: dict[tuple, list] = {}
    for claim in figures:
        day = _claim_day(claim)
        if day is None:
            continue
        # Dated by its report when it has no date of its own: then the report's day is known.
        dated = claim if claim.stated_on else None
        groups.setdefault((day, dated and claim.stated_on_precision, claim.basis, claim.statement_id or 0, claim.report_id or 0),
                          []).append(claim)
    entries = []
    for (day, _precision, basis, _statement, _report), claims in groups.items():
        if basis == choices.Basis.CONCEDED:
            statement = claims[0].statement if claims[0].statement_id else None
            who = statement.issuer.name if statement else (claims[0].attributed_to or gettext("A belligerent"))
            text, kind = gettext("by %(who)s") % {"who": who}, "concession"
        elif basis == choices.Basis.ESTIMATE:
            text, kind = gettext("This tracker's own estimate"), "claim"
        else:
            report = claims[0].report if claims[0].report_id else None
            if report is None:
                text = ""
            elif public_report(report).confidential:
                text = gettext("as reported by a %(source)s") % {"source": public_report(report).source}
            else:
                text = gettext("as reported by %(source)s") % {"source": public_report(report).source}
            kind = "claim"
        dated = claims[0] if claims[0].stated_on else None
        entries.append(Entry(day=day, when=display.format_stated(dated) if dated else _day(day), kind=kind, text=text,
                             items=[describe_claim(claim) for claim in claims],
                             datetime_attr=display.stated_iso(dated) if dated else day.isoformat()))
    return entries


def _statement(statement) -> Entry:
    return Entry(
        day=statement.stated_on, when=display.format_stated(statement), kind="statement",
        text=gettext("%(who)s: %(words)s") % {"who": statement.issuer.name, "words": statement.get_stance_display()},
        quote=statement.quote,
        datetime_attr=display.stated_iso(statement),
    )


def tracker_events(history) -> list[Entry]:
    """Publication and grade changes from the incident's history rows (oldest first).

    Only what the public may know: nothing of a draft's content, only that the
    record was published, with which grade, and how the grade changed after.
    """
    entries, published_before, shown_grade, previous_status = [], False, None, None
    for row in history:
        status, grade = row["status"], row["grade"]
        day = timezone.localdate(row["history_date"])
        if status == choices.Status.PUBLISHED:
            if not published_before:
                text = _published_words(grade, again=False)
            elif previous_status != choices.Status.PUBLISHED:
                text = _published_words(grade, again=True)
            elif grade != shown_grade:
                old = choices.Grade(shown_grade).label if shown_grade else gettext("no grade")
                new = choices.Grade(grade).label if grade else gettext("no grade")
                text = gettext("grade changed from %(old)s to %(new)s") % {"old": old, "new": new}
            else:
                text = ""
            if text:
                entries.append(Entry(day=day, when=_day(day), kind="tracker", text=text, datetime_attr=day.isoformat()))
            published_before, shown_grade = True, grade
        previous_status = status
    return entries


def _published_words(grade: str, *, again: bool) -> str:
    """"record published, graded confirmed", "record published again" (with the grade when there is one)."""
    if grade:
        label = choices.Grade(grade).label
        if again:
            return gettext("record published again, graded %(grade)s") % {"grade": label}
        return gettext("record published, graded %(grade)s") % {"grade": label}
    return gettext("record published again") if again else gettext("record published")


def build_timeline(incident, *, reports, figures, statements, history) -> list[Entry]:
    """Every dated fact of the incident, in date order; same-day facts in the order they follow one another."""
    entries = [_event(incident)]
    entries += [_report(report) for report in reports if report.published_on]
    entries += _claims(figures)
    entries += [_statement(statement) for statement in statements]
    entries += tracker_events(history)
    # sorted() is stable: facts of one kind on one day keep the order they were given in.
    return sorted(entries, key=lambda entry: entry.sort_key)

"""Where a slip is easy: dates of a claim or statement that do not fit its incident, asked about before saving.

Nothing here refuses a save: a claim stated before the incident happened, or a report dated far from the incident,
is usually a slip (the wrong incident or report chosen, a mistyped year) but can be true (a late report, an
incident whose date was corrected). The admin shows these warnings and saves only once the editor confirms.
"""

import calendar
import datetime

from django.conf import settings
from django.utils.translation import gettext

from . import choices, display
from .models import CasualtyFigure, Incident, OfficialStatement


def report_gap_days() -> int:
    """How far (days) a report may be dated from its incident before the admin asks (DJANGO_REPORT_GAP_DAYS)."""
    return settings.CASUALTYTRACKER_REPORT_GAP_DAYS


def stated_period_end(day: datetime.date, precision: str) -> datetime.date:
    """The last day a date known to `precision` may be: a month's last day, a year's 31 December."""
    if precision == choices.StatedPrecision.YEAR:
        return day.replace(month=12, day=31)
    if precision == choices.StatedPrecision.MONTH:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def date_warnings(*, incident, report=None, stated_on=None, stated_on_precision=choices.StatedPrecision.DAY) -> list[str]:
    """What looks wrong about when a claim or statement was made or published, relative to its incident."""
    if incident is None or incident.date_start is None:
        return []
    start = incident.date_start
    end = incident.date_end or start
    when = display.format_date(start, incident.date_precision, incident.date_end)
    warnings = []
    if stated_on is not None and stated_period_end(stated_on, stated_on_precision) < start:
        warnings.append(
            gettext("Stated on %(day)s, before the incident happened (%(when)s). Check the date stated and the incident chosen.")
            % {"day": display.format_date(stated_on, stated_on_precision), "when": when}
        )
    published = getattr(report, "published_on", None)
    if published is not None:
        if published < start:
            warnings.append(
                gettext("The report “%(title)s” is dated %(day)s, before the incident happened (%(when)s). Check the report's "
                        "date and the incident chosen.") % {"title": report.title, "day": display.format_day(published), "when": when}
            )
        elif (published - end).days > report_gap_days():
            warnings.append(
                gettext("The report “%(title)s” is dated %(day)s, %(days)s days after the incident (%(when)s). Check the "
                        "report's date and the incident chosen.") % {
                    "title": report.title, "day": display.format_day(published), "days": display.number((published - end).days),
                    "when": when}
            )
    return warnings


def incident_date_warnings(incident, *, date_start, date_end, date_precision) -> list[str]:
    """What the incident's new dates make look wrong among its recorded claims and statements (one line per row)."""
    moved = Incident(date_start=date_start, date_end=date_end, date_precision=date_precision)
    rows = [
        *CasualtyFigure.objects.filter(incident=incident).select_related("report").order_by("stated_on", "pk"),
        *OfficialStatement.objects.filter(incident=incident).select_related("report", "issuer").order_by("stated_on", "pk"),
    ]
    return [
        gettext("%(who)s: %(words)s") % {"who": row, "words": warning} for row in rows
        for warning in date_warnings(incident=moved, report=row.report, stated_on=row.stated_on, stated_on_precision=row.stated_on_precision)
    ]

"""Template filters for the display rules in `incidents.display`."""

from django import template

from incidents import choices, display
from sources.public import public_report as _public_report
from sources.validators import is_web_address

register = template.Library()


@register.simple_tag
def figure_range(low, high):
    """{% figure_range claim.count_min claim.count_max %}: a pair of numbers as a range."""
    return display.format_range(low, high)


@register.simple_tag
def figure(record, prefix):
    """{% figure incident "reported_killed" %}: an incident's derived range, "101+" when open, "1+" beside a claim with no number."""
    return display.format_figure(record, prefix)


@register.simple_tag
def total_range(low, high, open_count=0):
    """{% total_range totals.all.reported_min totals.all.reported_max totals.all.reported_open %}: a sum of ranges;
    "at least …" when an incident of the set has an open top or a claim with no number; "no number" when none has one."""
    return display.format_total(low, high, open_top=bool(open_count))


@register.filter
def count_of(number, noun):
    """{{ totals.all.incidents|count_of:"incident" }} → "1 incident", "2 incidents" (`display.count_words`)."""
    return display.count_words(number, noun)


@register.filter
def has_number(figure):
    """A claim that gives a number (not one in words only, "dozens")."""
    return display.format_claim(figure) != display.NO_NUMBER


@register.filter
def claim_number(claim):
    return display.format_claim(claim)


@register.filter
def whom(claim):
    """Whom a claim counts, in words (`incidents.whom`): "civilians", "women", "journalists or media workers"."""
    return display.whom(claim)


@register.filter
def when(incident):
    """The incident's date, honest to its precision."""
    return display.format_date(incident.date_start, incident.date_precision, incident.date_end)


@register.filter
def stated(record):
    """When a claim or statement was made, honest to its precision ("December 2018")."""
    return display.format_stated(record)


@register.filter
def stated_iso(record):
    """The same date for a `<time datetime>`: "2018-12" for a month."""
    return display.stated_iso(record)


@register.filter
def geo_precision_words(value):
    return display.GEO_PRECISION_WORDS.get(value, "")


@register.filter
def grade_definition(value):
    return choices.GRADE_DEFINITIONS.get(value, "")


@register.filter
def country_name(code):
    return display.country_name(code)


@register.filter
def place(incident):
    """The incident's place in words, with its country."""
    return display.format_place(incident)


@register.filter
def short_place(incident):
    """The incident's place for a list: its locality (else district, else province), then its province: "Mosul, Nīnawá"."""
    return display.format_place(incident, short=True)


@register.filter
def language_name(code):
    return display.language_name(code)


@register.simple_tag
def period(start, end):
    """{% period claim.period_start claim.period_end %}: "March 2017", "1–15 March 2017"."""
    return display.format_period(start, end)


@register.filter
def public_report(report):
    """{% with public=claim.report|public_report %}: the report as the public may see it (`sources.public`, the one gate)."""
    return _public_report(report)


@register.filter
def safe_url(value) -> str:
    """A stored link as an href only when it is http(s) (sources.validators); anything else becomes no link at all.

    The models and the database refuse other links already; this is the last line, for what got in before them.
    """
    return value if is_web_address(value) else ""

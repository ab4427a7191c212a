"""Template filters for the display rules in `incidents.display`."""

from django import template

from incidents import choices, display

register = template.Library()


@register.simple_tag
def figure_range(low, high):
    """{% figure_range incident.reported_killed_min incident.reported_killed_max %}"""
    return display.format_range(low, high)


@register.simple_tag
def total_range(low, high):
    """{% total_range totals.all.reported_min totals.all.reported_max %}: a sum of ranges, "—" when no incident has a number."""
    return display.format_total(low, high)


@register.filter
def claim_number(claim):
    return display.format_claim(claim)


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
def language_name(code):
    return display.language_name(code)


@register.simple_tag
def period(start, end):
    """{% period claim.period_start claim.period_end %}: "March 2017", "1–15 March 2017"."""
    return display.format_period(start, end)

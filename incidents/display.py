"""How numbers, dates and places read on every public surface: written once, here."""

import datetime

from django.utils.formats import date_format

from . import choices

UNKNOWN = "Unknown"


def format_range(low: int | None, high: int | None) -> str:
    """A figure range for readers: nothing known → "Unknown"; min = max → one number; open max → "101+"."""
    if low is None and high is None:
        return UNKNOWN
    if high is None:
        return f"{low:,}+"
    if low is None:
        return f"up to {high:,}"
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"


def format_claim(claim) -> str:
    """One claim's number as it was phrased: "more than 100", "at least 83", "137", "no number given"."""
    low, high, qualifier = claim.count_min, claim.count_max, claim.qualifier
    if qualifier == choices.Qualifier.UNQUANTIFIED or (low is None and high is None):
        return "no number given"
    if qualifier == choices.Qualifier.MORE_THAN and low is not None and high is None:
        return f"more than {low - 1:,}"
    if qualifier == choices.Qualifier.AT_LEAST and high is None:
        return f"at least {low:,}"
    if qualifier == choices.Qualifier.ABOUT and low == high:
        return f"about {low:,}"
    if low is None:
        return f"up to {high:,}"
    return format_range(low, high)


def format_date(day: datetime.date | None, precision: str, end: datetime.date | None = None) -> str:
    """A date honest to its precision: "March 2017" for a month, "c. 17 March 2017" for a few days."""
    if day is None:
        return UNKNOWN
    if precision == choices.DatePrecision.YEAR:
        return str(day.year) if not end or end.year == day.year else f"{day.year}–{end.year}"
    if precision == choices.DatePrecision.MONTH:
        return date_format(day, "F Y")
    if precision == choices.DatePrecision.WEEK:
        return f"week of {date_format(day, 'j F Y')}"
    if precision == choices.DatePrecision.DAYS:
        if end and end != day:
            return f"between {date_format(day, 'j F')} and {date_format(end, 'j F Y')}"
        return f"c. {date_format(day, 'j F Y')}"
    return date_format(day, "j F Y")


GEO_PRECISION_WORDS = {
    choices.GeoPrecision.EXACT: "exact location",
    choices.GeoPrecision.WITHIN_100M: "to within 100 m",
    choices.GeoPrecision.STREET: "to street or landmark level",
    choices.GeoPrecision.NEIGHBOURHOOD: "to neighbourhood level",
    choices.GeoPrecision.TOWN: "to village or town level",
    choices.GeoPrecision.CITY: "to city level",
    choices.GeoPrecision.DISTRICT: "to district level",
    choices.GeoPrecision.PROVINCE: "to province level",
    choices.GeoPrecision.COUNTRY: "to country level only",
}


COUNTRY_NAMES = {
    "IQ": "Iraq", "SY": "Syria", "YE": "Yemen", "AF": "Afghanistan", "SO": "Somalia", "LY": "Libya",
    "PK": "Pakistan", "PS": "Palestine", "LB": "Lebanon", "UA": "Ukraine", "SD": "Sudan", "US": "United States",
    "GB": "United Kingdom", "TR": "Türkiye", "IR": "Iran", "IL": "Israel", "SE": "Sweden", "FR": "France",
    "DE": "Germany", "RU": "Russia", "QA": "Qatar", "AE": "United Arab Emirates", "SA": "Saudi Arabia", "JO": "Jordan",
    "EG": "Egypt", "KW": "Kuwait", "BH": "Bahrain", "OM": "Oman", "CH": "Switzerland", "NL": "Netherlands", "BE": "Belgium",
    "DK": "Denmark", "NO": "Norway", "CA": "Canada", "AU": "Australia", "IN": "India", "CN": "China", "ML": "Mali",
    "NE": "Niger", "NG": "Nigeria", "BF": "Burkina Faso", "ET": "Ethiopia", "SS": "South Sudan", "MM": "Myanmar",
}


def country_name(code: str) -> str:
    """The country's English name from its ISO 3166-1 alpha-2 code (the code itself when not listed)."""
    return COUNTRY_NAMES.get((code or "").upper(), code or "")


def format_place(incident) -> str:
    """The place in words, most precise part first, with its country: "Mosul al-Jadida, Mosul, Nīnawá, Iraq"."""
    parts = [incident.place, country_name(incident.country)]
    return ", ".join(part for part in parts if part) or UNKNOWN


def language_name(code: str) -> str:
    """A language's English name from its code ("ar" → "Arabic"); the code itself when unknown."""
    from django.utils.translation import get_language_info

    try:
        return get_language_info((code or "").lower())["name"]
    except KeyError:
        return code or ""


def format_period(start: datetime.date, end: datetime.date) -> str:
    """A period in words, as short as it is exact: "March 2017", "2017", "1–15 March 2017", "1 March – 15 April 2017"."""
    next_day = end + datetime.timedelta(days=1)
    if start.day == 1 and next_day.day == 1:
        if start.month == 1 and next_day.month == 1 and next_day.year == start.year + 1:
            return str(start.year)
        if (start.year, start.month) == (end.year, end.month):
            return date_format(start, "F Y")
        if start.year == end.year:
            return f"{date_format(start, 'F')} – {date_format(end, 'F Y')}"
        return f"{date_format(start, 'F Y')} – {date_format(end, 'F Y')}"
    if start == end:
        return date_format(start, "j F Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{date_format(end, 'j F Y')}"
    if start.year == end.year:
        return f"{date_format(start, 'j F')} – {date_format(end, 'j F Y')}"
    return f"{date_format(start, 'j F Y')} – {date_format(end, 'j F Y')}"

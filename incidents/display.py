"""How numbers, dates and places read on every public surface: written once, here."""

import datetime
from functools import lru_cache

import pycountry
from django.utils.formats import date_format

from . import choices

UNKNOWN = "Unknown"  # a date or place nobody knows
# Nothing known about a number, said one way everywhere: an incident's range, a concession, a claim in words only, a total.
NO_NUMBER = "no number"

# The derived ranges stored on an incident (services.derive_figures), by field prefix.
RANGE_PREFIXES = ("reported_killed", "conceded_killed", "reported_injured", "conceded_injured", "children_killed", "women_killed")
# The ranges a claim in words only can leave incomplete (`<prefix>_unquantified`).
REPORTED_PREFIXES = ("reported_killed", "reported_injured", "children_killed", "women_killed")


def format_range(low: int | None, high: int | None, *, open_top: bool = False, unknown: str = NO_NUMBER) -> str:
    """A figure range for readers: nothing known → "no number"; min = max → one number; open top → "101+"; no min → "up to 200".

    The one wording of a range: pages, feeds, the admin ("—" for nothing known) and claims' names all call it.
    """
    if open_top and low is not None:
        return f"{low:,}+"
    if low is None and high is None:
        return unknown
    if high is None:
        return f"{low:,}+"
    if low is None:
        return f"up to {high:,}"
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"


def range_of(record, prefix: str) -> dict:
    """An incident's derived range as every public surface shows it (rule: services.derive_figures).

    `high` is None when the top is open: the stored maximum then holds the highest number stated, a sort key,
    never shown as a maximum. `unquantified`: a source gives this figure in words only ("dozens"). `record` is an
    incident or a past version of one (older versions have no flags: read as closed and complete).
    """
    is_open = bool(getattr(record, f"{prefix}_open", False))
    return {
        "low": getattr(record, f"{prefix}_min"),
        "high": None if is_open else getattr(record, f"{prefix}_max"),
        "open": is_open,
        "unquantified": bool(getattr(record, f"{prefix}_unquantified", False)),
    }


def public_max(record, prefix: str) -> int | None:
    """The maximum an export or the API gives: empty when the top is open (`<prefix>_open` says so)."""
    return range_of(record, prefix)["high"]


def format_figure(record, prefix: str) -> str:
    """An incident's headline figure in short: "83–137", "101+" (open top), "1+" (another claim gives no number), "no number".

    A "+" always means the top is not known: an open-ended claim, or a claim in words only that may be larger.
    """
    shown = range_of(record, prefix)
    text = format_range(shown["low"], shown["high"], open_top=shown["open"])
    if shown["unquantified"] and text != NO_NUMBER and not text.endswith("+"):
        text += "+"
    return text


def format_total(low: int | None, high: int | None, *, open_top: bool = False) -> str:
    """A sum of incidents' ranges (incidents.totals): "no number" when no incident of the set has one; "at least …" when
    an incident of the set has an open top or a claim with no number, so the sum has no upper bound."""
    if open_top and low is not None:
        return f"at least {low:,}"
    if open_top:
        return NO_NUMBER
    return format_range(low, high)


def count_words(number: int | None, noun: str, plural: str | None = None) -> str:
    """A count in words, the one way everywhere: "1 incident", "2 incidents", "1,234 incidents", "0 incidents"."""
    number = number or 0
    return f"{number:,} {noun if number == 1 else (plural or noun + 's')}"


def format_claim(claim) -> str:
    """One claim's number as it was phrased: "more than 100", "at least 83", "137", "no number"."""
    low, high, qualifier = claim.count_min, claim.count_max, claim.qualifier
    if qualifier == choices.Qualifier.UNQUANTIFIED or (low is None and high is None):
        return NO_NUMBER
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
        return f"c. {format_day(day)}"
    return format_day(day)


# How a day is written on every page ("17 March 2017", day before month), and the ways a reader may type one back:
# that form, its short month, day/month/year with slashes, and ISO 8601 (what links and the API use).
DAY_INPUT_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d/%m/%Y")


def format_day(day: datetime.date) -> str:
    """A day as the site writes it: "17 March 2017"."""
    return date_format(day, "j F Y")


def read_day(text: str) -> datetime.date | None:
    """A day typed in one of `DAY_INPUT_FORMATS` ("17 March 2017", "17 Mar 2017", "17/03/2017", "2017-03-17"), else None."""
    text = " ".join(str(text or "").split())
    for form in DAY_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def format_stated(record) -> str:
    """When a claim or statement was made, honest to its precision: "17 March 2017", "December 2018", "2018"; "—" if undated."""
    day = record.stated_on
    return "—" if day is None else format_date(day, getattr(record, "stated_on_precision", "") or choices.StatedPrecision.DAY)


def stated_iso(record) -> str:
    """The same date for machines (HTML `datetime`, exports' readers): "2017-03-17", "2018-12" or "2018"."""
    day, precision = record.stated_on, getattr(record, "stated_on_precision", "") or choices.StatedPrecision.DAY
    if day is None:
        return ""
    if precision == choices.StatedPrecision.YEAR:
        return f"{day.year:04d}"
    if precision == choices.StatedPrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


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


# Codes outside ISO 3166-1 that conflict datasets use.
USER_ASSIGNED_COUNTRIES = {"XK": "Kosovo"}


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """The country's short English name from its ISO 3166-1 alpha-2 code ("SY" → "Syria"); the code itself when unknown.

    Names come from ISO 3166 through pycountry, in their common form where ISO gives one ("Syria", "Iran", "Bolivia").
    """
    code = (code or "").strip().upper()
    if code in USER_ASSIGNED_COUNTRIES:
        return USER_ASSIGNED_COUNTRIES[code]
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    head, comma, tail = name.partition(", ")
    # ISO's inverted names read in natural order: "Palestine, State of" → "State of Palestine", "Virgin Islands, U.S." → "U.S. Virgin Islands".
    if comma and (tail.endswith((" of", " of the")) or " " not in tail):
        return f"{tail.removeprefix('The ')} {head}"
    return name


def country_code(*, alpha_3: str = "", name: str = "") -> str:
    """The ISO 3166-1 alpha-2 code of a country given by its alpha-3 code or English name ("" when ISO knows neither).

    A former name in brackets is ignored, as event datasets write it: "Yemen (North Yemen)" is Yemen.
    """
    country = pycountry.countries.get(alpha_3=alpha_3.strip().upper()) if len(alpha_3.strip()) == 3 else None
    if country is None and name.split(" (")[0].strip():
        try:
            country = pycountry.countries.lookup(name.split(" (")[0].strip())
        except LookupError:
            country = None
    return country.alpha_2 if country is not None else ""


PLACE_PARTS = ("neighbourhood", "locality", "admin2", "admin1")


def place_words(record) -> str:
    """The place below the country, most precise part first, repeats dropped: "Zanjili, Mosul, Mosul district, Nineveh".

    `record` is anything with the place fields (an incident, a past version of one).
    """
    parts = (getattr(record, name, "") for name in PLACE_PARTS)
    return ", ".join(dict.fromkeys(part for part in parts if part))


def format_place(record, *, short: bool = False) -> str:
    """The place in words: in full with its country ("Mosul al-Jadida, Mosul, Nīnawá, Iraq"), or `short` for lists.

    The short form is the most precise named place among locality, district (admin2) and province (admin1), then
    its province: "Mosul, Nīnawá"; the country's name when nothing below it is known; "Unknown" when nothing is.
    """
    country = country_name(getattr(record, "country", ""))
    if short:
        admin1 = getattr(record, "admin1", "")
        named = getattr(record, "locality", "") or getattr(record, "admin2", "") or admin1
        parts = [named, admin1] if named else [country]
        return ", ".join(dict.fromkeys(part for part in parts if part)) or UNKNOWN
    parts = [place_words(record), country]
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

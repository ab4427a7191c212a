"""How numbers, dates and places read on every public surface: written once, here.

Every word goes through Django's translation (English and Arabic) and every number and month name through its
localisation, so a page in Arabic reads Arabic; in English the output is the site's English, byte for byte.
"""

import datetime
import gettext as pygettext
from functools import lru_cache

import pycountry
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, get_language_info, gettext, gettext_lazy, ngettext, pgettext

from . import choices
from .whom import whom  # noqa: F401 (whom a claim counts: one of the display rules, written in its own module)

UNKNOWN = gettext_lazy("Unknown")  # a date or place nobody knows
# Nothing known about a number, said one way everywhere: an incident's range, a concession, a claim in words only, a total.
NO_NUMBER = gettext_lazy("no number")

# The derived ranges stored on an incident (services.derive_figures), by field prefix.
RANGE_PREFIXES = ("reported_killed", "conceded_killed", "reported_injured", "conceded_injured", "children_killed", "women_killed")
# The ranges a claim in words only can leave incomplete (`<prefix>_unquantified`).
REPORTED_PREFIXES = ("reported_killed", "reported_injured", "children_killed", "women_killed")


def number(value: int) -> str:
    """A whole number as the active language groups it: "1,234" in English (the one way every figure is written)."""
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def open_ended(text: str) -> str:
    """A figure with no known top: "101+" (the "+" reads "or more")."""
    return pgettext("a figure with no known top, e.g. 101+", "%(number)s+") % {"number": text}


def format_range(low: int | None, high: int | None, *, open_top: bool = False, unknown: str = NO_NUMBER) -> str:
    """A figure range for readers: nothing known → "no number"; min = max → one number; open top → "101+"; no min → "up to 200".

    The one wording of a range: pages, feeds, the admin ("—" for nothing known) and claims' names all call it.
    """
    if open_top and low is not None:
        return open_ended(number(low))
    if low is None and high is None:
        return str(unknown)
    if high is None:
        return open_ended(number(low))
    if low is None:
        return gettext("up to %(number)s") % {"number": number(high)}
    if low == high:
        return number(low)
    return pgettext("a range of figures, lowest first", "%(low)s–%(high)s") % {"low": number(low), "high": number(high)}


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
    if shown["unquantified"] and shown["high"] is not None:  # a closed range beside a claim that may be larger
        text = open_ended(text)
    return text


def format_total(low: int | None, high: int | None, *, open_top: bool = False) -> str:
    """A sum of incidents' ranges (incidents.totals): "no number" when no incident of the set has one; "at least …" when
    an incident of the set has an open top or a claim with no number, so the sum has no upper bound."""
    if open_top and low is not None:
        return at_least(low)
    if open_top:
        return str(NO_NUMBER)
    return format_range(low, high)


def at_least(low: int) -> str:
    """A lower bound with no known top: "at least 83"."""
    return gettext("at least %(number)s") % {"number": number(low)}


# The nouns a count is given in (`count_words`), each with its plural forms for the active language.
COUNT_NOUNS = {
    "incident": lambda n: ngettext("%(count)s incident", "%(count)s incidents", n),
    "report": lambda n: ngettext("%(count)s report", "%(count)s reports", n),
    "conflict": lambda n: ngettext("%(count)s conflict", "%(count)s conflicts", n),
    "belligerent": lambda n: ngettext("%(count)s belligerent", "%(count)s belligerents", n),
    "concession": lambda n: ngettext("%(count)s concession", "%(count)s concessions", n),
    "group": lambda n: ngettext("%(count)s group", "%(count)s groups", n),
    "claim": lambda n: ngettext("%(count)s claim", "%(count)s claims", n),
    "source": lambda n: ngettext("%(count)s source", "%(count)s sources", n),
    "problem": lambda n: ngettext("%(count)s problem", "%(count)s problems", n),
    "row": lambda n: ngettext("%(count)s row", "%(count)s rows", n),
    "event": lambda n: ngettext("%(count)s event", "%(count)s events", n),
    "aggregate claim": lambda n: ngettext("%(count)s aggregate claim", "%(count)s aggregate claims", n),
    "victim": lambda n: ngettext("%(count)s victim", "%(count)s victims", n),
    "statement": lambda n: ngettext("%(count)s statement", "%(count)s statements", n),
}


def count_words(count: int | None, noun: str, plural: str | None = None) -> str:
    """A count in words, the one way everywhere: "1 incident", "2 incidents", "1,234 incidents", "0 incidents".

    A noun of `COUNT_NOUNS` is said in the active language with its plural forms; any other stays as given."""
    count = count or 0
    if noun in COUNT_NOUNS and plural is None:
        return COUNT_NOUNS[noun](count) % {"count": number(count)}
    return f"{number(count)} {noun if count == 1 else (plural or noun + 's')}"


def format_claim(claim) -> str:
    """One claim's number as it was phrased: "more than 100", "at least 83", "137", "no number"."""
    low, high, qualifier = claim.count_min, claim.count_max, claim.qualifier
    if qualifier == choices.Qualifier.UNQUANTIFIED or (low is None and high is None):
        return str(NO_NUMBER)
    if qualifier == choices.Qualifier.MORE_THAN and low is not None and high is None:
        return gettext("more than %(number)s") % {"number": number(low - 1)}
    if qualifier == choices.Qualifier.AT_LEAST and high is None:
        return at_least(low)
    if qualifier == choices.Qualifier.ABOUT and low == high:
        return gettext("about %(number)s") % {"number": number(low)}
    return format_range(low, high)


def format_date(day: datetime.date | None, precision: str, end: datetime.date | None = None) -> str:
    """A date honest to its precision: "March 2017" for a month, "c. 17 March 2017" for a few days."""
    if day is None:
        return str(UNKNOWN)
    if precision == choices.DatePrecision.YEAR:
        if not end or end.year == day.year:
            return str(day.year)
        return pgettext("a span of years", "%(first)s–%(last)s") % {"first": day.year, "last": end.year}
    if precision == choices.DatePrecision.MONTH:
        return format_month(day)
    if precision == choices.DatePrecision.WEEK:
        return gettext("week of %(day)s") % {"day": format_day(day)}
    if precision == choices.DatePrecision.DAYS:
        if end and end != day:
            return gettext("between %(first)s and %(last)s") % {"first": date_format(day, "j F"), "last": format_day(end)}
        return gettext("c. %(day)s") % {"day": format_day(day)}
    return format_day(day)


def format_month(day: datetime.date) -> str:
    """A month as the site writes it: "March 2017" (the day unknown)."""
    return date_format(day, "F Y")


# How a day is written on every page ("17 March 2017", day before month), and the ways a reader may type one back:
# that form, its short month, day/month/year with slashes, and ISO 8601 (what links and the API use).
DAY_INPUT_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d/%m/%Y")


def format_day(day: datetime.date) -> str:
    """A day as the site writes it: "17 March 2017"."""
    return date_format(day, "j F Y")


def read_day(text: str) -> datetime.date | None:
    """A day typed in one of `DAY_INPUT_FORMATS` ("17 March 2017", "17 Mar 2017", "17/03/2017", "2017-03-17"), else None."""
    text = _english_months(" ".join(str(text or "").split()))
    for form in DAY_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _english_months(text: str) -> str:
    """The active language's month names read as English ones, so that a day the page wrote ("17 مارس 2017") reads back."""
    if (get_language() or "en").startswith("en"):
        return text
    for month in range(1, 13):
        first = datetime.date(2000, month, 1)
        text = text.replace(date_format(first, "F"), first.strftime("%B"))
    return text


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
    choices.GeoPrecision.EXACT: gettext_lazy("exact location"),
    choices.GeoPrecision.WITHIN_100M: gettext_lazy("to within 100 m"),
    choices.GeoPrecision.STREET: gettext_lazy("to street or landmark level"),
    choices.GeoPrecision.NEIGHBOURHOOD: gettext_lazy("to neighbourhood level"),
    choices.GeoPrecision.TOWN: gettext_lazy("to village or town level"),
    choices.GeoPrecision.CITY: gettext_lazy("to city level"),
    choices.GeoPrecision.DISTRICT: gettext_lazy("to district level"),
    choices.GeoPrecision.PROVINCE: gettext_lazy("to province level"),
    choices.GeoPrecision.COUNTRY: gettext_lazy("to country level only"),
}


# Codes outside ISO 3166-1 that conflict datasets use.
USER_ASSIGNED_COUNTRIES = {"XK": gettext_lazy("Kosovo")}
# ISO's common names (English: pycountry's `common_name`), which ISO's translations do not give: said in the active
# language by this site's own catalogue ("Syria", not "Syrian Arab Republic").
COMMON_NAMES = {
    "BO": gettext_lazy("Bolivia"), "IR": gettext_lazy("Iran"), "KR": gettext_lazy("South Korea"), "LA": gettext_lazy("Laos"),
    "MD": gettext_lazy("Moldova"), "KP": gettext_lazy("North Korea"), "SY": gettext_lazy("Syria"),
    "TW": gettext_lazy("Taiwan"), "TZ": gettext_lazy("Tanzania"), "VE": gettext_lazy("Venezuela"), "VN": gettext_lazy("Vietnam"),
}


def country_name(code: str) -> str:
    """The country's short name in the active language from its ISO 3166-1 alpha-2 code ("SY" → "Syria"); the code
    itself when unknown. English names are ISO's common form; other languages take ISO's own translation (pycountry)."""
    language = get_language() or "en"
    return _country_name(code, "en" if language.startswith("en") else language)


@lru_cache(maxsize=1024)
def _country_name(code: str, language: str) -> str:
    code = (code or "").strip().upper()
    if code in USER_ASSIGNED_COUNTRIES:
        return str(USER_ASSIGNED_COUNTRIES[code])
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None:
        return code
    if language != "en":
        return str(COMMON_NAMES[code]) if code in COMMON_NAMES else _iso_names(language).gettext(country.name)
    name = getattr(country, "common_name", None) or country.name
    head, comma, tail = name.partition(", ")
    # ISO's inverted names read in natural order: "Palestine, State of" → "State of Palestine", "Virgin Islands, U.S." → "U.S. Virgin Islands".
    if comma and (tail.endswith((" of", " of the")) or " " not in tail):
        return f"{tail.removeprefix('The ')} {head}"
    return name


@lru_cache(maxsize=8)
def _iso_names(language: str):
    """ISO 3166-1 names in `language`, as the iso-codes project translates them (shipped with pycountry)."""
    return pygettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


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
    return list_separator().join(dict.fromkeys(part for part in parts if part))


def list_separator() -> str:
    """What separates the parts of a place or a short list: ", " in English."""
    return pgettext("separator between the parts of a place or a short list", ", ")


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
        return list_separator().join(dict.fromkeys(part for part in parts if part)) or str(UNKNOWN)
    parts = [place_words(record), country]
    return list_separator().join(part for part in parts if part) or str(UNKNOWN)


def language_name(code: str) -> str:
    """A language's name in the active language from its code ("ar" → "Arabic"); the code itself when unknown."""
    try:
        return str(get_language_info((code or "").lower())["name_translated"])
    except KeyError:
        return code or ""


def format_period(start: datetime.date, end: datetime.date) -> str:
    """A period in words, as short as it is exact: "March 2017", "2017", "1–15 March 2017", "1 March – 15 April 2017"."""
    next_day = end + datetime.timedelta(days=1)
    if start.day == 1 and next_day.day == 1:
        if start.month == 1 and next_day.month == 1 and next_day.year == start.year + 1:
            return str(start.year)
        if (start.year, start.month) == (end.year, end.month):
            return format_month(start)
        if start.year == end.year:
            return _span(date_format(start, "F"), format_month(end))
        return _span(format_month(start), format_month(end))
    if start == end:
        return format_day(start)
    if (start.year, start.month) == (end.year, end.month):
        return pgettext("days of one month: 1–15 March 2017", "%(first)s–%(last)s") % {"first": start.day, "last": format_day(end)}
    if start.year == end.year:
        return _span(date_format(start, "j F"), format_day(end))
    return _span(format_day(start), format_day(end))


def _span(first: str, last: str) -> str:
    """A period between two written dates: "1 March – 15 April 2017"."""
    return pgettext("a period between two dates", "%(first)s – %(last)s") % {"first": first, "last": last}

"""The one mapping from a UCDP GED event to our records: titles, places, precisions, event types, claims."""

import datetime
import re

from sources.choices import ReportKind, SourceKind
from sources.models import Report

from .. import choices, display
from ..models import (
    AggregateClaim,
    CasualtyFigure,
    Incident,
)
from .reader import CIVILIANS, GedArticle, GedEvent, GedWarning

GED_VERSION = "19.1"

DATASET = choices.Dataset.UCDP_GED


UCDP_SOURCE = {
    "slug": "ucdp",
    "name": "Uppsala Conflict Data Program (UCDP)",
    "kind": SourceKind.MONITORING_GROUP,
    "country": "SE",
    "language": "en",
    "homepage": "https://ucdp.uu.se/",
    "description": (
        "Department of Peace and Conflict Research, Uppsala University. Publishes the Georeferenced Event "
        "Dataset (GED) of organised violence, coded from news and monitoring reports; licensed CC BY 4.0. "
        "Cite: Sundberg & Melander (2013), Journal of Peace Research 50(4): 523–532; Högbladh (2019), "
        "UCDP GED Codebook version 19.1."
    ),
}


NOTE_SOURCE = {
    "slug": "ucdp-source-note",
    "name": "Source not identified (UCDP source note)",
    "kind": SourceKind.NEWS_OUTLET,
    "description": (
        "Stands for the outlet behind a short citation note in UCDP's data (e.g. “r 25/2”, “AFP 2/5”) on "
        "events where UCDP did not record its sources one by one. The note is the report's title."
    ),
}


IMPORT_REASON = f"Imported from UCDP GED {GED_VERSION}"

DATE_PRECISION = {
    1: choices.DatePrecision.DAY, 2: choices.DatePrecision.DAYS, 3: choices.DatePrecision.WEEK,
    4: choices.DatePrecision.MONTH, 5: choices.DatePrecision.YEAR,
}


# where_prec 1 (the named place's point) is a town or a city by the place's kind; 5 (a fuzzy feature) is the
# province where UCDP names one, else the country (`_geo_precision`). The raw code is kept on the external id.
GEO_PRECISION = {
    2: choices.GeoPrecision.DISTRICT, 3: choices.GeoPrecision.DISTRICT, 4: choices.GeoPrecision.PROVINCE,
    6: choices.GeoPrecision.COUNTRY, 7: choices.GeoPrecision.COUNTRY,
}

# event_clarity 2: UCDP's source already summed several days or places ("a whole country over a whole year").
AGGREGATED = 2

# The words UCDP's admin names end with, in any country's file ("Nīnawá province", "Aleppo governorate",
# "Donetsk oblast"): dropped so that a filter on the plain name finds the place. Longest first.
ADMIN_SUFFIXES = (
    "autonomous region", "governorate", "muhafazah", "province", "district", "region", "state", "oblast", "oblast'",
    "wilayah", "wilaya", "vilayet", "velayat", "prefecture", "department", "division", "county", "municipality",
    "emirate", "raion", "rayon",
)
ADMIN_SUFFIX = re.compile(r"\s+(?:" + "|".join(re.escape(suffix) for suffix in ADMIN_SUFFIXES) + r")$", re.IGNORECASE)


VIOLENCE = {1: "state-based armed conflict", 2: "non-state conflict", 3: "one-sided violence against civilians"}

PLACE_KINDS = ("town", "village", "city", "province", "district")


# Outlets in GED that are not news outlets (lower-cased name → kind); any other outlet is a news outlet.
OUTLET_KINDS = {
    "airwars": SourceKind.MONITORING_GROUP, "airwars.org": SourceKind.MONITORING_GROUP,
    "unami": SourceKind.MONITORING_GROUP, "sohr": SourceKind.MONITORING_GROUP,
    "hrw": SourceKind.NGO, "human rights watch": SourceKind.NGO,
    "amnesty": SourceKind.NGO, "amnesty international": SourceKind.NGO,
    "people’s defense forces": SourceKind.MILITARY, "hpg media and communication center": SourceKind.MILITARY,
    "hpg (pkk) media and communication center": SourceKind.MILITARY,
}


REPORT_KINDS = {
    SourceKind.MONITORING_GROUP: ReportKind.MONITOR_REPORT, SourceKind.NGO: ReportKind.MONITOR_REPORT,
    SourceKind.MILITARY: ReportKind.PRESS_RELEASE,
}


AIRWARS = {"airwars", "airwars.org"}


# Event type from headline words, first match wins: the most specific means first.
EVENT_TYPE_WORDS = [
    (choices.EventType.DRONE_STRIKE, r"\bdrones?\b|\bUAVs?\b|\bunmanned\b"),
    (choices.EventType.AIRSTRIKE, r"\bair[ -]?strikes?\b|\bair[ -]?raids?\b|\bair attacks?\b|\bwar ?planes?\b|\bjets?\b"
                                  r"|\baerial\b|\bgunships?\b|\bcoalition strikes?\b|\bair campaign\b"),
    (choices.EventType.SHELLING, r"\bshell(?:s|ed|ing)\b|\bmortars?\b|\bartillery\b|\brockets?\b|\bmissiles?\b|\bkatyushas?\b"),
    (choices.EventType.EXPLOSION, r"\bbomb(?:s|ed|er|ers|ing|ings)?\b|\bblasts?\b|\bexplosi(?:on|ons|ve|ves)\b|\bexplod"
                                  r"|\bIEDs?\b|\bsuicide\b|\bcar ?bombs?\b"),
    (choices.EventType.GUNFIRE, r"\bgunm[ae]n\b|\bgunfire\b|\bshot\b(?! down)|\bshooting\b|\bsnipers?\b|\bopened fire\b"),
    (choices.EventType.GROUND_RAID, r"\bcommandos?\b|\bground raids?\b|\bspecial forces raids?\b|\bnight raids?\b"),
]


EVENT_TYPE_PATTERNS = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in EVENT_TYPE_WORDS]

YEAR_IN_TEXT = re.compile(r"\b(?:19|20)\d\d\b")


MAX_TITLE = Report._meta.get_field("title").max_length

MAX_ATTRIBUTION = CasualtyFigure._meta.get_field("attributed_to").max_length


MAX_WHO = 200

MAX_AREA = AggregateClaim._meta.get_field("area").max_length


def _clip(value: str, length: int) -> str:
    return value if len(value) <= length else value[: length - 1] + "…"


def infer_event_type(event: GedEvent) -> str:
    """An event type guessed from the articles' headlines (GED has none); "other" when nothing says."""
    text = " ; ".join(article.title for article in event.articles)
    for kind, pattern in EVENT_TYPE_PATTERNS:
        if pattern.search(text):
            return kind
    # Airwars monitors air and artillery strikes; in Iraq, the coalition's air campaign.
    if any(article.outlet.lower() in AIRWARS for article in event.articles):
        return choices.EventType.AIRSTRIKE
    return choices.EventType.OTHER


def _place_name_and_kind(event: GedEvent) -> tuple[str, str]:
    """UCDP's place name without its trailing kind word ("Mosul town" → "Mosul", "town")."""
    name, _, last = event.where_coordinates.rpartition(" ")
    if name and last.lower() in PLACE_KINDS:
        return name.strip(), last.lower()
    return event.where_coordinates, ""


def _locality(event: GedEvent) -> str:
    name, kind = _place_name_and_kind(event)
    if event.where_prec in (1, 2):
        return "" if kind in ("province", "district") or name == event.country_name else name
    if event.where_prec in (5, 7) and event.where_coordinates != event.country_name:
        # A fuzzy feature ("Qandil mountains", "Road between Ramadi town and Rutba town"): its name as given.
        return event.where_coordinates
    return ""  # 3, 4, 6: the point is the centroid of admin2, admin1 or the country.


def _geo_precision(event: GedEvent) -> str:
    if event.where_prec == 1:
        return choices.GeoPrecision.CITY if _place_name_and_kind(event)[1] == "city" else choices.GeoPrecision.TOWN
    if event.where_prec == 5:
        # A river, road or border: known to its province when UCDP names one, else to the country only.
        return choices.GeoPrecision.PROVINCE if event.adm_1 else choices.GeoPrecision.COUNTRY
    return GEO_PRECISION.get(event.where_prec, choices.GeoPrecision.COUNTRY)


def admin_name(value: str) -> str:
    """An administrative division's own name, without the kind word UCDP appends ("Aleppo governorate" → "Aleppo")."""
    name = ADMIN_SUFFIX.sub("", value).strip()
    return name or value


def _admin1(event: GedEvent) -> str:
    return admin_name(event.adm_1)


def _admin2(event: GedEvent) -> str:
    return admin_name(event.adm_2)


def is_aggregated(event: GedEvent) -> bool:
    """UCDP marks the event as an aggregate its source already summed (event_clarity 2): an aggregate claim, never an incident."""
    return event.event_clarity == AGGREGATED


def source_codes(event: GedEvent) -> str:
    """UCDP's own precision and clarity codes, kept as given where our precisions are coarser."""
    return f"where_prec {event.where_prec}; date_prec {event.date_prec}; event_clarity {event.event_clarity}"


def describe_dates(start: datetime.date, end: datetime.date) -> str:
    """ "17 March 2017", "1–7 March 2017", "28 February – 3 March 2017"."""
    if start == end:
        return f"{start.day} {start:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"


def _who_fought(event: GedEvent) -> str:
    if event.type_of_violence == 3 or event.side_b == CIVILIANS:
        return f"{event.side_a} violence against civilians"
    return event.dyad_name.replace(" - ", " vs ") if event.dyad_name else f"{event.side_a} vs {event.side_b}"


def title_of(event_type: str, who_fought: str) -> str:
    """An imported incident's title: what happened and who fought ("Airstrike: Government of Iraq vs IS").

    Never the date or the place, which lists show in their own columns, nor a number, which later claims may change.
    """
    kind = choices.EventType(event_type).label if event_type in choices.EventType.values else ""
    title = f"{str(kind)[:1].upper()}{str(kind)[1:]}: {who_fought}" if kind and event_type != choices.EventType.OTHER else who_fought
    return _clip(title, Incident._meta.get_field("title").max_length)


def incident_title(event: GedEvent) -> str:
    return title_of(infer_event_type(event), _who_fought(event))


def incident_summary(event: GedEvent) -> str:
    violence = VIOLENCE.get(event.type_of_violence, "organised violence")
    parties = f"{event.side_a} against civilians" if event.side_b == CIVILIANS else f"between {event.side_a} and {event.side_b}"
    admin = f" ({event.adm_1})" if event.adm_1 and event.adm_1 != event.where_coordinates else ""
    who = event.source_original
    sources = f" UCDP's figures come from: {who}." if who and len(who) <= MAX_WHO else ""
    return (
        f"Imported from the UCDP Georeferenced Event Dataset (GED) {GED_VERSION}, event {event.id} ({event.url}). "
        f"UCDP codes it as {violence} in the conflict “{event.conflict_name}”, {parties}, "
        f"on {describe_dates(event.date_start, event.date_end)} at {event.where_coordinates or event.country_name}{admin}. "
        f"{deaths_in_words(event)}{sources} "
        "The belligerents are UCDP's pair of warring sides, not a finding of who caused the harm."
    )


def deaths_in_words(event: GedEvent) -> str:
    """UCDP's counts in words: all deaths of any status (low–high, best), then the parts UCDP gives (zeros left out).

    UCDP's parts are best estimates and its zeros are remainders, not findings: "0 of unknown status" is not written.
    """
    parts = [(event.deaths_civilians, "civilians"), (event.deaths_a, f"of {event.side_a}")]
    if event.side_b != CIVILIANS:
        parts.append((event.deaths_b, f"of {event.side_b}"))
    parts.append((event.deaths_unknown, "of unknown status"))
    named = ", ".join(f"{count} {who}" for count, who in parts if count > 0)
    low, high = sorted((event.low, event.high))
    text = f"All deaths (any status), UCDP low–high: {display.format_range(low, high)}, best estimate {event.best}."
    return f"{text} Of these, by UCDP's best estimates: {named}." if named else text


def all_deaths_caveat(event: GedEvent) -> str:
    """The public caveat of the all-deaths claim: bounds given in the wrong order, a best estimate outside them."""
    parts = []
    if event.low > event.high:
        parts.append(f"UCDP gives low {event.low} above high {event.high}; the bounds were swapped on import")
    if not min(event.low, event.high) <= event.best <= max(event.low, event.high):
        parts.append(f"UCDP's best estimate {event.best} lies outside its low–high range, so it is not given as this claim's best estimate")
    return "; ".join(parts) + ("." if parts else "")


def _attribution(event: GedEvent, warnings: list[GedWarning]) -> str:
    who = event.source_original
    if len(who) > MAX_WHO:
        warnings.append(event.warning("long_source_original", f"source_original holds {len(who)} characters of text, not a name",
                   "figures attributed to UCDP"))
        return "UCDP"
    return who or "UCDP"


def _stated_on(event: GedEvent) -> datetime.date | None:
    dates = [article.published_on for article in event.articles if article.published_on]
    return max(dates) if dates else None


def ucdp_figures(event: GedEvent, warnings: list[GedWarning] | None = None) -> list[dict]:
    """UCDP's figures for the event as CasualtyFigure fields (without incident and report); quirks go to `warnings`."""
    warnings = [] if warnings is None else warnings
    who = _attribution(event, warnings)
    common = {"outcome": choices.Outcome.KILLED, "basis": choices.Basis.REPORTED, "stated_on": _stated_on(event), "quote": ""}
    figures = []
    if event.deaths_civilians > 0:
        figures.append({
            **common, **choices.CIVILIANS, "attributed_to": who, "qualifier": choices.Qualifier.ABOUT,
            "count_min": event.deaths_civilians, "count_max": event.deaths_civilians, "count_best": event.deaths_civilians,
            "caveat": "", "notes": f"UCDP GED {GED_VERSION} best estimate of civilian deaths (deaths_civilians).",
        })
    low, high = event.low, event.high
    notes = f"UCDP GED {GED_VERSION} low and high estimates of all deaths; best estimate {event.best}."
    if low > high:
        warnings.append(event.warning(
            "low_above_high", f"all deaths: low {low} is above high {high} (best {event.best})",
            f"stored the all-deaths claim as {high}–{low}, bounds swapped, with a public caveat on the claim",
        ))
        notes += f" UCDP gives low {low} above high {high}; the bounds were swapped on import so that min ≤ max."
        low, high = high, low
    best = event.best if low <= event.best <= high else None
    if best is None:
        warnings.append(event.warning(
            "best_outside_range", f"best estimate {event.best} is outside low–high {low}–{high}",
            "kept low and high as given; the best estimate is in the claim's public caveat, not its best-estimate field",
        ))
    figures.append({
        **common, **choices.ALL_DEATHS, "attributed_to": who, "qualifier": choices.Qualifier.BETWEEN,
        "count_min": low, "count_max": high, "count_best": best, "caveat": all_deaths_caveat(event), "notes": notes,
    })
    for side, deaths in ((event.side_a, event.deaths_a), (event.side_b, event.deaths_b)):
        if deaths > 0:
            figures.append({
                **common, **choices.COMBATANTS, "qualifier": choices.Qualifier.ABOUT,
                "attributed_to": _clip(f"{who} (deaths of {side})", MAX_ATTRIBUTION),
                "count_min": deaths, "count_max": deaths, "count_best": deaths, "caveat": "",
                "notes": f"UCDP GED {GED_VERSION} best estimate of deaths of {side}.",
            })
    return figures


def aggregate_area(event: GedEvent) -> str:
    """The area an aggregated event covers, in words: UCDP's place and its province, or the country."""
    place = event.where_coordinates if event.where_prec != 6 else ""
    parts = [part for part in (place, _admin1(event), event.country_name) if part]
    return _clip(", ".join(dict.fromkeys(parts)), MAX_AREA)


def aggregate_claims(event: GedEvent, warnings: list[GedWarning] | None = None) -> list[dict]:
    """UCDP's figures for an aggregated event (event_clarity 2) as AggregateClaim fields (without report, actor, conflicts).

    The same figures as for an incident (`ucdp_figures`), for the event's period and area; editors' notes, which
    aggregate claims do not have, are dropped (the public caveat and the best estimate are kept).
    """
    period = {
        "period_start": event.date_start, "period_end": event.date_end,
        "period_precision": DATE_PRECISION.get(event.date_prec, choices.DatePrecision.YEAR),
        "area": aggregate_area(event), "countries": event.country, "measure": choices.AggregateMeasure.CASUALTIES,
    }
    return [{**{k: v for k, v in figure.items() if k != "notes"}, **period} for figure in ucdp_figures(event, warnings)]


def _article_title(article: GedArticle, event: GedEvent, warnings: list[GedWarning]) -> str:
    title = article.title
    if article.is_note and not YEAR_IN_TEXT.search(title):
        # A note such as "r 25/2" names no year: the event's year keeps notes of different years apart.
        title = f"{title} ({event.year})"
    if len(title) > MAX_TITLE:
        warnings.append(event.warning("long_title", f"article title of {len(title)} characters", f"cut to {MAX_TITLE}"))
        title = _clip(title, MAX_TITLE)
    return title


def incident_fields(event) -> dict:
    """An event's incident: its title, dates and place at their precisions (what the duplicate check compares too)."""
    return {
        "title": incident_title(event), "date_start": event.date_start,
        "date_end": event.date_end if event.date_end != event.date_start else None,
        "date_precision": DATE_PRECISION.get(event.date_prec, choices.DatePrecision.YEAR),
        "country": event.country, "admin1": _clip(_admin1(event), 120), "admin2": _clip(_admin2(event), 120),
        "locality": _clip(_locality(event), 200), "latitude": event.latitude, "longitude": event.longitude,
        "geo_precision": _geo_precision(event),
    }

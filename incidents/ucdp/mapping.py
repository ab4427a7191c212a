"""The one mapping from a UCDP GED event to our records: titles, places, precisions, event types, claims."""

import datetime
import re

from sources.choices import ReportKind, SourceKind
from sources.models import Report

from .. import choices
from ..models import (
    CasualtyFigure,
    Incident,
)
from .reader import CIVILIANS, GedArticle, GedEvent, GedWarning, _plural

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


GEO_PRECISION = {
    2: choices.GeoPrecision.DISTRICT, 3: choices.GeoPrecision.DISTRICT, 4: choices.GeoPrecision.PROVINCE,
    5: choices.GeoPrecision.PROVINCE, 6: choices.GeoPrecision.COUNTRY, 7: choices.GeoPrecision.COUNTRY,
}


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
    return GEO_PRECISION.get(event.where_prec, choices.GeoPrecision.COUNTRY)


def _admin1(event: GedEvent) -> str:
    return re.sub(r"\s+province$", "", event.adm_1, flags=re.IGNORECASE)


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


def incident_title(event: GedEvent) -> str:
    place = _locality(event) or event.where_coordinates or event.country_name
    title = f"{place}, {describe_dates(event.date_start, event.date_end)}: {_who_fought(event)} (UCDP event {event.id})"
    return _clip(title, Incident._meta.get_field("title").max_length)


def incident_summary(event: GedEvent) -> str:
    violence = VIOLENCE.get(event.type_of_violence, "organised violence")
    parties = f"{event.side_a} against civilians" if event.side_b == CIVILIANS else f"between {event.side_a} and {event.side_b}"
    admin = f" ({event.adm_1})" if event.adm_1 and event.adm_1 != event.where_coordinates else ""
    who = event.source_original
    sources = f" UCDP's figures come from: {who}." if who and len(who) <= MAX_WHO else ""
    parts = [f"{event.deaths_civilians} civilians", f"{event.deaths_a} of {event.side_a}"]
    if event.side_b != CIVILIANS:
        parts.append(f"{event.deaths_b} of {event.side_b}")
    parts.append(f"{event.deaths_unknown} of unknown status")
    return (
        f"Imported from the UCDP Georeferenced Event Dataset (GED) {GED_VERSION}, event {event.id} ({event.url}). "
        f"UCDP codes it as {violence} in the conflict “{event.conflict_name}”, {parties}, "
        f"on {describe_dates(event.date_start, event.date_end)} at {event.where_coordinates or event.country_name}{admin}. "
        f"UCDP's best estimate is {_plural(event.best, 'death')} in all (low {event.low}, high {event.high}): "
        f"{', '.join(parts)}.{sources} "
        "The belligerents are UCDP's pair of warring sides, not a finding of who caused the harm."
    )


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
            **common, "group": choices.Group.CIVILIANS, "attributed_to": who, "qualifier": choices.Qualifier.ABOUT,
            "count_min": event.deaths_civilians, "count_max": event.deaths_civilians,
            "notes": f"UCDP GED {GED_VERSION} best estimate of civilian deaths (deaths_civilians).",
        })
    low, high = event.low, event.high
    notes = f"UCDP GED {GED_VERSION} low and high estimates of all deaths; best estimate {event.best}."
    if low > high:
        warnings.append(event.warning(
            "low_above_high", f"all deaths: low {low} is above high {high} (best {event.best})",
            f"stored the all-deaths claim as {high}–{low}, bounds swapped, with a note on the claim",
        ))
        notes += f" UCDP gives low {low} above high {high}; the bounds were swapped on import so that min ≤ max."
        low, high = high, low
    elif not low <= event.best <= high:
        warnings.append(event.warning(
            "best_outside_range", f"best estimate {event.best} is outside low–high {low}–{high}", "kept low and high as given",
        ))
    figures.append({
        **common, "group": choices.Group.UNDETERMINED, "attributed_to": who, "qualifier": choices.Qualifier.BETWEEN,
        "count_min": low, "count_max": high, "notes": notes,
    })
    for side, deaths in ((event.side_a, event.deaths_a), (event.side_b, event.deaths_b)):
        if deaths > 0:
            figures.append({
                **common, "group": choices.Group.COMBATANTS, "qualifier": choices.Qualifier.ABOUT,
                "attributed_to": _clip(f"{who} (deaths of {side})", MAX_ATTRIBUTION),
                "count_min": deaths, "count_max": deaths,
                "notes": f"UCDP GED {GED_VERSION} best estimate of deaths of {side}.",
            })
    return figures


def _article_title(article: GedArticle, event: GedEvent, warnings: list[GedWarning]) -> str:
    title = article.title
    if article.is_note and not YEAR_IN_TEXT.search(title):
        # A note such as "r 25/2" names no year: the event's year keeps notes of different years apart.
        title = f"{title} ({event.year})"
    if len(title) > MAX_TITLE:
        warnings.append(event.warning("long_title", f"article title of {len(title)} characters", f"cut to {MAX_TITLE}"))
        title = _clip(title, MAX_TITLE)
    return title

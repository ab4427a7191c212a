"""UCDP's Georeferenced Event Dataset (GED): the one mapping from a GED CSV row to our records.

`read_ged_csv` reads a GED CSV file (UCDP's own, or HDX's with the HXL hashtag row)
into `GedEvent` records; `import_ged_events` writes them through the ORM in one
transaction, each touched incident's derived figures recomputed once at the end.
`import_ged_file` does both. The `import_ucdp` command and any admin upload go
through these functions, so a GED field becomes ours in one place only.

What the data's quirks become (each is reported as a `GedWarning` in words):

- `number_of_sources` -1 (not recorded, older events): the free-text note in
  `source_article` ("r 25/2") becomes one undated report from the source
  "Source not identified (UCDP source note)". A note that names no year gets the
  event's year in its title ("r 25/2 (2005)"), so the same note on events of other
  years is not taken for the same document.
- `source_office` / `source_date` / `source_headline` of unequal length (a ";"
  inside a headline): the articles are read again from `source_article`, whose
  items are quoted; if that fails too, its raw text becomes one undated report.
- the same article listed twice for one event: linked once.
- `low` > `high`: the all-deaths claim keeps min ≤ max by swapping the two bounds;
  the claim's notes say so. It is not excluded: the numbers are UCDP's.
- `best` outside `low`–`high`: kept as given (best is in the summary and notes).
- `deaths_civilians` 0 (only with `only_civilian=False`): no civilian claim is
  recorded, because UCDP's 0 is a residual (deaths of unknown status may be
  civilians), not a statement that no civilian died. The same holds for
  `deaths_a` / `deaths_b`. The all-deaths claim is always recorded.
- `source_original` longer than 200 characters (text pasted in place of a name):
  the figures are attributed to "UCDP". Line breaks inside cells are spaces.
"""

import csv
import datetime
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from sources.choices import ReportKind, SourceKind
from sources.models import Report, Source
from sources.text import normalise_url

from . import choices
from .codes import format_code, reserve_ids
from .models import (
    Actor,
    BelligerentRoleLink,
    CasualtyFigure,
    Conflict,
    ExternalIdentifier,
    Incident,
    IncidentReport,
)
from .services import deferred_recompute, figures_changed
from .workflow import publish_by_system

GED_VERSION = "19.1"
DATASET = choices.Dataset.UCDP_GED
EVENT_URL = "https://ucdp.uu.se/event/{id}"
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

REQUIRED_COLUMNS = (
    "id", "year", "type_of_violence", "conflict_new_id", "conflict_name", "dyad_name", "side_a", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline", "source_original",
    "where_prec", "where_coordinates", "adm_1", "adm_2", "latitude", "longitude", "country",
    "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown",
    "low", "best", "high",
)

# ISO 3166-1 alpha-3 → alpha-2 for the countries the tracker covers; UCDP's own CSV has no iso3, hence the names.
ISO3_TO_ISO2 = {"IRQ": "IQ", "SYR": "SY", "YEM": "YE", "AFG": "AF", "LBY": "LY", "SOM": "SO", "PAK": "PK"}
COUNTRY_NAME_TO_ISO2 = {
    "Iraq": "IQ", "Syria": "SY", "Yemen (North Yemen)": "YE", "Yemen": "YE", "Afghanistan": "AF",
    "Libya": "LY", "Somalia": "SO", "Pakistan": "PK",
}
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
CIVILIANS = "Civilians"

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
ARTICLE_ITEM = re.compile(r"^(?P<outlet>.*?),(?P<date>\d{4}-\d{2}-\d{2}),(?P<title>.*)$", re.DOTALL)

MAX_TITLE = Report._meta.get_field("title").max_length
MAX_ATTRIBUTION = CasualtyFigure._meta.get_field("attributed_to").max_length
MAX_WHO = 200
CHUNK = 500


class GedFormatError(ValueError):
    """The file is not a GED CSV (its header lacks GED's columns)."""


@dataclass(frozen=True)
class GedWarning:
    """A quirk of one event (or an unreadable row) and what the import did about it, in words."""

    kind: str
    problem: str
    action: str
    event_id: int | None = None
    line: int | None = None

    def __str__(self):
        where = f"event {self.event_id}" if self.event_id is not None else f"line {self.line}"
        return f"{where}: {self.problem}; {self.action}."


@dataclass(frozen=True)
class GedArticle:
    """One source article of an event: outlet, headline and date; a note when UCDP kept only free text."""

    outlet: str
    title: str
    published_on: datetime.date | None = None
    is_note: bool = False


@dataclass
class GedEvent:
    """One GED row, typed; `warnings` holds the quirks met while reading it."""

    id: int
    year: int
    type_of_violence: int
    conflict_id: int | None
    conflict_name: str
    dyad_name: str
    side_a: str
    side_b: str
    number_of_sources: int | None
    articles: list[GedArticle]
    source_original: str
    where_prec: int
    where_coordinates: str
    adm_1: str
    adm_2: str
    latitude: Decimal | None
    longitude: Decimal | None
    country: str
    country_name: str
    date_prec: int
    date_start: datetime.date
    date_end: datetime.date
    deaths_a: int
    deaths_b: int
    deaths_civilians: int
    deaths_unknown: int
    low: int
    best: int
    high: int
    line: int | None = None
    warnings: list[GedWarning] = field(default_factory=list)

    @property
    def url(self) -> str:
        return EVENT_URL.format(id=self.id)

    @property
    def sides_a(self) -> list[str]:
        return _split_actors(self.side_a)

    @property
    def sides_b(self) -> list[str]:
        return [name for name in _split_actors(self.side_b) if name != CIVILIANS]

    def warning(self, kind: str, problem: str, action: str) -> GedWarning:
        return GedWarning(kind=kind, problem=problem, action=action, event_id=self.id, line=self.line)

    def warn(self, kind: str, problem: str, action: str) -> None:
        """Note a quirk met while reading the row."""
        self.warnings.append(self.warning(kind, problem, action))


@dataclass
class ImportResult:
    """What an import did: events by outcome, rows written, and the quirks met, in words."""

    created: int = 0
    merged: int = 0
    unchanged: int = 0
    skipped: int = 0
    figures_created: int = 0
    reports_created: int = 0
    links_created: int = 0
    sources_created: int = 0
    actors_created: int = 0
    conflicts_created: int = 0
    warnings: list[GedWarning] = field(default_factory=list)

    def warnings_by_kind(self) -> dict[str, list[GedWarning]]:
        grouped = defaultdict(list)
        for warning in self.warnings:
            grouped[warning.kind].append(warning)
        return dict(grouped)


# Reading ---------------------------------------------------------------------------------------------------------


def read_ged_csv(file, *, problems: list[GedWarning] | None = None) -> Iterator[GedEvent]:
    """Yield one `GedEvent` per row of a GED CSV file (text or binary); unreadable rows go to `problems`.

    Skips HDX's HXL hashtag row. Parsed with the csv module: some quoted cells hold line breaks.
    """
    if isinstance(file.read(0), bytes):
        file = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    reader = csv.reader(file)
    header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise GedFormatError(f"Not a UCDP GED CSV file: the header lacks {', '.join(missing)}.")
    first = True
    for cells in _rows(reader):
        if first and _is_hxl_row(cells):
            first = False
            continue
        first = False
        if not any(cell.strip() for cell in cells):
            continue
        row = dict(zip(header, cells, strict=False))
        try:
            yield _event(row, line=reader.line_num)
        except (KeyError, ValueError, InvalidOperation) as error:
            warning = GedWarning(
                kind="unreadable_row", problem=f"row unreadable ({error})", action="row left out",
                event_id=_int_or_none(row.get("id")), line=reader.line_num,
            )
            if problems is None:
                raise GedFormatError(str(warning)) from error
            problems.append(warning)


def _rows(reader) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as error:
        raise GedFormatError(f"Not readable as CSV after line {reader.line_num}: {error}.") from error


def _is_hxl_row(cells: list[str]) -> bool:
    tags = [cell.strip() for cell in cells if cell.strip()]
    return bool(tags) and all(tag.startswith("#") for tag in tags)


def _text(value: str | None) -> str:
    """A cell as one line: line breaks and runs of spaces become one space."""
    return " ".join((value or "").split())


def _int_or_none(value) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _count(row: dict, column: str) -> int:
    value = int(row[column])
    if value < 0:
        raise ValueError(f"{column} is negative ({value})")
    return value


def _coordinate(value: str) -> Decimal | None:
    value = (value or "").strip()
    return Decimal(value).quantize(Decimal("0.000001")) if value else None


def _split_actors(value: str) -> list[str]:
    return list(dict.fromkeys(name for name in (_text(part) for part in (value or "").split(", ")) if name))


def _event(row: dict, *, line: int) -> GedEvent:
    date_start = datetime.date.fromisoformat(row["date_start"].strip())
    date_end = datetime.date.fromisoformat(row["date_end"].strip()) if row["date_end"].strip() else date_start
    latitude, longitude = _coordinate(row["latitude"]), _coordinate(row["longitude"])
    event = GedEvent(
        id=int(row["id"]),
        year=int(row["year"]),
        type_of_violence=int(row["type_of_violence"]),
        conflict_id=_int_or_none(row["conflict_new_id"]),
        conflict_name=_text(row["conflict_name"]),
        dyad_name=_text(row["dyad_name"]),
        side_a=_text(row["side_a"]),
        side_b=_text(row["side_b"]),
        number_of_sources=None,
        articles=[],
        source_original=_text(row["source_original"]),
        where_prec=int(row["where_prec"]),
        where_coordinates=_text(row["where_coordinates"]),
        adm_1=_text(row["adm_1"]),
        adm_2=_text(row["adm_2"]),
        latitude=latitude,
        longitude=longitude,
        country="",
        country_name=_text(row["country"]),
        date_prec=int(row["date_prec"]),
        date_start=date_start,
        date_end=date_end,
        deaths_a=_count(row, "deaths_a"),
        deaths_b=_count(row, "deaths_b"),
        deaths_civilians=_count(row, "deaths_civilians"),
        deaths_unknown=_count(row, "deaths_unknown"),
        low=_count(row, "low"),
        best=_count(row, "best"),
        high=_count(row, "high"),
        line=line,
    )
    iso3 = (row.get("iso3") or "").strip().upper()
    event.country = ISO3_TO_ISO2.get(iso3) or COUNTRY_NAME_TO_ISO2.get(event.country_name, "")
    if not event.country:
        event.warn("unknown_country", f"country “{event.country_name}” ({iso3 or 'no iso3'}) has no code in our table",
                   "country left empty")
    if date_end < date_start:
        event.warn("dates_reversed", f"date_end {date_end} is before date_start {date_start}", "end date left empty")
        event.date_end = date_start
    if (latitude is None) != (longitude is None) or (latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)):
        event.warn("bad_coordinates", f"coordinates ({row['latitude']}, {row['longitude']}) incomplete or out of range",
                   "coordinates left empty")
        event.latitude = event.longitude = None
    number = _int_or_none(row["number_of_sources"])
    event.number_of_sources = number if number is not None and number >= 0 else None
    event.articles = _articles(row, event)
    return event


def _articles(row: dict, event: GedEvent) -> list[GedArticle]:
    """The event's source articles, one per position of the aligned ";" lists, repeats dropped."""
    raw = _text(row["source_article"])
    offices, dates, headlines = (
        [_text(part) for part in row[column].split(";")] if row[column].strip() else []
        for column in ("source_office", "source_date", "source_headline")
    )
    if event.number_of_sources is None:
        if not offices and not headlines:
            action = f"kept its source note “{_short(raw)}” as one undated report" if raw else "only the UCDP record is linked"
            event.warn("sources_not_recorded", "number of sources not recorded (-1)", action)
            return [GedArticle(outlet="", title=raw, is_note=True)] if raw else []
        event.warn("sources_not_recorded", "number of sources not recorded (-1)", "read the listed articles all the same")
    if not offices and not headlines:
        if raw:
            event.warn("sources_missing", "outlet, date and headline lists are empty",
                       f"kept source_article “{_short(raw)}” as one undated report")
            return [GedArticle(outlet="", title=raw, is_note=True)]
        return []
    if not (len(offices) == len(dates) == len(headlines)):
        sizes = f"{_plural(len(offices), 'outlet')}, {_plural(len(dates), 'date')}, {_plural(len(headlines), 'headline')}"
        recovered = _articles_from_source_article(row["source_article"], offices, dates)
        if recovered:
            event.warn("source_lists_unequal", f"source lists of unequal length ({sizes}; a “;” inside a headline)",
                       f"read {_plural(len(recovered), 'article')} from source_article instead")
            articles = recovered
        else:
            outlet = offices[0] if len(set(offices)) == 1 else ""
            event.warn("source_lists_unequal", f"source lists of unequal length ({sizes})",
                       f"kept source_article “{_short(raw)}” as one undated report")
            return [GedArticle(outlet=outlet, title=raw, is_note=True)]
    else:
        articles = []
        for outlet, date_text, headline in zip(offices, dates, headlines, strict=True):
            published_on = _date_or_none(date_text)
            if date_text and published_on is None:
                event.warn("bad_source_date", f"source date “{date_text}” unreadable", "report left undated")
            articles.append(GedArticle(outlet=outlet, title=headline or outlet, published_on=published_on))
    unique = list(dict.fromkeys(articles))
    if len(unique) < len(articles):
        repeats = len(articles) - len(unique)
        event.warn("duplicate_articles", f"{_plural(repeats, 'article')} listed again in the same event",
                   "each article linked once")
    return unique


def _articles_from_source_article(value: str, offices: list[str], dates: list[str]) -> list[GedArticle]:
    """Articles read from source_article's quoted `"Outlet,date,Headline"` items, if they agree with the lists."""
    try:
        items = next(csv.reader([value.replace("\r", " ").replace("\n", " ")], delimiter=";", quotechar='"'))
    except (csv.Error, StopIteration):
        return []
    matches = [ARTICLE_ITEM.match(item.strip()) for item in items]
    if not matches or not all(matches):
        return []
    articles = [
        GedArticle(outlet=_text(m["outlet"]), title=_text(m["title"]), published_on=_date_or_none(m["date"]))
        for m in matches
    ]
    if [a.outlet for a in articles] != offices or [m["date"] for m in matches] != dates:
        return []
    return articles


def _date_or_none(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _short(value: str, length: int = 60) -> str:
    return value if len(value) <= length else value[: length - 1] + "…"


def _clip(value: str, length: int) -> str:
    return value if len(value) <= length else value[: length - 1] + "…"


# Mapping one event to our fields -----------------------------------------------------------------------------------


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


def _slug(name: str, taken: set[str], max_length: int = 200) -> str:
    base = (slugify(name) or "unnamed")[: max_length - 8]
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


# Writing ---------------------------------------------------------------------------------------------------------


def import_ged_file(file, *, publish: bool = False, only_civilian: bool = True) -> ImportResult:
    """Read a GED CSV file and import its events (see `import_ged_events`); unreadable rows are warnings."""
    problems: list[GedWarning] = []
    events = list(read_ged_csv(file, problems=problems))
    result = import_ged_events(events, publish=publish, only_civilian=only_civilian)
    result.warnings = problems + result.warnings
    result.skipped += len(problems)
    return result


def import_ged_events(
    events: Iterable[GedEvent], *, publish: bool = False, only_civilian: bool = True,
) -> ImportResult:
    """Write GED events as incidents, reports and claims, in one transaction; nothing is imported twice.

    An event whose UCDP id is already on an incident adds its reports and claims to
    that incident and changes none of its editorial fields (title, summary, place,
    dates, type, conflict, belligerents, status, grade). `only_civilian` leaves out
    events with no civilian deaths. New incidents are drafts; with `publish` the workflow publishes them
    (`workflow.publish_by_system`, recorded in their history). Rows are written in bulk, with history, and
    every incident touched is re-derived (`services.recompute_figures`) once, before the transaction ends.
    """
    result = ImportResult()
    chosen, seen = [], set()
    for event in events:
        if only_civilian and event.deaths_civilians <= 0:
            result.skipped += 1
            continue
        if event.id in seen:
            result.skipped += 1
            result.warnings.append(GedWarning(
                kind="duplicate_event", problem="the same event id appears again in the file",
                action="the later row left out", event_id=event.id, line=event.line,
            ))
            continue
        seen.add(event.id)
        chosen.append(event)
    with deferred_recompute():
        created = _Import(result=result).run(chosen)
        if publish and created:
            publish_by_system(incident_ids=created, why=IMPORT_REASON)
    return result


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class _Import:
    """One import run: caches of what exists, then one bulk write per table."""

    def __init__(self, *, result: ImportResult):
        self.result = result
        self.now = timezone.now()
        self.sources: dict[str, Source] = {}

    def run(self, events: list[GedEvent]) -> list[int]:
        """Write the events; the ids of the incidents created."""
        if not events:
            return []
        existing = self._existing_incidents(events)
        new_events = [event for event in events if event.id not in existing]
        warnings = {event.id: list(event.warnings) for event in events}
        titles = {event.id: [_article_title(a, event, warnings[event.id]) for a in event.articles] for event in events}
        figures = {event.id: ucdp_figures(event, warnings[event.id]) for event in events}

        record_reports = self._record_reports(events)
        article_reports = self._article_reports(events, titles)
        created = self._create_incidents(new_events)
        incident_ids = {**existing, **created}

        new_links, new_figures = [], []
        known_links, known_claims = self._known(existing.values(), record_reports.values())
        changed = set()
        for event in events:
            incident_id = incident_ids[event.id]
            record = record_reports[event.id]
            report_ids = [record.pk] + [
                article_reports[self._article_key(article, title)].pk
                for article, title in zip(event.articles, titles[event.id], strict=True)
            ]
            for report_id in dict.fromkeys(report_ids):
                if (incident_id, report_id) not in known_links:
                    known_links.add((incident_id, report_id))
                    new_links.append(IncidentReport(incident_id=incident_id, report_id=report_id))
                    changed.add(incident_id)
            seen = Counter()
            for values in figures[event.id]:
                key = (incident_id, record.pk, values["outcome"], values["group"], values["basis"])
                seen[key] += 1
                if seen[key] > known_claims[key]:
                    new_figures.append(CasualtyFigure(incident_id=incident_id, report_id=record.pk, **values))
                    changed.add(incident_id)
            self.result.warnings.extend(warnings[event.id])

        self._bulk(IncidentReport, new_links)
        self._bulk(CasualtyFigure, new_figures)
        self.result.links_created += len(new_links)
        self.result.figures_created += len(new_figures)
        for incident_id in existing.values():
            if incident_id in changed:
                self.result.merged += 1
            else:
                self.result.unchanged += 1
        for incident_id in sorted(changed):
            figures_changed(incident_id=incident_id)
        return sorted(created.values())

    # Lookups and creation, one query (or one per chunk) each.

    def _existing_incidents(self, events: list[GedEvent]) -> dict[int, int]:
        """UCDP event id → id of the incident that already carries it."""
        found = {}
        for chunk in _chunks([str(event.id) for event in events]):
            found.update(
                ExternalIdentifier.objects.filter(dataset=DATASET, identifier__in=chunk).values_list("identifier", "incident_id")
            )
        return {int(identifier): incident_id for identifier, incident_id in found.items()}

    def _known(self, incident_ids, reports) -> tuple[set, Counter]:
        """Links and UCDP claims already on the incidents being merged into."""
        incident_ids, report_ids = sorted(set(incident_ids)), [report.pk for report in reports]
        links, claims = set(), Counter()
        for chunk in _chunks(incident_ids):
            links.update(IncidentReport.objects.filter(incident_id__in=chunk).values_list("incident_id", "report_id"))
            rows = CasualtyFigure.objects.filter(incident_id__in=chunk, report_id__in=report_ids).values_list(
                "incident_id", "report_id", "outcome", "group", "basis",
            )
            claims.update(rows)
        return links, claims

    def _source(self, spec: dict) -> Source:
        source = Source.objects.filter(slug=spec["slug"]).first() or Source.objects.filter(name=spec["name"]).first()
        if source is None:
            source = Source.objects.create(**spec)
            self.result.sources_created += 1
        return source

    def _outlets(self, names: set[str]) -> dict[str, Source]:
        found = {}
        for chunk in _chunks(sorted(names)):
            found.update((source.name, source) for source in Source.objects.filter(name__in=chunk))
        missing = sorted(names - found.keys())
        if missing:
            taken = set(Source.objects.values_list("slug", flat=True))
            for name in missing:
                kind = OUTLET_KINDS.get(name.lower(), SourceKind.NEWS_OUTLET)
                found[name] = Source.objects.create(name=name, slug=_slug(name, taken), kind=kind)
                self.result.sources_created += 1
        return found

    def _record_reports(self, events: list[GedEvent]) -> dict[int, Report]:
        """The UCDP record of each event, as a report (found again by its URL)."""
        ucdp = self._source(UCDP_SOURCE)
        urls = {event.id: normalise_url(event.url) for event in events}
        found = {}
        for chunk in _chunks(list(urls.values())):
            found.update((report.url_normalised, report) for report in Report.objects.filter(url_normalised__in=chunk))
        new = [
            Report(
                source=ucdp, title=f"UCDP GED {GED_VERSION} event {event.id}", url=event.url, url_normalised=urls[event.id],
                kind=ReportKind.DATASET_RECORD, language="en",
            )
            for event in events if urls[event.id] not in found
        ]
        self._bulk(Report, new)
        self.result.reports_created += len(new)
        found.update((report.url_normalised, report) for report in new)
        return {event.id: found[urls[event.id]] for event in events}

    def _article_key(self, article: GedArticle, title: str) -> tuple:
        outlet = article.outlet or NOTE_SOURCE["name"]
        return (self.sources[outlet].pk, title, article.published_on)

    def _article_reports(self, events: list[GedEvent], titles: dict[int, list[str]]) -> dict[tuple, Report]:
        """Source articles as reports, keyed by (source id, title, date): one report however many events cite it."""
        names = {article.outlet for event in events for article in event.articles if article.outlet}
        self.sources = self._outlets(names)
        if any(not article.outlet for event in events for article in event.articles):
            self.sources[NOTE_SOURCE["name"]] = self._source(NOTE_SOURCE)
        wanted = {}
        for event in events:
            for article, title in zip(event.articles, titles[event.id], strict=True):
                wanted.setdefault(self._article_key(article, title), article)
        found = {}
        source_ids = sorted({key[0] for key in wanted})
        for chunk in _chunks(sorted({key[1] for key in wanted})):
            rows = Report.objects.filter(source_id__in=source_ids, title__in=chunk).order_by("-pk")
            found.update(((report.source_id, report.title, report.published_on), report) for report in rows)
        new = []
        for key, article in wanted.items():
            if key not in found:
                source = self.sources[article.outlet or NOTE_SOURCE["name"]]
                report = Report(
                    source=source, title=key[1], published_on=article.published_on,
                    kind=REPORT_KINDS.get(source.kind, ReportKind.ARTICLE),
                    notes=f"Listed by UCDP GED {GED_VERSION} as a source of its events; no URL or text given.",
                )
                new.append(report)
                found[key] = report
        self._bulk(Report, new)
        self.result.reports_created += len(new)
        return found

    def _conflicts(self, events: list[GedEvent]) -> dict[int, Conflict]:
        wanted = {event.conflict_id: event.conflict_name for event in events if event.conflict_id is not None}
        found = {conflict.ucdp_conflict_id: conflict for conflict in Conflict.objects.filter(ucdp_conflict_id__in=list(wanted))}
        missing = {ucdp_id: name for ucdp_id, name in wanted.items() if ucdp_id not in found}
        if missing:
            taken = set(Conflict.objects.values_list("slug", flat=True))
            for ucdp_id, name in sorted(missing.items()):
                conflict = Conflict.objects.filter(name=name, ucdp_conflict_id__isnull=True).first()
                if conflict:
                    conflict.ucdp_conflict_id = ucdp_id
                    conflict.save(update_fields=["ucdp_conflict_id"])
                else:
                    if Conflict.objects.filter(name=name).exists():
                        name = f"{name} (UCDP {ucdp_id})"
                    conflict = Conflict.objects.create(
                        name=name, slug=_slug(name, taken), ucdp_conflict_id=ucdp_id,
                        description=f"UCDP conflict {ucdp_id}, as named in the UCDP Georeferenced Event Dataset.",
                    )
                    self.result.conflicts_created += 1
                found[ucdp_id] = conflict
        return found

    def _actors(self, events: list[GedEvent]) -> dict[str, Actor]:
        names = {name for event in events for name in event.sides_a + event.sides_b}
        found = {actor.name: actor for actor in Actor.objects.filter(name__in=sorted(names))}
        missing = sorted(names - found.keys())
        if missing:
            taken = set(Actor.objects.values_list("slug", flat=True))
            for name in missing:
                kind = choices.ActorKind.STATE_FORCES if name.startswith("Government of ") else choices.ActorKind.NON_STATE
                found[name] = Actor.objects.create(
                    name=name, slug=_slug(name, taken), kind=kind,
                    description="A warring party as named in the UCDP Georeferenced Event Dataset.",
                )
                self.result.actors_created += 1
        return found

    def _create_incidents(self, events: list[GedEvent]) -> dict[int, int]:
        """New incidents for events not yet known, with their UCDP id, conflict and belligerents."""
        if not events:
            return {}
        conflicts, actors = self._conflicts(events), self._actors(events)
        incidents = []
        # Ids reserved before the insert, so each row goes in with its final code (as Incident.save() does).
        for event, pk in zip(events, reserve_ids(Incident, len(events)), strict=True):
            event_type = infer_event_type(event)
            incidents.append(Incident(
                pk=pk, code=format_code(pk),
                title=incident_title(event), summary=incident_summary(event),
                date_start=event.date_start, date_end=event.date_end if event.date_end != event.date_start else None,
                date_precision=DATE_PRECISION.get(event.date_prec, choices.DatePrecision.YEAR),
                country=event.country, admin1=_clip(_admin1(event), 120), admin2=_clip(event.adm_2, 120),
                locality=_clip(_locality(event), 200), latitude=event.latitude, longitude=event.longitude,
                geo_precision=_geo_precision(event), event_type=event_type,
                event_type_inferred=event_type != choices.EventType.OTHER,
                conflict=conflicts.get(event.conflict_id),
            ))
        self._bulk(Incident, incidents)
        self.result.created += len(incidents)

        ids = {event.id: incident.pk for event, incident in zip(events, incidents, strict=True)}
        self._bulk(ExternalIdentifier, [
            ExternalIdentifier(incident_id=ids[event.id], dataset=DATASET, identifier=str(event.id)) for event in events
        ])
        self._bulk(BelligerentRoleLink, [
            BelligerentRoleLink(incident_id=ids[event.id], actor=actors[name], role=choices.BelligerentRole.ALLEGED)
            for event in events for name in dict.fromkeys(event.sides_a + event.sides_b)
        ])
        return ids

    def _bulk(self, model, objects: list, *, history: bool = True) -> None:
        """Insert in bulk (ids come back on PostgreSQL and SQLite ≥ 3.35), with one history row each."""
        if not objects:
            return
        if not connection.features.can_return_rows_from_bulk_insert:
            raise RuntimeError("The UCDP import needs a database that returns ids from bulk inserts (PostgreSQL, SQLite 3.35+).")
        model.objects.bulk_create(objects, batch_size=CHUNK)
        if history:
            model.history.bulk_history_create(objects, default_change_reason=IMPORT_REASON, default_date=self.now)

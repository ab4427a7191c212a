"""Reading UCDP GED files (CSV or HXL-tagged CSV) into plain events, with warnings for odd rows."""

import csv
import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from .. import display
from ..filetext import NotUtf8, cell_error, decode_utf8, missing_columns, more_problems, not_a_whole_number

EVENT_URL = "https://ucdp.uu.se/event/{id}"

REQUIRED_COLUMNS = (
    "id", "year", "type_of_violence", "conflict_new_id", "conflict_name", "dyad_name", "side_a", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline", "source_original",
    "where_prec", "where_coordinates", "adm_1", "adm_2", "latitude", "longitude", "country", "event_clarity",
    "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown",
    "low", "best", "high",
)


CIVILIANS = "Civilians"

ARTICLE_ITEM = re.compile(r"^(?P<outlet>.*?),(?P<date>\d{4}-\d{2}-\d{2}),(?P<title>.*)$", re.DOTALL)


class GedFormatError(ValueError):
    """The file cannot be imported as GED, so nothing is written: its header lacks GED's columns, it is not UTF-8 or
    not CSV, or cells are not what GED's codebook says (`errors`: every one, each naming its row, column and value)."""

    def __init__(self, message: str = "", *, errors: list[str] | None = None):
        self.errors = errors or [message]
        shown = self.errors[:ERRORS_IN_MESSAGE]
        if len(self.errors) > len(shown):
            shown.append(more_problems(len(self.errors) - len(shown)))
        super().__init__(" ".join(shown))


# How many cell errors the exception's own message lists (the admin's report lists more, `imports.ERRORS_SHOWN`).
ERRORS_IN_MESSAGE = 20


def looks_like_ged(header: list[str]) -> bool:
    """A header that claims GED's layout: most of GED's columns and no `title` (the tracker's own layout has one)."""
    return "title" not in header and 2 * sum(name in header for name in REQUIRED_COLUMNS) >= len(REQUIRED_COLUMNS)


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
    event_clarity: int
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


def read_ged_csv(file) -> list[GedEvent]:
    """One `GedEvent` per row of a GED CSV file (text or binary), or `GedFormatError` listing every unreadable cell.

    All or nothing: a row with a letter in a number column is an error naming the row, the column and the value, never
    a row left out while the others are imported. Skips HDX's HXL hashtag row. Parsed with the csv module: some quoted
    cells hold line breaks. Rows are numbered as a spreadsheet shows them (the header is row 1).
    """
    if isinstance(file.read(0), bytes):
        try:
            file = io.StringIO(decode_utf8(file.read()), newline="")
        except NotUtf8 as error:
            raise GedFormatError(str(error)) from error
    reader = csv.reader(file)
    header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing and looks_like_ged(header):
        raise GedFormatError(missing_columns("UCDP GED", missing))
    if missing:
        raise GedFormatError(f"Not a UCDP GED CSV file: the header lacks {', '.join(missing)}.")
    events, errors = [], []
    for number, cells in enumerate(_rows(reader), start=2):
        if number == 2 and _is_hxl_row(cells):
            continue
        if not any(cell.strip() for cell in cells):
            continue
        row = _Cells(dict(zip(header, cells, strict=False)), number)
        event = _event(row, line=reader.line_num)
        errors.extend(row.errors)
        if event is not None:
            events.append(event)
    if errors:
        raise GedFormatError(errors=errors)
    return events


class _Cells:
    """One row's cells, read column by column; a cell that is not what GED's codebook says is noted as an error."""

    def __init__(self, row: dict, number: int):
        self.row, self.number, self.errors = row, number, []

    def __getitem__(self, column: str) -> str:
        return self.row.get(column) or ""

    def error(self, column: str, message: str) -> None:
        self.errors.append(cell_error(self.number, column, message))

    def whole(self, column: str, *, optional: bool = False, signed: bool = False) -> int | None:
        """A whole number (GED writes some as 238475.0); a count (not `signed`) is 0 or more."""
        value = self[column].strip()
        if not value and optional:
            return None
        match = re.fullmatch(r"(-?\d{1,12})(?:\.0+)?", value)
        if match is None or (not signed and value.startswith("-")):
            self.error(column, not_a_whole_number(value))
            return None
        return int(match[1])

    def date(self, column: str, *, optional: bool = False) -> datetime.date | None:
        value = self[column].strip()
        if not value and optional:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(column, gettext("“%(value)s” is not a date written YYYY-MM-DD.") % {"value": value[:40]})
            return None

    def coordinate(self, column: str) -> Decimal | None:
        value = self[column].strip()
        if not value:
            return None
        try:
            number = Decimal(value)
            if not number.is_finite():
                raise InvalidOperation
            return number.quantize(Decimal("0.000001"))
        except InvalidOperation:
            self.error(column, gettext("“%(value)s” is not a number of decimal degrees.") % {"value": value[:40]})
            return None


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


def _split_actors(value: str) -> list[str]:
    return list(dict.fromkeys(name for name in (_text(part) for part in (value or "").split(", ")) if name))


def _event(row: _Cells, *, line: int) -> GedEvent | None:
    """The row as an event, or None when a cell is unreadable (each noted on `row.errors`)."""
    counts = {column: row.whole(column) for column in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "low", "best", "high")}
    codes = {column: row.whole(column) for column in ("id", "year", "type_of_violence", "where_prec", "event_clarity", "date_prec")}
    conflict_id, number = row.whole("conflict_new_id", optional=True), row.whole("number_of_sources", optional=True, signed=True)
    date_start, date_end = row.date("date_start"), row.date("date_end", optional=True)
    latitude, longitude = row.coordinate("latitude"), row.coordinate("longitude")
    if row.errors:
        return None
    date_end = date_end or date_start
    event = GedEvent(
        id=codes["id"],
        year=codes["year"],
        type_of_violence=codes["type_of_violence"],
        conflict_id=conflict_id,
        conflict_name=_text(row["conflict_name"]),
        dyad_name=_text(row["dyad_name"]),
        side_a=_text(row["side_a"]),
        side_b=_text(row["side_b"]),
        number_of_sources=None,
        articles=[],
        source_original=_text(row["source_original"]),
        where_prec=codes["where_prec"],
        where_coordinates=_text(row["where_coordinates"]),
        adm_1=_text(row["adm_1"]),
        adm_2=_text(row["adm_2"]),
        latitude=latitude,
        longitude=longitude,
        country="",
        country_name=_text(row["country"]),
        event_clarity=codes["event_clarity"],
        date_prec=codes["date_prec"],
        date_start=date_start,
        date_end=date_end,
        line=line,
        **counts,
    )
    iso3 = row["iso3"].strip().upper()
    event.country = display.country_code(alpha_3=iso3, name=event.country_name)
    if not event.country:
        event.warn("unknown_country", f"country “{event.country_name}” ({iso3 or 'no iso3'}) is not an ISO 3166 country",
                   "country left empty")
    if date_end < date_start:
        event.warn("dates_reversed", f"date_end {date_end} is before date_start {date_start}", "end date left empty")
        event.date_end = date_start
    if (latitude is None) != (longitude is None) or (latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)):
        event.warn("bad_coordinates", f"coordinates ({row['latitude']}, {row['longitude']}) incomplete or out of range",
                   "coordinates left empty")
        event.latitude = event.longitude = None
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

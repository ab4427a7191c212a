"""What each column of an import means and how a row is checked: every problem becomes a row error in words."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from sources.validators import is_web_address

from .. import choices
from ..exports import INCIDENT_COLUMNS
from ..filetext import cell_error, not_a_whole_number
from ..models import (
    Incident,
)
from ..positions import presumed_conceder

EXTRA_COLUMNS = ["summary", "external_dataset", "external_id", "source_name", "source_url", "report_title", "report_published_on",
                 "attributed_to"]


KNOWN_COLUMNS = [column.name for column in INCIDENT_COLUMNS] + EXTRA_COLUMNS


# (column prefix, outcome, whom (`choices.CIVILIANS`…), basis) of each figure pair a row may carry.
FIGURE_COLUMNS = [
    ("reported_killed", choices.Outcome.KILLED, choices.CIVILIANS, choices.Basis.REPORTED),
    ("conceded_killed", choices.Outcome.KILLED, choices.CIVILIANS, choices.Basis.CONCEDED),
    ("reported_injured", choices.Outcome.INJURED, choices.CIVILIANS, choices.Basis.REPORTED),
    ("conceded_injured", choices.Outcome.INJURED, choices.CIVILIANS, choices.Basis.CONCEDED),
    ("children_killed", choices.Outcome.KILLED, choices.CHILDREN, choices.Basis.REPORTED),
    ("women_killed", choices.Outcome.KILLED, choices.WOMEN, choices.Basis.REPORTED),
]


# Filled by the database from the claims, or by the tracker: read, never imported (an open range's empty maximum
# already makes an open-ended claim).
IGNORED_COLUMNS = {"latest_stance", "positions", "sources_count", "updated_at", "related"} | {
    f"{prefix}_{flag}" for prefix, *_ in FIGURE_COLUMNS for flag in ("open", "unquantified")
}


CHOICE_COLUMNS = {
    "date_precision": choices.DatePrecision, "geo_precision": choices.GeoPrecision, "event_type": choices.EventType,
    "external_dataset": choices.Dataset,
}


BELLIGERENT = re.compile(r"^(?P<name>.+?)\s*(?:\((?P<role>[^()]*)\))?$")

MAX_COUNT = 2_147_483_647


@dataclass
class RowResult:
    """One row of the file: what it will become, or what is wrong with it, in words."""

    line: int
    code: str = ""
    title: str = ""
    errors: list[str] = field(default_factory=list)
    existing: str = ""  # code of the incident it is already imported as
    matched_by: str = ""
    possible_duplicates: list[str] = field(default_factory=list)
    created: str = ""  # code of the incident created
    figures: int = 0
    data: dict = field(default_factory=dict, repr=False)

    def error(self, column: str, message: str) -> None:
        self.errors.append(cell_error(self.line, column, message))

    @property
    def action(self) -> str:
        if self.errors:
            return "error"
        return "skip" if self.existing else "create"


def _choice(row: RowResult, raw: dict, column: str, choice_class, default: str) -> str:
    value = raw.get(column, "")
    if not value:
        return default
    by_value = {str(v): str(v) for v in choice_class.values}
    by_label = {str(label).lower(): str(v) for v, label in choice_class.choices}
    found = by_value.get(value) or by_value.get(value.lower()) or by_label.get(value.lower())
    if found is None:
        row.error(column, f"“{value}” is not one of {', '.join(by_value)}.")
        return default
    return found


def _date(row: RowResult, raw: dict, column: str) -> datetime.date | None:
    value = raw.get(column, "")
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        row.error(column, f"“{value}” is not a date written YYYY-MM-DD.")
        return None


def _count(row: RowResult, raw: dict, column: str) -> int | None:
    value = raw.get(column, "")
    if not value:
        return None
    if not re.fullmatch(r"\d+", value) or int(value) > MAX_COUNT:
        row.error(column, not_a_whole_number(value))
        return None
    return int(value)


def _coordinate(row: RowResult, raw: dict, column: str, limit: int) -> Decimal | None:
    value = raw.get(column, "")
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        row.error(column, f"“{value}” is not a number (decimal degrees, e.g. 36.34).")
        return None
    if not -limit <= number <= limit:
        row.error(column, f"{value} is outside −{limit} to {limit}.")
        return None
    return number.quantize(Decimal("0.000001"))


def _text(row: RowResult, raw: dict, column: str, model=Incident) -> str:
    value = raw.get(column, "")
    limit = model._meta.get_field(column).max_length if column in {f.name for f in model._meta.fields} else None
    if limit and len(value) > limit:
        row.error(column, f"is {len(value)} characters long; at most {limit} fit.")
    return value


def _belligerents(row: RowResult, raw: dict) -> list[tuple[str, str]]:
    found = []
    for part in (p.strip() for p in raw.get("belligerents", "").split(";")):
        if not part:
            continue
        match = BELLIGERENT.match(part)
        name, role = match["name"].strip(), (match["role"] or choices.BelligerentRole.ALLEGED).strip().lower()
        if role not in choices.BelligerentRole.values:
            row.error("belligerents", f"role “{role}” of “{name}” is not alleged or acknowledged.")
            continue
        found.append((name, role))
    return found


def check_row(line: int, raw: dict) -> RowResult:
    """Read and check one row of the tracker's layout; nothing is written."""
    row = RowResult(line=line, code=raw.get("code", "").upper(), title=raw.get("title", ""))
    data = row.data
    for column, value in raw.items():
        if "\x00" in value:
            row.error(column, "contains a NUL character (a damaged file?); remove it.")
            raw[column] = value.replace("\x00", "")
    if not row.title:
        row.error("title", "is empty; every incident needs a title.")
    data["title"] = _text(row, raw, "title")
    data["summary"] = raw.get("summary", "")
    data["date_start"] = _date(row, raw, "date_start")
    if data["date_start"] is None and not any("date_start" in e for e in row.errors):
        row.error("date_start", "is empty; every incident needs a start date (YYYY-MM-DD).")
    data["date_end"] = _date(row, raw, "date_end")
    if data["date_start"] and data["date_end"]:
        if data["date_end"] < data["date_start"]:
            row.error("date_end", f"{data['date_end']} is before the start date {data['date_start']}.")
        elif data["date_end"] == data["date_start"]:
            data["date_end"] = None
    data["grade"] = _choice(row, raw, "grade", choices.Grade, "")
    for column, choice_class in CHOICE_COLUMNS.items():
        default = {"date_precision": choices.DatePrecision.DAY, "geo_precision": choices.GeoPrecision.TOWN,
                   "event_type": choices.EventType.OTHER, "external_dataset": choices.Dataset.OTHER}[column]
        data[column] = _choice(row, raw, column, choice_class, str(default))
    country = raw.get("country", "").upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        row.error("country", f"“{raw['country']}” is not a two-letter ISO 3166-1 code such as IQ.")
    data["country"] = country
    for column in ("admin1", "admin2", "locality", "neighbourhood"):
        data[column] = _text(row, raw, column)
    data["latitude"] = _coordinate(row, raw, "latitude", 90)
    data["longitude"] = _coordinate(row, raw, "longitude", 180)
    if (data["latitude"] is None) != (data["longitude"] is None) and not any("itude" in e for e in row.errors):
        row.error("latitude" if data["latitude"] is None else "longitude", "give both latitude and longitude, or neither.")
    data["conflict"] = raw.get("conflict", "")
    data["belligerents"] = _belligerents(row, raw)
    for column, value, limit in [
        ("conflict", data["conflict"], 200), ("source_name", raw.get("source_name", ""), 200), ("report_title", raw.get("report_title", ""), 500),
        ("source_url", raw.get("source_url", ""), 2000), ("external_id", raw.get("external_id", ""), 64),
        *[("belligerents", name, 200) for name, _ in data["belligerents"]],
    ]:
        if len(value) > limit:
            row.error(column, f"“{value[:40]}…” is {len(value)} characters long; at most {limit} fit.")

    data["figures"] = []
    for prefix, outcome, whom, basis in FIGURE_COLUMNS:
        low, high = _count(row, raw, f"{prefix}_min"), _count(row, raw, f"{prefix}_max")
        if low is not None and high is not None and low > high:
            row.error(f"{prefix}_min", f"the minimum {low} is greater than the maximum {high}.")
        elif low is not None or high is not None:
            data["figures"].append((prefix, outcome, whom, basis, low, high))
    if any(figure[3] == choices.Basis.CONCEDED for figure in data["figures"]):
        data["conceded_by"] = presumed_conceder(dict(data["belligerents"]).items())
        if data["conceded_by"] is None:
            row.error("belligerents", "a conceded figure counts only for the belligerent that conceded it: name exactly "
                      "one belligerent, or mark the one that conceded it “(acknowledged)”.")
    data["source_url"] = raw.get("source_url", "") or raw.get("permalink", "")
    data["source_name"] = raw.get("source_name", "")
    for column in ("source_url", "permalink"):
        if raw.get(column) and not is_web_address(raw[column]):
            row.error(column, gettext("“%(value)s” is not a web address: it must start with http:// or https://.") % {"value": raw[column][:80]})
    if len(raw.get("permalink", "")) > 500:
        row.error("permalink", gettext("the address is %(length)s characters long; at most 500 fit.") % {"length": len(raw["permalink"])})
    if data["figures"] and not data["source_url"]:
        row.error("source_url", "the row has figures but no source: give the report's address in source_url (or a permalink).")
    data["report_title"] = raw.get("report_title", "")
    data["report_published_on"] = _date(row, raw, "report_published_on")
    data["attributed_to"] = raw.get("attributed_to", "")
    data["external_id"] = raw.get("external_id", "")
    data["external_ids"] = []
    for part in (p.strip() for p in raw.get("external_ids", "").split(";")):
        if not part:
            continue
        dataset, _, identifier = part.partition(":")
        if dataset.strip() not in choices.Dataset.values or not identifier.strip():
            row.error("external_ids", f"“{part}” is not dataset:id with a dataset among {', '.join(choices.Dataset.values)}.")
            continue
        if len(identifier.strip()) > 64:
            row.error("external_ids", f"the id “{identifier.strip()[:40]}…” is longer than 64 characters.")
            continue
        data["external_ids"].append((dataset.strip(), identifier.strip()))
    if data["external_id"] and raw.get("external_dataset"):
        data["external_ids"].append((data["external_dataset"], data["external_id"]))
    data["external_ids"] = list(dict.fromkeys(data["external_ids"]))
    data["permalink"] = raw.get("permalink", "")
    if data["external_id"] and not raw.get("external_dataset"):
        row.error("external_dataset", f"say which dataset the id “{data['external_id']}” belongs to ({', '.join(choices.Dataset.values)}).")
    return row

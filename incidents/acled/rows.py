"""Reading one row of ACLED's export (its standard columns) into the fields of an incident, or row errors in words.

ACLED's codebook: `time_precision` 1 = the day is known, 2 = only the week (ACLED codes the middle of it, or a range of
days), 3 = only the month (ACLED codes its middle or its first day); `geo_precision` 1 = the town named, 2 = near a
town or a part of a region (its centroid), 3 = only a larger region (the province capital or its centroid).
`fatalities` is ACLED's conservative count of every death of the event, whatever the dead were: never civilians alone.
"""

import datetime
import re

import pycountry
from django.utils.translation import gettext

from .. import choices, display
from ..imports.columns import RowResult, _coordinate
from ..models import Incident
from ..ucdp.mapping import title_of

COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso", "region",
    "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
)
# Without these a row cannot become an incident; the others, when absent, are read as empty.
REQUIRED_COLUMNS = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
                    "civilian_targeting", "country", "geo_precision", "fatalities")

DATE_PRECISION = {1: choices.DatePrecision.DAY, 2: choices.DatePrecision.WEEK, 3: choices.DatePrecision.MONTH}
GEO_PRECISION = {1: choices.GeoPrecision.TOWN, 2: choices.GeoPrecision.DISTRICT, 3: choices.GeoPrecision.PROVINCE}

# sub_event_type → our event type; `True` where the type is a guess (ACLED's "Attack" may be by knife or by gun).
EVENT_TYPES = {
    "air/drone strike": (choices.EventType.AIRSTRIKE, True),
    "shelling/artillery/missile attack": (choices.EventType.SHELLING, False),
    "remote explosive/landmine/ied": (choices.EventType.EXPLOSION, False),
    "suicide bomb": (choices.EventType.EXPLOSION, False),
    "grenade": (choices.EventType.EXPLOSION, False),
    "attack": (choices.EventType.GUNFIRE, True),
    "armed clash": (choices.EventType.GUNFIRE, True),
}
DRONE = re.compile(r"\bdrones?\b|\bUAVs?\b|\bunmanned\b", re.IGNORECASE)

CIVILIAN_TARGETING = "civilian targeting"
# ACLED names the harmed as actors ("Civilians (Iraq)", "Protesters (Iraq)"): they are never belligerents.
NOT_BELLIGERENTS = re.compile(r"^(?:civilians|protesters|rioters)\b", re.IGNORECASE)

DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y")
MAX_ID = 64
MAX_PLACE = Incident._meta.get_field("admin1").max_length


def looks_like_acled(header: list[str]) -> bool:
    """A header that claims ACLED's layout: its event id column and most of its required columns."""
    return "event_id_cnty" in header and 2 * sum(name in header for name in REQUIRED_COLUMNS) >= len(REQUIRED_COLUMNS)


def _whole(row: RowResult, raw: dict, column: str, allowed: tuple | None = None) -> int | None:
    value = raw.get(column, "").strip()
    match = re.fullmatch(r"(\d{1,9})(?:\.0+)?", value)
    if match is None:
        row.error(column, gettext("“%(value)s” is not a whole number.") % {"value": value[:40]})
        return None
    number = int(match[1])
    if allowed and number not in allowed:
        row.error(column, gettext("“%(value)s” is not one of ACLED's codes %(codes)s.") % {
            "value": value[:40], "codes": ", ".join(str(code) for code in allowed)})
        return None
    return number


def _event_date(row: RowResult, raw: dict) -> datetime.date | None:
    value = raw.get("event_date", "").strip()
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value[:10] if pattern == "%Y-%m-%d" else value, pattern).date()
        except ValueError:
            continue
    row.error("event_date", gettext("“%(value)s” is not a date (YYYY-MM-DD, or as ACLED writes it: 15 March 2020).") % {
        "value": value[:40]})
    return None


def _country(raw: dict) -> str:
    """ISO 3166-1 alpha-2 from ACLED's numeric `iso`, else from the country's name ("" when neither is known)."""
    iso = raw.get("iso", "").strip().split(".")[0]
    country = pycountry.countries.get(numeric=iso.zfill(3)) if iso.isdigit() else None
    return country.alpha_2 if country else display.country_code(name=raw.get("country", ""))


def event_type_of(sub_event_type: str, notes: str) -> tuple[str, bool]:
    """Our event type for ACLED's sub-event type (a drone named in the notes makes an air/drone strike a drone strike)."""
    key = sub_event_type.strip().lower()
    if key == "air/drone strike" and DRONE.search(notes):
        return choices.EventType.DRONE_STRIKE, False
    return EVENT_TYPES.get(key, (choices.EventType.OTHER, False))


def source_codes(raw: dict) -> str:
    """ACLED's own codes, kept on the external id as given."""
    parts = [f"{column} {raw.get(column, '').strip()}" for column in ("time_precision", "geo_precision", "interaction")]
    return "; ".join(parts)[:200]


def _clip(value: str, length: int) -> str:
    return value if len(value) <= length else value[: length - 1] + "…"


def _summary(raw: dict, fatalities: int) -> str:
    place = ", ".join(dict.fromkeys(part for part in (raw.get(c, "").strip() for c in (
        "location", "admin3", "admin2", "admin1", "country")) if part))
    actors = "; ".join(part for part in (raw.get(c, "").strip() for c in ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")) if part)
    kind = " / ".join(part for part in (raw.get(c, "").strip() for c in ("disorder_type", "event_type", "sub_event_type")) if part)
    return (
        f"Imported from ACLED, event {raw.get('event_id_cnty', '').strip()}. ACLED codes it as {kind}, at {place}; "
        f"actors: {actors or 'none named'}. ACLED counts {fatalities} deaths of any status (its conservative estimate), "
        "not civilians alone. The belligerents are ACLED's actors, not a finding of who caused the harm."
    )


def check_acled_row(line: int, raw: dict, *, all_events: bool = False) -> RowResult:
    """One ACLED row as an incident's fields, or errors naming row and column; a row that is not civilian targeting
    is marked to skip unless `all_events`. Nothing is written."""
    identifier = raw.get("event_id_cnty", "").strip()
    row = RowResult(line=line, title="")
    data = row.data
    data["label"] = f"ACLED {identifier}"
    if not identifier:
        row.error("event_id_cnty", gettext("is empty; every ACLED event has an id."))
    elif len(identifier) > MAX_ID:
        row.error("event_id_cnty", gettext("is longer than %(limit)s characters.") % {"limit": MAX_ID})
    for column, value in raw.items():
        if "\x00" in value:
            row.error(column, gettext("contains a NUL character (a damaged file?); remove it."))
    date = _event_date(row, raw)
    time_precision = _whole(row, raw, "time_precision", tuple(DATE_PRECISION))
    geo_precision = _whole(row, raw, "geo_precision", tuple(GEO_PRECISION))
    fatalities = _whole(row, raw, "fatalities")
    targeting = raw.get("civilian_targeting", "").strip()
    if targeting and targeting.lower() != CIVILIAN_TARGETING:
        row.error("civilian_targeting", gettext("“%(value)s” is neither empty nor “Civilian targeting”.") % {"value": targeting[:40]})
    latitude, longitude = _coordinate(row, raw, "latitude", 90), _coordinate(row, raw, "longitude", 180)
    if (latitude is None) != (longitude is None) and not any("itude" in error for error in row.errors):
        row.error("latitude" if latitude is None else "longitude", gettext("give both latitude and longitude, or neither."))
    names = [raw.get(column, "").strip() for column in ("actor1", "actor2")]
    belligerents = [(name, choices.BelligerentRole.ALLEGED) for name in dict.fromkeys(names) if name and not NOT_BELLIGERENTS.match(name)]
    for name, _role in belligerents:
        if len(name) > 200:
            row.error("actor1" if name == names[0] else "actor2", gettext("is longer than 200 characters."))
    if row.errors:
        return row
    if not all_events and targeting.lower() != CIVILIAN_TARGETING:
        data["skip"] = "not_civilian_targeting"
    event_type, inferred = event_type_of(raw.get("sub_event_type", ""), raw.get("notes", ""))
    who = " vs ".join(name for name, _role in belligerents) or raw.get("sub_event_type", "").strip() or "ACLED event"
    row.title = title_of(event_type, who)
    data.update({
        "title": row.title, "summary": _summary(raw, fatalities), "date_start": date, "date_end": None,
        "date_precision": DATE_PRECISION[time_precision], "geo_precision": GEO_PRECISION[geo_precision],
        "event_type": event_type, "event_type_inferred": inferred, "country": _country(raw),
        "admin1": _clip(raw.get("admin1", "").strip(), MAX_PLACE), "admin2": _clip(raw.get("admin2", "").strip(), MAX_PLACE),
        "locality": _clip(raw.get("location", "").strip(), 200), "neighbourhood": "",
        "latitude": latitude, "longitude": longitude, "belligerents": belligerents, "conflict": "",
        "external_ids": [(choices.Dataset.ACLED, identifier)], "match_by_id_only": True,
        "identifier": identifier, "source_codes": source_codes(raw), "fatalities": fatalities,
        "sources": " ".join(raw.get("source", "").split()), "notes": raw.get("notes", "").strip(),
    })
    return row

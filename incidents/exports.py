"""CSV (plain and HXL), claims CSV, JSON and GeoJSON writers: each takes a queryset and streams.

The columns are declared once, in `INCIDENT_COLUMNS` and `CLAIM_COLUMNS`: the
exports, the full downloads, the import (an export re-imports) and the README's
column table all read them. Every writer starts from a `published()` queryset
and reads it with `iterator(chunk_size=…)`, so memory does not grow with the
number of rows; confidential sources appear only by their public label.
"""

import csv
import datetime
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.db import DatabaseError
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation

from sources.public import public_report_fields

from . import display
from .models import BelligerentRoleLink, CasualtyFigure, ExternalIdentifier, Incident, Position

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Column:
    """One export column: its header, its HXL hashtag, what it means, and how to read it from a record."""

    name: str
    hxl: str
    meaning: str
    value: Callable


def _field(name: str) -> Callable:
    return lambda record, context: getattr(record, name)


def _belligerents(incident, context) -> str:
    return "; ".join(f"{link.actor.name} ({link.role})" for link in incident.export_belligerents)


def _external_ids(incident, context) -> str:
    return "; ".join(f"{identifier.dataset}:{identifier.identifier}" for identifier in incident.export_external_ids)


def _position(position) -> str:
    """One actor's position in words, always in English: an export's cells are data, the same whatever the page's language."""
    with translation.override("en"):
        return _position_words(position)


def _position_words(position) -> str:
    parts = [position.stance or "no statement"]
    if position.stated_on:
        parts[0] += f" ({display.stated_iso(position)})"
    for outcome in ("killed", "injured"):
        low, high = getattr(position, f"conceded_{outcome}_min"), getattr(position, f"conceded_{outcome}_max")
        if low is not None or high is not None:
            parts.append(f"conceded {outcome} {display.format_range(low, high)}")
    member = f" [member of {position.actor.parent.name}]" if position.actor.parent_id else ""
    return f"{position.actor.name}{member}: " + ", ".join(parts)


def _positions(incident, context) -> str:
    return "; ".join(_position(position) for position in incident.export_positions)


def _permalink(incident, context) -> str:
    # The incident page's address, reversed once per export (`export_context`) rather than once per row.
    return context["permalink"].replace(PERMALINK_CODE, quote(incident.code, safe=""))


def _help(model, name: str) -> str:
    """A column's meaning, from the field's help text as written (English: the data dictionary is part of the data)."""
    with translation.override("en"):
        return str(model._meta.get_field(name).help_text)


def _incident_column(name: str, hxl: str, meaning: str | None = None, value: Callable | None = None) -> Column:
    return Column(name, hxl, meaning or _help(Incident, name), value or _field(name))


def _range_columns(prefix: str, hxl: str) -> list[Column]:
    """A derived range's columns: min, max (empty when the top is open), the open flag, and for reported ranges the no-number flag."""
    columns = [
        _incident_column(f"{prefix}_min", f"{hxl}+min"),
        _incident_column(f"{prefix}_max", f"{hxl}+max", value=lambda incident, context: display.public_max(incident, prefix)),
        _incident_column(f"{prefix}_open", f"{hxl}+open"),
    ]
    if prefix in display.REPORTED_PREFIXES:
        columns.append(_incident_column(f"{prefix}_unquantified", f"{hxl}+unquantified"))
    return columns


def _related(incident, context) -> str:
    return "; ".join(other.code for other in incident.public_related)


INCIDENT_COLUMNS = [
    _incident_column("code", "#event+code"),
    _incident_column("title", "#event+name"),
    _incident_column("date_start", "#date+start"),
    _incident_column("date_end", "#date+end"),
    _incident_column("date_precision", "#date+precision"),
    _incident_column("country", "#country+code"),
    _incident_column("admin1", "#adm1+name"),
    _incident_column("admin2", "#adm2+name"),
    _incident_column("locality", "#loc+name"),
    _incident_column("neighbourhood", "#loc+name+neighbourhood"),
    # The public point and precision only (`incidents.protection`: coarsened where the location is protected).
    _incident_column("geo_precision", "#geo+precision", _help(Incident, "public_precision"), _field("public_precision")),
    _incident_column("latitude", "#geo+lat", _help(Incident, "public_latitude"), _field("public_latitude")),
    _incident_column("longitude", "#geo+lon", _help(Incident, "public_longitude"), _field("public_longitude")),
    _incident_column("event_type", "#event+type"),
    _incident_column("conflict", "#event+conflict", "The theatre or campaign (its name).",
                     lambda incident, context: incident.conflict.name if incident.conflict_id else ""),
    _incident_column("belligerents", "#org+belligerent",
                     "The forces named as responsible, each with its role: “Name (alleged); Name (acknowledged)”.", _belligerents),
    _incident_column("grade", "#status+grade"),
    *_range_columns("reported_killed", "#affected+killed"),
    *_range_columns("conceded_killed", "#affected+killed+conceded"),
    *_range_columns("reported_injured", "#affected+injured"),
    *_range_columns("conceded_injured", "#affected+injured+conceded"),
    *_range_columns("children_killed", "#affected+killed+children"),
    *_range_columns("women_killed", "#affected+killed+women"),
    _incident_column("latest_stance", "#status+stance"),
    _incident_column("positions", "#status+stance+actor",
                     "Each actor's current position (the stance of its latest statement, with its date) and what it conceded "
                     "itself, counted for it only: “US forces: credible (2017-06-01), conceded killed 3+; Iraqi forces: denies "
                     "(2017-04-02)”. Derived.", _positions),
    _incident_column("sources_count", "#meta+sources+num"),
    _incident_column("related", "#meta+id+related",
                     "Codes of the published records linked as related: possibly the same event, not merged; totals count a group "
                     "of related records once.", _related),
    _incident_column("external_ids", "#meta+id+external",
                     "The incident's ids in other datasets that also track it, as dataset:id (ucdp_ged:238475; airwars:CI550).",
                     _external_ids),
    _incident_column("permalink", "#meta+url", "The incident's public page: the address to cite.", _permalink),
    _incident_column("updated_at", "#date+updated"),
]


def _claim_column(name: str, hxl: str, meaning: str | None = None, value: Callable | None = None) -> Column:
    return Column(name, hxl, meaning or _help(CasualtyFigure, name), value or _field(name))


def _report_value(key: str) -> Callable:
    return lambda figure, context: public_report_fields(figure.report)[key]


# Whom a claim counts and the cause, in the categories of SDG indicator 16.1.2: (field, HXL tag), one column each.
WHOM_HXL = [
    ("person_status", "#affected+status"), ("sex", "#affected+sex"), ("age_group", "#affected+age"),
    ("profession", "#affected+profession"), ("cause", "#affected+cause"),
]

CLAIM_COLUMNS = [
    _claim_column("incident_code", "#event+code", "Code of the incident the claim is about.", lambda f, c: f.incident.code),
    _claim_column("claim_id", "#meta+id", "Number of the claim in the tracker.", lambda f, c: f.pk),
    _claim_column("outcome", "#affected+outcome"),
    *[_claim_column(name, hxl) for name, hxl in WHOM_HXL],
    _claim_column("basis", "#meta+basis"),
    _claim_column("count_min", "#affected+min"),
    _claim_column("count_max", "#affected+max"),
    _claim_column("qualifier", "#affected+qualifier"),
    _claim_column("attributed_to", "#org+attributed"),
    _claim_column("stated_on", "#date+stated"),
    _claim_column("stated_on_precision", "#date+stated+precision"),
    _claim_column("quote", "#description+quote"),
    _claim_column("count_best", "#affected+best"),
    _claim_column("caveat", "#description+caveat"),
    _claim_column("conceded_by", "#org+conceded", value=lambda f, c: f.conceded_by.name if f.conceded_by_id else ""),
    _claim_column("statement_id", "#meta+statement", "For a conceded figure: the number of the official statement that concedes it.",
                  lambda f, c: f.statement_id),
    _claim_column("report_id", "#meta+report", "Number of the report that states the figure.", lambda f, c: f.report_id),
    _claim_column("report_title", "#meta+report+title", "Title of the report (withheld for a confidential source).",
                  _report_value("title")),
    _claim_column("report_url", "#meta+report+url", "Where the report was published (withheld for a confidential source).",
                  _report_value("url")),
    _claim_column("report_published_on", "#date+report", "Date the report was published.", _report_value("published_on")),
    _claim_column("source", "#org+source", "The source's name; a confidential source appears only as its generic label.",
                  _report_value("source")),
]


def export_incidents(queryset):
    """Published incidents with what a row shows, prefetched per chunk into plain lists (`to_attr`: no query set is
    made per row, which cost more than the rest of the export)."""
    return queryset.with_public_related().select_related("conflict").prefetch_related(
        Prefetch("belligerent_roles", queryset=BelligerentRoleLink.objects.select_related("actor").order_by("role", "actor__name"),
                 to_attr="export_belligerents"),
        Prefetch("external_ids", queryset=ExternalIdentifier.objects.order_by("dataset", "identifier"), to_attr="export_external_ids"),
        Prefetch("positions", queryset=Position.objects.select_related("actor__parent").order_by("-stated_on", "actor__name"),
                 to_attr="export_positions"),
    )


def export_claims(incidents):
    """The non-excluded claims of the given incidents, in the incidents' order then the claims' own."""
    return (
        CasualtyFigure.objects.published().filter(incident__in=incidents.order_by().values("pk"))
        .select_related("incident", "report__source", "conceded_by")
        .defer("notes", "excluded_reason", "report__text", "report__notes", "report__source__description")
        .order_by("incident_id", "stated_on", "id")
    )


def cell(value) -> str:
    """A value as CSV text: dates ISO 8601, datetimes in UTC, decimals without trailing zeros, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return format(Decimal(str(value)).normalize(), "f")
    return str(value)


# What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection"): =, +, -, @, tab, carriage return.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text cell that a spreadsheet would run as a formula, made inert by a leading apostrophe (OWASP's rule).

    Why: a title such as `=HYPERLINK("http://evil")` in a CSV runs when a researcher opens the file. Only text is
    changed; numbers stay numbers (a longitude of -3.5 is a Decimal here, not text), and JSON, GeoJSON, SQLite and the
    API are data, never opened as spreadsheets, so they carry the words exactly. Every CSV writer calls this.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def json_value(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return float(value)
    return value


def records(queryset, columns: list[Column], context: dict) -> Iterator[dict]:
    """Each record of the queryset as {column name: value}, read in chunks. On PostgreSQL `iterator()` reads from a
    server-side (named) cursor, CHUNK_SIZE rows a fetch, unless DISABLE_SERVER_SIDE_CURSORS is set (keep it off; only
    a transaction-pooling PgBouncer needs it): memory stays flat however many rows (tests/test_rate_limits.py)."""
    for record in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield {column.name: column.value(record, context) for column in columns}


class _Echo:
    """A file-like object whose write returns the line, for csv.writer inside a generator."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[dict], columns: list[Column], *, hxl: bool = False) -> Iterator[str]:
    """CSV text line by line: the header, the HXL hashtag row if asked, then the rows."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow([column.name for column in columns])
    if hxl:
        yield writer.writerow([column.hxl for column in columns])
    for row in rows:
        yield writer.writerow([cell(spreadsheet_safe(row[column.name])) for column in columns])


def incident_csv(queryset, context: dict, *, hxl: bool = False) -> Iterator[str]:
    return csv_lines(records(export_incidents(queryset), INCIDENT_COLUMNS, context), INCIDENT_COLUMNS, hxl=hxl)


def claims_csv(incidents, context: dict) -> Iterator[str]:
    return csv_lines(records(export_claims(incidents), CLAIM_COLUMNS, context), CLAIM_COLUMNS)


def incident_json(queryset, context: dict) -> Iterator[str]:
    """A JSON document {"incidents": [...], "count": n} written one incident at a time."""
    yield '{"generated_at": ' + json.dumps(json_value(context["generated_at"])) + ', "incidents": ['
    count = 0
    for row in records(export_incidents(queryset), INCIDENT_COLUMNS, context):
        yield ("," if count else "") + "\n" + json.dumps({key: json_value(value) for key, value in row.items()}, ensure_ascii=False)
        count += 1
    yield f'\n], "count": {count}}}\n'


def incident_geojson(queryset, context: dict) -> Iterator[str]:
    """An RFC 7946 FeatureCollection: [longitude, latitude] points, null geometry where the place has no coordinates."""
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for row in records(export_incidents(queryset), INCIDENT_COLUMNS, context):
        latitude, longitude = row["latitude"], row["longitude"]
        geometry = None
        if latitude is not None and longitude is not None:
            geometry = {"type": "Point", "coordinates": [float(longitude), float(latitude)]}
        properties = {key: json_value(value) for key, value in row.items() if key not in ("latitude", "longitude")}
        feature = {"type": "Feature", "id": row["code"], "geometry": geometry, "properties": properties}
        yield ("" if first else ",") + "\n" + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "\n]}\n"


FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv", lambda qs, ctx: incident_csv(qs, ctx)),
    "hxl": ("text/csv; charset=utf-8", "csv", lambda qs, ctx: incident_csv(qs, ctx, hxl=True)),
    "claims": ("text/csv; charset=utf-8", "csv", claims_csv),
    "json": ("application/json", "json", incident_json),
    "geojson": ("application/geo+json", "geojson", incident_geojson),
}
FILE_STEMS = {"csv": "incidents", "hxl": "incidents-hxl", "claims": "claims", "json": "incidents", "geojson": "incidents"}


PERMALINK_CODE = "CODE-PLACEHOLDER"


def export_context(base_url: str) -> dict:
    base_url = base_url.rstrip("/")
    return {"base_url": base_url, "generated_at": timezone.now(),
            "permalink": base_url + reverse("incident_detail", args=[PERMALINK_CODE])}


BYTE_ORDER_MARK = "\ufeff"


def with_byte_order_mark(lines: Iterable[str]) -> Iterator[str]:
    """The lines after a UTF-8 byte-order mark: Excel then reads the file as UTF-8 (Arabic script and diacritics
    intact) instead of the computer's legacy code page. Only on request: other tools may take the mark for text."""
    yield BYTE_ORDER_MARK
    yield from lines


# The last line of an export that stopped part-way (the database went away while it streamed). The status and headers
# were sent before the first row, so the file itself must say it is cut: a CSV reader sees a line that is no record,
# and it makes a JSON or GeoJSON document invalid, so no parser takes a cut file for a whole one. Always English, as
# every export cell is: a script looks for this exact text.
INCOMPLETE_MARKER = "# export incomplete: "


def marking_incomplete(lines: Iterable[str]) -> Iterator[str]:
    """The lines of an export; if the database fails part-way, a last line `INCOMPLETE_MARKER` + why, then the end."""
    count = 0
    try:
        for line in lines:
            yield line
            count += 1
    except DatabaseError as error:
        logger.warning("Export cut after %d lines: %s", count, error)
        yield f"\n{INCOMPLETE_MARKER}the database connection was lost after {count} lines; download the file again\n"


def streaming_export(queryset, fmt: str, *, base_url: str, byte_order_mark: bool = False, wrap=None) -> StreamingHttpResponse:
    """The export of a filtered queryset in one of FORMATS, streamed row by row from a server-side cursor
    (`records`); a CSV opens with a byte-order mark when asked (`with_byte_order_mark`); JSON never does (RFC 8259
    forbids it). A stream cut by the database ends with `INCOMPLETE_MARKER`; `wrap` (the export slot) sees every line."""
    content_type, extension, writer = FORMATS[fmt]
    context = export_context(base_url)
    lines = writer(queryset, context)
    if byte_order_mark and content_type.startswith("text/csv"):
        lines = with_byte_order_mark(lines)
    lines = marking_incomplete(lines)
    if wrap is not None:
        lines = wrap(lines)
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = export_file_name(fmt)
    return response


def export_file_name(fmt: str) -> str:
    """The Content-Disposition of an export: the format's name and today's date."""
    extension = FORMATS[fmt][1]
    return f'attachment; filename="casualty-tracker-{FILE_STEMS[fmt]}-{timezone.localdate().isoformat()}.{extension}"'



def all_published_incidents():
    """Every published incident in the list's default order."""
    return Incident.objects.published().order_by("-date_start", "-id")

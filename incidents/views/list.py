"""/incidents/: the published incidents, filtered (`IncidentFilter`), totalled by the database, paged by keyset."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .. import choices
from ..display import country_name
from ..filters import MAX_COUNT, IncidentFilter, Sort
from ..models import BelligerentRoleLink, Incident

PAGE_SIZE = 50
MAX_ID = 2**63 - 1
TOTALS_GRADES = (choices.Grade.CONFIRMED, choices.Grade.FAIR)


def totals_aggregates(prefix: str = "", only: Q | None = None) -> dict:
    """Count and sum the derived figures of a set of incidents (aggregate or per-group annotate)."""
    has_conceded = Q(conceded_killed_min__isnull=False) | Q(conceded_killed_max__isnull=False)

    def where(condition=None):
        if only is None:
            return condition
        return only if condition is None else only & condition

    def total(field):
        return Coalesce(Sum(field, filter=where()), 0)

    return {
        f"{prefix}incidents": Count("id", filter=where()),
        f"{prefix}reported_min": total("reported_killed_min"),
        f"{prefix}reported_max": total("reported_killed_max"),
        f"{prefix}with_reported": Count("id", filter=where(Q(reported_killed_max__isnull=False) | Q(reported_killed_min__isnull=False))),
        f"{prefix}conceded_min": total("conceded_killed_min"),
        f"{prefix}conceded_max": total("conceded_killed_max"),
        f"{prefix}with_conceded": Count("id", filter=where(has_conceded)),
    }


def totals_of(queryset) -> dict:
    """The totals of a filtered set, all grades and confirmed + fair only, in one query."""
    values = queryset.order_by().aggregate(
        **totals_aggregates(), **totals_aggregates("graded_", Q(grade__in=TOTALS_GRADES)),
    )
    graded = {key.removeprefix("graded_"): value for key, value in values.items() if key.startswith("graded_")}
    return {"all": {key: value for key, value in values.items() if not key.startswith("graded_")}, "graded": graded}


# A row's belligerents with their names, in one query for all the rows.
BELLIGERENTS = Prefetch("belligerent_roles", queryset=BelligerentRoleLink.objects.select_related("actor").order_by("role", "actor__name"))


def with_belligerents(queryset):
    """Incidents with what a row shows: conflict and belligerents in one extra query, whatever the rows."""
    return queryset.select_related("conflict").prefetch_related(BELLIGERENTS)


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    """A position in the list: the sort value and id of a row (value None: among the rows with no value)."""

    value: object
    id: int

    def encode(self) -> str:
        if self.value is None:
            text = "none"
        elif isinstance(self.value, datetime.datetime):
            text = self.value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        elif isinstance(self.value, datetime.date):
            text = self.value.isoformat()
        else:
            text = str(self.value)
        return f"{text}~{self.id}"

    @classmethod
    def of(cls, incident: Incident, sort: Sort) -> "Cursor":
        return cls(getattr(incident, sort.field), incident.pk)

    @classmethod
    def decode(cls, text: str, sort: Sort) -> "Cursor":
        """Read a cursor from the URL, or raise BadCursor."""
        value_text, _, id_text = (text or "").strip().rpartition("~")
        if not id_text.isdigit() or not 0 < int(id_text) <= MAX_ID or not value_text:
            raise BadCursor(text)
        if value_text == "none":
            if not sort.nullable:
                raise BadCursor(text)
            return cls(None, int(id_text))
        field = Incident._meta.get_field(sort.field).get_internal_type()
        try:
            if field == "DateField":
                value = datetime.date.fromisoformat(value_text)
            elif field == "DateTimeField":
                value = parse_datetime(value_text)
                if value is None:
                    raise BadCursor(text)
                if timezone.is_naive(value):
                    value = timezone.make_aware(value, datetime.UTC)
            else:
                if not value_text.isdigit() or int(value_text) > MAX_COUNT:
                    raise BadCursor(text)
                value = int(value_text)
        except (ValueError, OverflowError) as error:
            raise BadCursor(text) from error
        return cls(value, int(id_text))


@dataclass
class Page:
    rows: list
    next: Cursor | None = None
    previous: Cursor | None = None


def _beyond(sort: Sort, cursor: Cursor, forward: bool) -> Q:
    """Rows after the cursor in the list's order (forward) or before it (backward), within its value segment."""
    later = "lt" if sort.descending == forward else "gt"
    if cursor.value is None:
        return Q(**{f"id__{later}": cursor.id})
    return Q(**{f"{sort.field}__{later}": cursor.value}) | Q(**{sort.field: cursor.value, f"id__{later}": cursor.id})


def _segments(queryset, sort: Sort, forward: bool) -> list:
    """The list as index-friendly segments: rows with a value, then (nullable sorts) rows without, in id order.

    Each segment's ORDER BY matches an index of the model, so a deep page costs what the first one does.
    """
    descending = sort.descending == forward
    key = F(sort.field).desc() if descending else F(sort.field).asc()
    tie = "-id" if descending else "id"
    if not sort.nullable:
        return [queryset.order_by(key, tie)]
    known = queryset.filter(**{f"{sort.field}__isnull": False}).order_by(key, tie)
    unknown = queryset.filter(**{f"{sort.field}__isnull": True}).order_by(tie)
    return [known, unknown] if forward else [unknown, known]


def keyset_page(queryset, sort: Sort, *, after: Cursor | None = None, before: Cursor | None = None, size: int | None = None) -> Page:
    """One page of the sorted list after (or before) a cursor: at most two row queries, whatever the depth."""
    size = size or PAGE_SIZE
    forward = before is None
    cursor = after if forward else before
    segments = _segments(queryset, sort, forward)
    start = 0
    if cursor is not None and sort.nullable:
        # Forward the segments are [known, unknown]; backward [unknown, known].
        in_unknown = cursor.value is None
        start = int(in_unknown) if forward else int(not in_unknown)
    rows: list = []
    for index in range(start, len(segments)):
        segment = segments[index]
        if cursor is not None and index == start:
            segment = segment.filter(_beyond(sort, cursor, forward))
        rows += list(segment[: size + 1 - len(rows)])
        if len(rows) > size:
            break
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    if not rows:
        return Page(rows)
    first, last = Cursor.of(rows[0], sort), Cursor.of(rows[-1], sort)
    if forward:
        return Page(rows, next=last if more else None, previous=first if cursor is not None else None)
    return Page(rows, next=last, previous=first if more else None)


def paged(request, filterset):
    """The page the URL asks for, and a message if its cursor could not be read."""
    sort = filterset.sort_spec
    message = ""
    after = before = None
    try:
        if request.GET.get("after"):
            after = Cursor.decode(request.GET["after"], sort)
        elif request.GET.get("before"):
            before = Cursor.decode(request.GET["before"], sort)
    except BadCursor:
        message = "This page link is not valid (it may have been cut short or made for another sort order). Showing the first page."
    if "page" in request.GET and not (after or before):
        message = "This list has no numbered pages; use “Next” and “Previous”. Showing the first page."
    queryset = with_belligerents(filterset.qs)
    page = keyset_page(queryset, sort, after=after, before=before)
    if not page.rows and (after or before):
        message = "There are no more incidents in that direction. Showing the first page."
        page = keyset_page(queryset, sort)
    return page, message


ADVANCED_FILTERS = ("admin1", "conflict", "belligerent", "source", "killed_min", "conceded", "has_victims", "grade", "event_type", "stance")


def filter_context(request, filterset) -> dict:
    """What every page with the filter form shows: the form, whether it is valid, its errors by field label."""
    form = filterset.form
    valid = not filterset.is_bound or filterset.is_valid()
    field_errors = [
        (form[name].label, ", ".join(form.data.getlist(name)) if hasattr(form.data, "getlist") else form.data.get(name), errors)
        for name, errors in form.errors.items() if name in form.fields
    ]
    return {
        "filter": filterset, "form": form, "valid": valid, "field_errors": field_errors,
        "advanced_active": sum(1 for name in ADVANCED_FILTERS if any(request.GET.getlist(name))),
        "advanced_errors": any(name in form.errors for name in ADVANCED_FILTERS),
        "filters_in_use": describe_filters(form) if valid and filterset.is_bound else [],
    }


def describe_filters(form) -> list[tuple[str, str]]:
    """The filters in force, in words, to say above the results what they are of."""
    described = []
    for name, value in form.cleaned_data.items():
        if name == "sort" or value in (None, "", [], ()):
            continue
        field = form.fields[name]
        if name == "country":
            text = ", ".join(country_name(code) for code in value)
        elif isinstance(value, bool):
            text = "yes" if value else "no"
        elif isinstance(value, list | tuple):
            labels = dict(field.choices)
            text = ", ".join(str(labels.get(item, item)) for item in value)
        elif hasattr(value, "public_name"):
            text = value.public_name
        elif hasattr(value, "isoformat"):
            text = value.isoformat()
        else:
            text = str(value)
        described.append((str(field.label), text))
    return described


def incident_list(request):
    filterset = IncidentFilter(request.GET or None, queryset=Incident.objects.published())
    context = filter_context(request, filterset)
    context.update(sort=filterset.sort_key, sort_label=filterset.sort_spec.label, page_size=PAGE_SIZE, grades=choices.Grade.choices)
    if context["valid"]:
        page, message = paged(request, filterset)
        context.update(page=page, page_message=message, totals=totals_of(filterset.qs))
    return render(request, "incidents/incident_list.html", context)

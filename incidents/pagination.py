"""Keyset pages: every public list (pages and API) moves by cursor, never by OFFSET, so a deep page costs what the first does.

A cursor is the sort value and id of the last (or first) row shown, written `value~id` in the URL
(`after=` for the next page, `before=` for the previous one). Each order must be served by an index
of the model whose leading columns are the order's field then the id (see the README's index notes).
"""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, gettext_lazy

from .cache import cached_aggregate
from .filters import MAX_COUNT
from .params import is_whole_number

PAGE_SIZE = 50
MAX_ID = 2**63 - 1
MAX_TEXT = 500  # longer than any name the lists are ordered by
NONE = "none"


@dataclass(frozen=True)
class Order:
    """A keyset order: a field (or annotation), its direction, whether it may be NULL, and how its value reads in a cursor.

    `kind` is one of "date", "datetime", "int", "text"; empty: read from the model's field.
    """

    field: str
    descending: bool
    nullable: bool = False
    kind: str = ""


class BadCursor(ValueError):
    pass


def _kind(order, model) -> str:
    kind = getattr(order, "kind", "")
    if kind:
        return kind
    internal = model._meta.get_field(order.field).get_internal_type()
    return {"DateField": "date", "DateTimeField": "datetime", "CharField": "text", "SlugField": "text"}.get(internal, "int")


@dataclass(frozen=True)
class Cursor:
    """A position in a list: the sort value and id of a row (value None: among the rows with no value)."""

    value: object
    id: int

    def encode(self) -> str:
        if self.value is None:
            text = NONE
        elif isinstance(self.value, datetime.datetime):
            text = self.value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        elif isinstance(self.value, datetime.date):
            text = self.value.isoformat()
        else:
            text = str(self.value)
        return f"{text}~{self.id}"

    @classmethod
    def of(cls, row, order) -> "Cursor":
        return cls(getattr(row, order.field), row.pk)

    @classmethod
    def decode(cls, text: str, order, model) -> "Cursor":
        """Read a cursor from the URL for this order of this model's rows, or raise BadCursor."""
        value_text, _, id_text = (text or "").strip().rpartition("~")
        if not is_whole_number(id_text) or not 0 < int(id_text) <= MAX_ID or not value_text:
            raise BadCursor(text)
        kind = _kind(order, model)
        if value_text == NONE and (order.nullable or kind != "text"):
            if not order.nullable:
                raise BadCursor(text)
            return cls(None, int(id_text))
        try:
            if kind == "date":
                value = datetime.date.fromisoformat(value_text)
            elif kind == "datetime":
                value = parse_datetime(value_text)
                if value is None:
                    raise BadCursor(text)
                if timezone.is_naive(value):
                    value = timezone.make_aware(value, datetime.UTC)
            elif kind == "text":
                if "\x00" in value_text or len(value_text) > MAX_TEXT:
                    raise BadCursor(text)
                value = value_text
            else:
                if not is_whole_number(value_text) or int(value_text) > MAX_COUNT:
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
    next_query: str = ""  # the query string of the next page (other parameters kept), set by `page_from_request`
    previous_query: str = ""
    first_query: str = ""
    start: int | None = None  # the position of the first row (1 = first of the list); None when not known

    @property
    def object_list(self) -> list:
        return self.rows

    def position(self, total: int | None) -> tuple[int, int] | None:
        """The rows' positions in the whole list, (first, last), or None when the link did not say and the page cannot tell.

        Known without counting: the first page starts at 1, the last one ends at `total`; between them, the `start=`
        the link carried, believed only if the page fits in the list.
        """
        if not self.rows or total is None:
            return None
        count = len(self.rows)
        if self.previous is None:
            first = 1
        elif self.next is None:
            first = total - count + 1
        else:
            first = self.start
        if first is None or first < 1 or first + count - 1 > total or (first == 1 and self.previous is not None):
            return None
        return first, first + count - 1


def _beyond(order, cursor: Cursor, forward: bool) -> Q:
    """Rows after the cursor in the list's order (forward) or before it (backward), within its value segment."""
    later = "lt" if order.descending == forward else "gt"
    if cursor.value is None:
        return Q(**{f"id__{later}": cursor.id})
    return Q(**{f"{order.field}__{later}": cursor.value}) | Q(**{order.field: cursor.value, f"id__{later}": cursor.id})


def _segments(queryset, order, forward: bool) -> list:
    """The list as index-friendly segments: rows with a value, then (nullable orders) rows without, in id order.

    Each segment's ORDER BY matches an index of the model, so a deep page costs what the first one does.
    """
    descending = order.descending == forward
    key = F(order.field).desc() if descending else F(order.field).asc()
    tie = "-id" if descending else "id"
    if not order.nullable:
        return [queryset.order_by(key, tie)]
    known = queryset.filter(**{f"{order.field}__isnull": False}).order_by(key, tie)
    unknown = queryset.filter(**{f"{order.field}__isnull": True}).order_by(tie)
    return [known, unknown] if forward else [unknown, known]


def _computed(order, model) -> bool:
    """Whether the order is a value computed per row (relevance), not a column an index keeps in order."""
    return order.field not in {field.name for field in model._meta.concrete_fields}


def _rows(segment, order, limit: int) -> list:
    """The first `limit` rows of a segment.

    An order computed per row (a search's relevance) must compute it for every match before the first row is known:
    at a million incidents a common place name has 30,000. So which rows, with their values, a page of such a list
    holds is kept per data version (`cached_aggregate`: never stale, see incidents.cache) and, once known, the rows
    are read by id; a page many read is ranked once per change of the data.
    """
    if not _computed(order, segment.model):
        return list(segment[:limit])
    keys = cached_aggregate(
        "keyset-page", segment.prefetch_related(None).values_list("pk", order.field)[:limit], lambda found: list(found),
    )
    by_pk = {row.pk: row for row in segment.filter(pk__in=[pk for pk, _ in keys]).order_by()}
    rows = []
    for pk, value in keys:
        if pk in by_pk:  # always, unless the row changed since (then the data version moved and the keys with it)
            setattr(by_pk[pk], order.field, value)
            rows.append(by_pk[pk])
    return rows


def keyset_page(queryset, order, *, after: Cursor | None = None, before: Cursor | None = None, size: int | None = None) -> Page:
    """One page of the ordered list after (or before) a cursor: at most two row queries, whatever the depth."""
    size = size or PAGE_SIZE
    forward = before is None
    cursor = after if forward else before
    segments = _segments(queryset, order, forward)
    start = 0
    if cursor is not None and order.nullable:
        # Forward the segments are [known, unknown]; backward [unknown, known].
        in_unknown = cursor.value is None
        start = int(in_unknown) if forward else int(not in_unknown)
    rows: list = []
    for index in range(start, len(segments)):
        segment = segments[index]
        if cursor is not None and index == start:
            segment = segment.filter(_beyond(order, cursor, forward))
        rows += _rows(segment, order, size + 1 - len(rows))
        if len(rows) > size:
            break
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    if not rows:
        return Page(rows)
    first, last = Cursor.of(rows[0], order), Cursor.of(rows[-1], order)
    if forward:
        return Page(rows, next=last if more else None, previous=first if cursor is not None else None)
    return Page(rows, next=last, previous=first if more else None)


def read_start(text: str | None) -> int | None:
    """The `start=` a page link carries (the position of its first row), or None when it is not a sane number."""
    text = (text or "").strip()
    if not is_whole_number(text) or len(text) > 12:
        return None
    start = int(text)
    return start if 1 <= start <= MAX_ID else None


def _query(params: QueryDict, prefix: str, **changes) -> str:
    query = params.copy()
    for name in ("after", "before", "page", "start"):
        query.pop(f"{prefix}{name}", None)
    for name, value in changes.items():
        query[f"{prefix}{name}"] = value
    return query.urlencode()


# What a link past either end of a list says, by the noun the list is given in (`page_from_request`).
NO_MORE = {
    "incidents": gettext_lazy("There are no more incidents in that direction. Showing the first page."),
    "sources": gettext_lazy("There are no more sources in that direction. Showing the first page."),
    "reports": gettext_lazy("There are no more reports in that direction. Showing the first page."),
    "rows": gettext_lazy("There are no more rows in that direction. Showing the first page."),
}


def page_from_request(request, queryset, order, *, size: int | None = None, prefix: str = "", noun: str = "rows") -> tuple[Page, str]:
    """The page the URL asks for (`<prefix>after` / `<prefix>before`), and a message when the link could not be followed.

    A bad or stale cursor, or an old numbered `?page=`, shows the first page and says why: never an error.
    """
    params = request.GET
    message = ""
    after = before = None
    try:
        if params.get(f"{prefix}after"):
            after = Cursor.decode(params[f"{prefix}after"], order, queryset.model)
        elif params.get(f"{prefix}before"):
            before = Cursor.decode(params[f"{prefix}before"], order, queryset.model)
    except BadCursor:
        message = gettext("This page link is not valid (it may have been cut short or made for another sort order). "
                          "Showing the first page.")
    if f"{prefix}page" in params and not (after or before):
        message = gettext("This list has no numbered pages; use “Next” and “Previous”. Showing the first page.")
    page = keyset_page(queryset, order, after=after, before=before, size=size)
    if not page.rows and (after or before):
        message = str(NO_MORE.get(noun, NO_MORE["rows"]))
        page = keyset_page(queryset, order, size=size)
        after = before = None
    # The position travels in the links (`start=`), so that no row before the cursor is ever counted.
    page.start = read_start(params.get(f"{prefix}start")) if (after or before) else 1
    if page.previous is None and page.rows:
        page.start = 1
    if page.next:
        changes = {"after": page.next.encode()}
        if page.start is not None:
            changes["start"] = str(page.start + len(page.rows))
        page.next_query = _query(params, prefix, **changes)
    if page.previous:
        changes = {"before": page.previous.encode()}
        if page.start is not None and page.start > 1:
            changes["start"] = str(max(1, page.start - (size or PAGE_SIZE)))
        page.previous_query = _query(params, prefix, **changes)
        page.first_query = _query(params, prefix)
    return page, message

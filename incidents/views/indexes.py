"""/belligerents/ and /conflicts/: every public belligerent and conflict with its incidents, reported and conceded
killed (rows: `incidents.indexes`), sortable by `?sort=`. An unknown sort is said so and falls back to the default."""

from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy

from .. import choices
from ..indexes import SORT_KEYS, belligerent_rows, conflict_rows, sort_rows

DEFAULT_SORT = "-incidents"
SORT_WORDS = {
    "name": gettext_lazy("name (A–Z)"), "-name": gettext_lazy("name (Z–A)"),
    "-incidents": gettext_lazy("most incidents first"), "incidents": gettext_lazy("fewest incidents first"),
    "-reported": gettext_lazy("most reported killed first"), "reported": gettext_lazy("fewest reported killed first"),
    "-conceded": gettext_lazy("most conceded killed first"), "conceded": gettext_lazy("fewest conceded killed first"),
}
# The columns a reader sorts by, the direction a first click asks for (names A–Z, numbers largest first).
COLUMNS = [("name", ""), ("incidents", "-"), ("reported", "-"), ("conceded", "-")]
KIND_LABELS = dict(choices.ActorKind.choices)


def _sort_from(request) -> tuple[str, list[str]]:
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort.removeprefix("-") in SORT_KEYS:
        return sort, []
    return DEFAULT_SORT, [gettext("Unknown sort “%(sort)s”: sorted by %(default)s. Sorts: %(sorts)s.") % {
        "sort": sort[:40], "default": SORT_WORDS[DEFAULT_SORT], "sorts": ", ".join(SORT_WORDS)}]


def _columns(sort: str) -> dict:
    """For each sortable column: the link that sorts by it (the other direction when it is the current sort), and its
    `aria-sort` state."""
    columns = {}
    for field, first in COLUMNS:
        if sort.removeprefix("-") == field:
            descending = sort.startswith("-")
            columns[field] = {"sort": field if descending else f"-{field}", "state": "descending" if descending else "ascending"}
        else:
            columns[field] = {"sort": f"{first}{field}", "state": ""}
    return columns


def _page(request, template: str, rows: list[dict]):
    sort, notices = _sort_from(request)
    return render(request, template, {
        "rows": sort_rows(rows, sort),
        "sort": sort,
        "sort_words": SORT_WORDS[sort],
        "sorts": list(SORT_WORDS.items()),
        "columns": _columns(sort),
        "notices": notices,
    })


def belligerent_list(request):
    rows = [{**row, "kind_label": KIND_LABELS.get(row["kind"], row["kind"])} for row in belligerent_rows()]
    return _page(request, "incidents/belligerent_list.html", rows)


def conflict_list(request):
    return _page(request, "incidents/conflict_list.html", conflict_rows())

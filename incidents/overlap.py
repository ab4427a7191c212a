"""Overlap between sources and datasets: the capture-history table of a set of published incidents.

A **system** is one way an incident came to be recorded:
- a named source (`source:<slug>`): the incident is linked to a report of that source (IncidentReport → Report →
  Source). Only sources that may be named (`Source.objects.not_confidential()`) are systems of their own. A dataset's
  own record of an event (a report of kind "dataset record": UCDP's, ACLED's) is that dataset, not a source beside it:
  it counts only as the dataset's system, never twice (`source_links`);
- the confidential sources, together (`confidential`): one system "confidential sources", never split by source, so a
  page can neither name one nor tell how many there are nor which incidents each one recorded;
- a dataset (`dataset:<value>`, UCDP GED, ACLED…): the incident carries an external id of that dataset.

For 2 to 5 chosen systems, each incident of the set has a **capture history** (1-0-1: recorded by the first and the
third, not the second). The table counts, per history and per stratum (all, month, or province), the incidents and the
public named victims on them (`Victim.objects.published()`). An incident counts once per history however many
reports or ids link it to a system. Histories of none of the chosen systems (0-0-0) are not in the table (the
unrecorded are what an estimate would be about: the tracker publishes none); the set's incidents recorded by none of
them are counted apart.

Strata follow the charts' rule (`incidents.charts`): the month of the earliest possible date, or the year alone for an
incident known only to the year; a province is the country and its admin1 ("IQ:Nineveh"; "IQ:" where unknown).

Two grouped queries by the database (incidents, victims), whatever the size of the set, and three for the systems of
the set; each cached per set and data version (`incidents.cache`).
"""

import itertools

from django.db.models import BooleanField, Case, Count, DateField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, When
from django.db.models.functions import TruncMonth, TruncYear
from django.utils.translation import gettext as _

from sources.choices import ReportKind
from sources.models import Source

from . import choices
from .cache import cached_aggregate
from .models import ExternalIdentifier, IncidentReport, Victim
from .translated import in_language

BY = ("none", "month", "admin1")
MIN_SYSTEMS, MAX_SYSTEMS, DEFAULT_SYSTEMS = 2, 5, 3
CONFIDENTIAL = "confidential"


def _named_sources():
    """The sources that may be named: the one gate (`sources.querysets`)."""
    return Source.objects.not_confidential().values("pk")


def _dataset_label(value: str) -> str:
    return str(choices.Dataset(value).label)


def systems_of(incidents: QuerySet) -> list[dict]:
    """Every system that recorded an incident of the set, most incidents first: {key, kind, label, incidents}.
    Cached per set, data version and language."""
    return cached_aggregate("overlap_systems", incidents.order_by(), _systems_of)


def _systems_of(incidents: QuerySet) -> list[dict]:
    ids = incidents.order_by().values("pk")
    links = source_links(incident__in=ids)
    named = (
        links.filter(report__source__in=_named_sources()).order_by()
        .values("report__source__slug", "report__source__name", "report__source__name_ar")
        .annotate(n=Count("incident", distinct=True))
    )
    systems = [
        {"key": f"source:{row['report__source__slug']}", "kind": "source", "incidents": row["n"],
         "label": str(in_language({"name": row["report__source__name"], "name_ar": row["report__source__name_ar"]}, "name"))}
        for row in named
    ]
    hidden = links.exclude(report__source__in=_named_sources()).aggregate(n=Count("incident", distinct=True))["n"]
    if hidden:
        systems.append({"key": CONFIDENTIAL, "kind": CONFIDENTIAL, "label": _("confidential sources"), "incidents": hidden})
    datasets = (
        ExternalIdentifier.objects.filter(incident__in=ids).order_by().values("dataset")
        .annotate(n=Count("incident", distinct=True))
    )
    systems += [{"key": f"dataset:{row['dataset']}", "kind": "dataset", "label": _dataset_label(row["dataset"]),
                 "incidents": row["n"]} for row in datasets]
    return sorted(systems, key=lambda system: (-system["incidents"], system["key"]))


def parse_systems(values: list[str], found: list[dict]) -> tuple[list[dict], list[str]]:
    """The chosen systems ([{key, kind, label, ref}], in the order given) and the reasons they were refused.
    No value: the `DEFAULT_SYSTEMS` of the set that recorded most (none when fewer than two did). A confidential source's slug is an unknown system,
    with the same words as a slug that does not exist."""
    keys = list(dict.fromkeys(value.strip() for raw in values for value in raw.split(",") if value.strip()))
    if not keys:
        keys = [system["key"] for system in found[:DEFAULT_SYSTEMS]]
        if len(keys) < MIN_SYSTEMS:
            return [], []  # not a mistake of the asker: the set has no overlap to count
    errors = []
    if not MIN_SYSTEMS <= len(keys) <= MAX_SYSTEMS:
        errors.append(_("Choose from %(min)d to %(max)d different sources or datasets (%(given)d given).")
                      % {"min": MIN_SYSTEMS, "max": MAX_SYSTEMS, "given": len(keys)})
    slugs = [key.partition(":")[2] for key in keys if key.startswith("source:")]
    named = Source.objects.not_confidential().filter(slug__in=slugs).values("pk", "slug", "name", "name_ar") if slugs else []
    sources = {row["slug"]: row for row in named}
    chosen = []
    for key in keys:
        kind, _colon, value = key.partition(":")
        if key == CONFIDENTIAL:
            chosen.append({"key": key, "kind": CONFIDENTIAL, "label": _("confidential sources"), "ref": None})
        elif kind == "source" and value in sources:
            chosen.append({"key": key, "kind": "source", "label": str(in_language(sources[value], "name")), "ref": sources[value]["pk"]})
        elif kind == "dataset" and value in choices.Dataset.values:
            chosen.append({"key": key, "kind": "dataset", "label": _dataset_label(value), "ref": value})
        else:
            errors.append(_("Unknown source or dataset: “%(key)s” (write source:<slug>, dataset:<name> or confidential).") % {"key": key[:60]})
    return chosen, errors


def source_links(**where) -> QuerySet:
    """Links of incidents to the reports of sources, less the datasets' own records (those are the dataset systems)."""
    return IncidentReport.objects.filter(**where).exclude(report__kind=ReportKind.DATASET_RECORD)


def _recorded(system: tuple, outer: str) -> Exists:
    """Whether the incident (`outer`, an OuterRef path) was recorded by the system (kind, ref)."""
    kind, ref = system
    if kind == "dataset":
        return Exists(ExternalIdentifier.objects.filter(incident=OuterRef(outer), dataset=ref))
    links = source_links(incident=OuterRef(outer))
    if kind == "source":
        return Exists(links.filter(report__source_id=ref))
    return Exists(links.exclude(report__source__in=_named_sources()))


def _strata(by: str, prefix: str) -> dict:
    """The annotations that name a row's stratum (none for `none`)."""
    if by == "month":
        year_only = Q(**{f"{prefix}date_precision": choices.DatePrecision.YEAR})
        return {
            "year_only": ExpressionWrapper(year_only, output_field=BooleanField()),
            "period": Case(When(year_only, then=TruncYear(f"{prefix}date_start")), default=TruncMonth(f"{prefix}date_start"),
                           output_field=DateField()),
        }
    return {}


def _stratum_key(by: str, row: dict, prefix: str) -> str:
    if by == "month":
        day = str(row["period"])[:10]
        return day[:4] if row["year_only"] else day[:7]
    if by == "admin1":
        return f"{row[prefix + 'country']}:{row[prefix + 'admin1']}"
    return "all"


def _grouped(rows: QuerySet, systems: tuple, by: str, prefix: str, outer: str) -> dict:
    flags = {f"s{index}": _recorded(system, outer) for index, system in enumerate(systems)}
    fields = list(_strata(by, prefix)) if by == "month" else ([f"{prefix}country", f"{prefix}admin1"] if by == "admin1" else [])
    grouped = rows.order_by().annotate(**_strata(by, prefix), **flags).values(*fields, *flags).annotate(n=Count("pk"))
    counts = {}
    for row in grouped:
        key = (_stratum_key(by, row, prefix), tuple(int(bool(row[flag])) for flag in flags))
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


def capture_histories(incidents: QuerySet, systems: tuple, by: str) -> dict:
    """{(stratum, history): [incidents, named victims]} for the systems ((kind, ref), …), histories of none included.
    Cached per set, systems, stratification and data version."""
    return cached_aggregate("overlap_histories", incidents.order_by(), _capture_histories, systems, by)


def _capture_histories(incidents: QuerySet, systems: tuple, by: str) -> dict:
    ids = incidents.order_by().values("pk")
    table = {key: [n, 0] for key, n in _grouped(incidents, systems, by, "", "pk").items()}
    victims = Victim.objects.published().filter(incident__in=ids)
    for key, n in _grouped(victims, systems, by, "incident__", "incident").items():
        table.setdefault(key, [0, 0])[1] = n
    return table


def histories(count: int) -> list[tuple]:
    """Every capture history of `count` systems but the empty one: by how many systems recorded, then as read."""
    every = [history for history in itertools.product((1, 0), repeat=count) if any(history)]
    return sorted(every, key=lambda history: (sum(history), [-flag for flag in history]))


def table_rows(table: dict, count: int) -> list[dict]:
    """The rows of the table: each stratum with an incident recorded by a chosen system, each history, zeros included
    (a zero is information for an estimate), strata in order."""
    strata = sorted({stratum for (stratum, history), (n, _v) in table.items() if any(history) and n})
    return [
        {"stratum": stratum, "history": history, "code": "-".join(map(str, history)),
         "incidents": table.get((stratum, history), [0, 0])[0], "victims": table.get((stratum, history), [0, 0])[1]}
        for stratum in strata for history in histories(count)
    ]


def summary(table: dict, count: int) -> dict:
    """Totals over the strata: per system, by one, by two or more, by any, and the set's incidents recorded by none."""
    def total(test) -> list[int]:
        cells = [value for (_stratum, history), value in table.items() if test(history)]
        return [sum(cell[0] for cell in cells), sum(cell[1] for cell in cells)]
    return {
        "per_system": [total(lambda history, index=index: history[index]) for index in range(count)],
        "one": total(lambda history: sum(history) == 1),
        "two_or_more": total(lambda history: sum(history) >= 2),
        "any": total(any),
        "none": total(lambda history: not any(history)),
    }

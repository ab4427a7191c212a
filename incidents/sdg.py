"""The SDG 16.1.2 table: documented deaths by cause, status, sex and age, for any set of published incidents.

Documented deaths, in the sense of OHCHR's guidance for SDG indicator 16.1.2, are deaths recorded individually:
here, the victims recorded as killed on the published incidents of the set, public ones only (a private victim never
reaches a public page or total). Source figures ("137 civilians killed") are claims about many people, not
individual records: they stay on the incident pages and in the claims exports, each with whom it counts, and the
table's page shows the reported range beside it for comparison, never added in.

Each death is counted once, in one cell of cause × status × sex × age, so every margin adds up to the total:
- age: the exact age where known (under 18: child), else the age band (child; adult or elderly: adult), else unknown;
- sex, status and cause as recorded, "unknown" where nothing is known;
- professions (journalists, medical personnel, humanitarian workers, human rights defenders) are counted apart,
  as "of which", never as another cell.

One grouped query by the database, whatever the size of the set; cached per set and data version (`incidents.cache`).
"""

from django.db.models import Case, CharField, Count, QuerySet, Value, When
from django.utils.translation import gettext_lazy

from . import choices
from .cache import cached_aggregate
from .models import Victim

Age = choices.AgeGroup

# The SDG age category of a victim (one rule, computed by the database): `AgeGroup` values.
SDG_AGE = Case(
    When(age__isnull=False, age__lt=18, then=Value(Age.CHILD)),
    When(age__isnull=False, then=Value(Age.ADULT)),
    When(age_band=choices.AgeBand.CHILD, then=Value(Age.CHILD)),
    When(age_band__in=[choices.AgeBand.ADULT, choices.AgeBand.ELDERLY], then=Value(Age.ADULT)),
    default=Value(Age.UNKNOWN),
    output_field=CharField(),
)

# The table's dimensions, in the order of the SDG 16.1.2 metadata, each with its values in order.
DIMENSIONS = {
    "cause": list(choices.Cause),
    "status": list(choices.PersonStatus),
    "sex": list(choices.Sex),
    "age": list(choices.AgeGroup),
}
PROFESSIONS = list(choices.Profession)

def documented(incidents: QuerySet) -> QuerySet:
    """The documented deaths of a set of incidents: public victims recorded killed on its published incidents."""
    return Victim.objects.published().filter(
        incident__in=incidents.order_by().values("pk"), outcome=choices.Outcome.KILLED,
    )

def sdg_table(incidents: QuerySet) -> dict:
    """The set's documented deaths per cell (`cells`: {(cause, status, sex, age): deaths}), the deaths of each protected
    profession per cell (`professions`: {(cell, profession): deaths}) and the `total`. Cached per set and data version."""
    return cached_aggregate("sdg_table", incidents.order_by(), _sdg_table)

def _sdg_table(incidents: QuerySet) -> dict:
    rows = (
        documented(incidents).order_by().annotate(sdg_age=SDG_AGE)
        .values("cause", "person_status", "sex", "sdg_age", "profession").annotate(deaths=Count("pk"))
    )
    cells, professions = {}, {}
    for row in rows:
        cell = (row["cause"], row["person_status"], row["sex"], row["sdg_age"])
        cells[cell] = cells.get(cell, 0) + row["deaths"]
        if row["profession"]:
            professions[(cell, row["profession"])] = row["deaths"]
    return {"cells": cells, "professions": professions, "total": sum(cells.values())}

def margin(table: dict, dimension: str) -> dict[str, int]:
    """Deaths by one dimension's values ("cause", "status", "sex", "age"), every value present (0 where none)."""
    index = list(DIMENSIONS).index(dimension)
    counts = dict.fromkeys(DIMENSIONS[dimension], 0)
    for cell, deaths in table["cells"].items():
        counts[cell[index]] += deaths
    return counts

def crossed(table: dict, rows: str, columns: str) -> list[dict]:
    """A two-way table: for each value of `rows`, its deaths for each value of `columns` and its total."""
    row_at, column_at = list(DIMENSIONS).index(rows), list(DIMENSIONS).index(columns)
    counts = {(r, c): 0 for r in DIMENSIONS[rows] for c in DIMENSIONS[columns]}
    for cell, deaths in table["cells"].items():
        counts[(cell[row_at], cell[column_at])] += deaths
    return [
        {"value": r, "label": r.label, "counts": [counts[(r, c)] for c in DIMENSIONS[columns]],
         "total": sum(counts[(r, c)] for c in DIMENSIONS[columns])}
        for r in DIMENSIONS[rows]
    ]

def profession_totals(table: dict) -> dict[str, int]:
    counts = dict.fromkeys(PROFESSIONS, 0)
    for (_cell, profession), deaths in table["professions"].items():
        counts[profession] += deaths
    return counts

def long_rows(table: dict) -> list[list]:
    """Every cell of cause × status × sex × age, zeros included, with its deaths and how many of them were of each
    protected profession: the CSV's rows, in the dimensions' order."""
    rows = []
    for cause in DIMENSIONS["cause"]:
        for status in DIMENSIONS["status"]:
            for sex in DIMENSIONS["sex"]:
                for age in DIMENSIONS["age"]:
                    cell = (cause, status, sex, age)
                    rows.append([cause.value, status.value, sex.value, age.value, table["cells"].get(cell, 0),
                                 *(table["professions"].get((cell, p), 0) for p in PROFESSIONS)])
    return rows

def as_json(table: dict) -> dict:
    """The table for the API: the total, each margin, the professions, and the non-empty cells."""
    return {
        "documented_deaths": table["total"],
        **{f"by_{dimension}": {str(k): v for k, v in margin(table, dimension).items()} for dimension in DIMENSIONS},
        "of_which_professions": {str(k): v for k, v in profession_totals(table).items()},
        "cells": [
            {"cause": cell[0], "status": cell[1], "sex": cell[2], "age": cell[3], "deaths": deaths}
            for cell, deaths in sorted(table["cells"].items())
        ],
    }


DIMENSION_LABELS = {
    "cause": gettext_lazy("cause"), "status": gettext_lazy("status"), "sex": gettext_lazy("sex"), "age": gettext_lazy("age"),
}


def in_short(table: dict) -> list[tuple[str, list[tuple[str, int]]]]:
    """Each dimension with its values that have deaths, for a short summary (an incident's page): [(dimension, [(value,
    deaths)])], the professions last when any."""
    summary = [
        (DIMENSION_LABELS[dimension], [(value.label, deaths) for value, deaths in margin(table, dimension).items() if deaths])
        for dimension in DIMENSIONS
    ]
    professions = [(profession.label, deaths) for profession, deaths in profession_totals(table).items() if deaths]
    if professions:
        summary.append((gettext_lazy("of which"), professions))
    return summary

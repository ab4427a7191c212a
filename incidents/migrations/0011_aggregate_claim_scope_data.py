"""Existing rows keep their meaning under the new fields (nothing is dropped; reversible).

- aggregate claims: their one conflict becomes the first of `conflicts`; a period that is a whole calendar month
  or year gets that precision; country codes are tidied (upper case, no spaces, each once);
- claims imported from UCDP GED: the all-deaths claim (filed under "undetermined") moves to "all deaths (any
  status)"; UCDP's best estimate, until now only in the editors' notes, becomes `count_best` where it lies in the
  claim's range; swapped bounds and a best estimate outside low–high become a public `caveat` (wording as in
  `incidents.ucdp.mapping.all_deaths_caveat`, frozen here as migrations are).
"""

import datetime
import re

from django.db import migrations

UCDP_NOTE = "UCDP GED"
ALL_DEATHS_NOTE = "low and high estimates of all deaths"
BEST = re.compile(r"best estimate (\d+)")
SWAPPED = re.compile(r"UCDP gives low (\d+) above high (\d+)")


def _precision(start, end):
    next_day = end + datetime.timedelta(days=1)
    if start.day == 1 and next_day.day == 1:
        if (start.month, next_day.month, next_day.year) == (1, 1, start.year + 1):
            return "year"
        if (start.year, start.month) == (end.year, end.month):
            return "month"
    return "day"


def _caveat(low, high, best, swapped):
    parts = []
    if swapped:
        parts.append(f"UCDP gives low {low} above high {high}; the bounds were swapped on import")
    if best is not None and not min(low, high) <= best <= max(low, high):
        parts.append(f"UCDP's best estimate {best} lies outside its low–high range, so it is not given as this claim's best estimate")
    return "; ".join(parts) + ("." if parts else "")


def forwards(apps, schema_editor):
    AggregateClaim = apps.get_model("incidents", "AggregateClaim")
    CasualtyFigure = apps.get_model("incidents", "CasualtyFigure")
    for claim in AggregateClaim.objects.all().iterator():
        if claim.conflict_id:
            claim.conflicts.add(claim.conflict_id)
        claim.period_precision = _precision(claim.period_start, claim.period_end)
        claim.countries = ",".join(dict.fromkeys(c.strip().upper() for c in (claim.countries or "").split(",") if c.strip()))
        claim.save(update_fields=["period_precision", "countries"])

    ucdp = CasualtyFigure.objects.filter(report__source__slug="ucdp", notes__startswith=UCDP_NOTE)
    for figure in ucdp.iterator():
        fields = []
        if ALL_DEATHS_NOTE in figure.notes and figure.group == "undetermined":
            figure.group = "all_deaths"
            fields.append("group")
            best = BEST.search(figure.notes)
            best = int(best[1]) if best else None
            swapped = SWAPPED.search(figure.notes)
            low, high = (int(swapped[1]), int(swapped[2])) if swapped else (figure.count_min, figure.count_max)
            if best is not None and figure.count_min <= best <= figure.count_max:
                figure.count_best = best
                fields.append("count_best")
            figure.caveat = _caveat(low, high, best, bool(swapped))
            fields.append("caveat")
        elif figure.qualifier == "about" and figure.count_min is not None and figure.count_min == figure.count_max:
            figure.count_best = figure.count_min
            fields.append("count_best")
        if fields:
            figure.save(update_fields=fields)


def backwards(apps, schema_editor):
    AggregateClaim = apps.get_model("incidents", "AggregateClaim")
    CasualtyFigure = apps.get_model("incidents", "CasualtyFigure")
    for claim in AggregateClaim.objects.filter(conflict__isnull=True).iterator():
        first = claim.conflicts.order_by("pk").first()
        if first is not None:
            claim.conflict = first
            claim.save(update_fields=["conflict"])
    CasualtyFigure.objects.filter(group="all_deaths").update(group="undetermined")
    AggregateClaim.objects.filter(group="all_deaths").update(group="undetermined")


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0010_aggregate_claim_scope"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

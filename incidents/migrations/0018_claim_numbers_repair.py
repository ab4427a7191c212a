"""Repair claims whose numbers contradict their qualifier, before the database starts refusing them.

What each repair keeps is the source's meaning as far as the row shows it, and no row is lost:

* "exactly" with one number: the other bound is set to it (“exactly 12” stored 12–∅ reads 12, not 12+);
  with two different numbers: "between" (both numbers kept);
* "at least" with only a maximum: the number moves to the minimum (“at least 30”, not “up to 30”);
  "more than" with only a maximum: the minimum becomes that number + 1, so the claim still reads the number the
  editor typed (“more than 30”: minimum 31);
  either with a maximum equal to the minimum: the maximum is emptied (open-ended, as the words say); with a
  greater maximum: "between" (both numbers kept);
* "up to" with only a minimum: the number moves to the maximum; with both equal: the minimum is emptied; with two
  different numbers: "between";
* "about" with one number: the other bound is set to it;
* "between" with only a minimum: "at least"; with only a maximum: "up to";
* any qualifier but "no number given" with no number at all: "no number given".

Each repaired row gets a history row (“Repaired: …”), so the change log shows the correction. The incidents'
stored figures are re-derived afterwards with `manage.py recompute_figures` (the rule lives in the code, not in a
migration); this migration prints how many incidents it touched. Plain SQL-free ORM: SQLite and PostgreSQL alike.
"""

from django.db import migrations
from django.db.models import F, Q
from django.utils import timezone

OPEN_TOP = ("at_least", "more_than")


def repaired(qualifier, low, high):
    """(qualifier, min, max) that agree with each other and keep what the row says."""
    if qualifier == "unquantified":
        return qualifier, low, high
    if low is None and high is None:
        return "unquantified", None, None
    if qualifier in ("exact", "about"):
        if low is None or high is None:
            number = high if low is None else low
            return qualifier, number, number
        if qualifier == "exact" and low != high:
            return "between", low, high
        return qualifier, low, high
    if qualifier in OPEN_TOP:
        if low is None:
            return qualifier, high + 1 if qualifier == "more_than" else high, None
        if high is None or high == low:
            return qualifier, low, None
        return "between", low, high
    if qualifier == "up_to":
        if high is None:
            return qualifier, None, low
        if low is None or low == high:
            return qualifier, None, high
        return "between", low, high
    if qualifier == "between":
        if high is None:
            return "at_least", low, None
        if low is None:
            return "up_to", None, high
    return qualifier, low, high


def contradicting():
    """Rows whose numbers do not say what their qualifier says (the constraints of the next migration, negated)."""
    both = Q(count_min__isnull=False, count_max__isnull=False)
    return (
        (Q(qualifier="exact") & ~(both & Q(count_min=F("count_max"))))
        | (Q(qualifier__in=OPEN_TOP) & ~Q(count_min__isnull=False, count_max__isnull=True))
        | (Q(qualifier="up_to") & ~Q(count_min__isnull=True, count_max__isnull=False))
        | (Q(qualifier__in=("about", "between")) & ~both)
        | (~Q(qualifier="unquantified") & Q(count_min__isnull=True, count_max__isnull=True))
    )


def repair(apps, schema_editor):
    touched_incidents = set()
    repaired_rows = 0
    now = timezone.now()
    for model_name in ("CasualtyFigure", "AggregateClaim"):
        model = apps.get_model("incidents", model_name)
        historical = apps.get_model("incidents", f"Historical{model_name}")
        history_fields = {field.attname for field in historical._meta.fields}
        for claim in model.objects.filter(contradicting()).order_by("pk").iterator():
            before = (claim.qualifier, claim.count_min, claim.count_max)
            after = repaired(*before)
            if after == before:
                continue
            claim.qualifier, claim.count_min, claim.count_max = after
            # A plain update: the row's last-changed stamp stays (an open admin page keeps its lock), history says why.
            model.objects.filter(pk=claim.pk).update(qualifier=after[0], count_min=after[1], count_max=after[2])
            values = {field.attname: getattr(claim, field.attname) for field in model._meta.fields if field.attname in history_fields}
            historical.objects.create(
                **values, history_date=now, history_type="~",
                history_change_reason=f"Repaired: qualifier and numbers agree ({before[0]} {before[1]}–{before[2]} → "
                                      f"{after[0]} {after[1]}–{after[2]})"[:100],
            )
            repaired_rows += 1
            if model_name == "CasualtyFigure":
                touched_incidents.add(claim.incident_id)
    if repaired_rows:
        print(f"\n  Repaired {repaired_rows} claims whose numbers contradicted their qualifier; "
              f"{len(touched_incidents)} incidents need their figures re-derived: run `manage.py recompute_figures`.")


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0017_conceding_actor_required"),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
    ]

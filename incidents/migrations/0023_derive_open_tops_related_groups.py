"""Existing incidents get their open tops, no-number flags and related groups (the rule: services.derive_figures).

The stored minimum and maximum do not change: an open claim already counted its minimum as the maximum, which is
what the maximum still holds when the top is open. Set-based updates, so it runs on a million rows on SQLite and
PostgreSQL alike; nothing is deleted.
"""

from django.db import migrations
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery

REPORTED = [
    ("reported_killed", "killed", "civilians"),
    ("reported_injured", "injured", "civilians"),
    ("children_killed", "killed", "children"),
    ("women_killed", "killed", "women"),
]
CONCEDED = [("conceded_killed", "killed"), ("conceded_injured", "injured")]


def _largest(claims, field):
    return Subquery(claims.order_by().values("incident").annotate(value=Max(field)).values("value")[:1])


def derive(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    CasualtyFigure = apps.get_model("incidents", "CasualtyFigure")
    for prefix, outcome, group in REPORTED:
        claims = CasualtyFigure.objects.filter(
            incident=OuterRef("pk"), excluded=False, basis="reported", outcome=outcome, group=group,
        )
        Incident.objects.filter(Exists(claims.filter(count_min__isnull=True, count_max__isnull=True))).update(
            **{f"{prefix}_unquantified": True},
        )
        opened = (
            Incident.objects.annotate(
                open_min=_largest(claims.filter(count_max__isnull=True), "count_min"),
                closed_max=_largest(claims, "count_max"),
            )
            .filter(open_min__isnull=False)
            .filter(Q(closed_max__isnull=True) | Q(open_min__gte=F("closed_max")))
        )
        Incident.objects.filter(pk__in=opened.values("pk")).update(**{f"{prefix}_open": True})
    for prefix, outcome in CONCEDED:
        latest = (
            CasualtyFigure.objects.filter(incident=OuterRef("pk"), excluded=False, basis="conceded", outcome=outcome, group="civilians")
            .exclude(count_min__isnull=True, count_max__isnull=True)
            .order_by(F("stated_on").desc(nulls_last=True), "-id")
        )
        open_claims = CasualtyFigure.objects.filter(count_max__isnull=True, count_min__isnull=False).values("pk")
        opened = Incident.objects.annotate(latest=Subquery(latest.values("pk")[:1])).filter(latest__in=open_claims)
        Incident.objects.filter(pk__in=opened.values("pk")).update(**{f"{prefix}_open": True})

    through = Incident._meta.get_field("related").remote_field.through
    neighbours = {}
    for left, right in through.objects.values_list("from_incident_id", "to_incident_id"):
        neighbours.setdefault(left, set()).add(right)
        neighbours.setdefault(right, set()).add(left)
    seen = set()
    for start in sorted(neighbours):
        if start in seen:
            continue
        component, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node not in component:
                component.add(node)
                todo.extend(neighbours[node] - component)
        seen |= component
        Incident.objects.filter(pk__in=component).update(related_group=min(component))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0022_incident_open_tops_related_group")]

    operations = [migrations.RunPython(derive, migrations.RunPython.noop)]

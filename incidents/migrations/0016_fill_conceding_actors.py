"""Name the conceding actor of every existing conceded claim, and derive the stored positions.

Who conceded an existing conceded claim, in this order:
1. the issuer of the statement that concedes it;
2. otherwise the incident's only acknowledged belligerent;
3. otherwise the incident's only belligerent.
A claim none of these tells (no statement and no belligerent, or several belligerents and not exactly one
acknowledged) keeps no conceding actor and is marked `conceded_by_unknown`: nothing is lost, it still counts in the
incident's own conceded figure, it counts for no belligerent, and editors find it in the admin's list of casualty
figures (filter "conceding actor: unknown") until they name it. Its history rows get the same actor.

Then every incident with a statement or a conceded claim gets its positions (rule: incidents.positions.positions_from),
read in batches so that the migration's memory does not grow with the number of incidents.
"""

from django.db import migrations

BATCH = 2000


def fill_conceding_actors(apps, schema_editor):
    CasualtyFigure = apps.get_model("incidents", "CasualtyFigure")
    HistoricalCasualtyFigure = apps.get_model("incidents", "HistoricalCasualtyFigure")
    BelligerentRoleLink = apps.get_model("incidents", "BelligerentRoleLink")
    conceded = CasualtyFigure.objects.filter(basis="conceded", conceded_by__isnull=True)
    incident_ids = set(conceded.values_list("incident_id", flat=True))
    roles: dict[int, list] = {}
    for incident_id, actor_id, role in (
        BelligerentRoleLink.objects.filter(incident_id__in=incident_ids).order_by("pk").values_list("incident_id", "actor_id", "role")
    ):
        roles.setdefault(incident_id, []).append((actor_id, role))

    def presumed(incident_id):
        named = roles.get(incident_id, [])
        acknowledged = [actor_id for actor_id, role in named if role == "acknowledged"]
        if len(acknowledged) == 1:
            return acknowledged[0]
        return named[0][0] if len(named) == 1 else None

    for claim in conceded.select_related("statement").only("pk", "incident_id", "statement__issuer_id").iterator(chunk_size=BATCH):
        actor_id = claim.statement.issuer_id if claim.statement_id else presumed(claim.incident_id)
        if actor_id is None:
            CasualtyFigure.objects.filter(pk=claim.pk).update(conceded_by_unknown=True)
            continue
        CasualtyFigure.objects.filter(pk=claim.pk).update(conceded_by_id=actor_id)
        HistoricalCasualtyFigure.objects.filter(id=claim.pk, basis="conceded", conceded_by__isnull=True).update(conceded_by_id=actor_id)


def derive_positions(apps, schema_editor):
    # The rule itself, applied to the rows as this migration reads them (it reads plain attributes only).
    from incidents.positions import positions_from

    CasualtyFigure = apps.get_model("incidents", "CasualtyFigure")
    OfficialStatement = apps.get_model("incidents", "OfficialStatement")
    Position = apps.get_model("incidents", "Position")
    incident_ids = sorted(
        set(OfficialStatement.objects.values_list("incident_id", flat=True))
        | set(CasualtyFigure.objects.filter(basis="conceded").values_list("incident_id", flat=True))
    )
    fields = [
        "stance", "reason", "stated_on", "conceded_killed_min", "conceded_killed_max", "conceded_killed_open",
        "conceded_injured_min", "conceded_injured_max", "conceded_injured_open",
    ]
    for start in range(0, len(incident_ids), BATCH):
        batch = incident_ids[start:start + BATCH]
        statements, claims = {}, {}
        for statement in OfficialStatement.objects.filter(incident_id__in=batch):
            statements.setdefault(statement.incident_id, []).append(statement)
        for claim in CasualtyFigure.objects.filter(incident_id__in=batch, basis="conceded", excluded=False):
            claims.setdefault(claim.incident_id, []).append(claim)
        rows = []
        for incident_id in batch:
            for derived in positions_from(statements.get(incident_id, []), claims.get(incident_id, []), incident_id=incident_id):
                rows.append(Position(
                    incident_id=incident_id, actor_id=derived.actor_id, **{field: getattr(derived, field) for field in fields},
                ))
        Position.objects.bulk_create(rows)


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0015_conceding_actor_and_positions"),
    ]

    operations = [
        migrations.RunPython(fill_conceding_actors, migrations.RunPython.noop),
        migrations.RunPython(derive_positions, migrations.RunPython.noop),
    ]

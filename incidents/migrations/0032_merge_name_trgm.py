"""Trigram indexes on the normalised names of actors and sources, on PostgreSQL only, for the editors' dashboard's
possible duplicates (`incidents.named_duplicates`): the similarity join (`%`) reads the index instead of comparing
every pair. No model state changes. Needs pg_trgm (migration 0006)."""

from django.db import migrations

INDEXES = {"actor_name_norm_trgm": ("incidents", "Actor"), "source_name_norm_trgm": ("sources", "Source")}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (app, model) in INDEXES.items():
        table = schema_editor.quote_name(apps.get_model(app, model)._meta.db_table)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} ON {table} USING gin (name_normalised gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0031_merge_permissions"), ("sources", "0003_aliases")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]

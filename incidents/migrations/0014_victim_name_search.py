"""Trigram indexes for the public victim-name search (`?victim=`), on PostgreSQL only (SQLite searches with LIKE).

The filter (`incidents.filters.IncidentFilter.filter_victim`) matches with `icontains`, which PostgreSQL
runs as `UPPER(column::text) LIKE UPPER(pattern)`: these indexes are on exactly that expression, so a
search reads the matching victims, not the whole table. No model state changes: `makemigrations` does
not see them. Needs pg_trgm (migration 0006).
"""

from django.db import migrations

INDEXES = {"victim_name_trgm": "name", "victim_name_ar_trgm": "name_ar"}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("incidents", "Victim")._meta.db_table)
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} ON {table} "
            f"USING gin ((UPPER({schema_editor.quote_name(column)}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0006_pg_trgm"), ("incidents", "0013_victim_known_by_role")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]

"""A GIN index for the public text search, on PostgreSQL only (SQLite searches with LIKE).

The indexed expression is `incidents.filters.search_vector()` as it stood when this
migration was written; it is spelt out here so that the migration never changes. If
the search's fields or configuration change, add a migration that replaces the index.
No model state changes: the index is invisible to `makemigrations`.
"""

from django.db import migrations

INDEX_NAME = "incident_search_gin"
SEARCH_FIELDS = ("title", "summary", "locality", "neighbourhood", "admin1", "admin2", "place_name_ar")
SEARCH_CONFIG = "simple"


def _index():
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return GinIndex(SearchVector(*SEARCH_FIELDS, config=SEARCH_CONFIG), name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Compiled by Django from the same expression the search uses, so PostgreSQL matches query and index.
    schema_editor.add_index(apps.get_model("incidents", "Incident"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(INDEX_NAME)}")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]

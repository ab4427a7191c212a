"""The pg_trgm extension, for the duplicate check's title similarity (incidents.duplicates), on PostgreSQL only.

SQLite has no trigrams; there the check uses dates, distance, place and belligerents only. Unapplying
leaves the extension in place: other databases objects may use it.
"""

from django.db import migrations


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0005_incident_date_start")]

    operations = [migrations.RunPython(create_extension, migrations.RunPython.noop, elidable=False)]

"""The data version: a one-row counter that database triggers move forward on every write to public data.

Cached totals are keyed on it (incidents/cache.py). The triggers are installed here for the tables that exist, and
again after every migrate and flush (a post_migrate handler), because SQLite drops a table's triggers when a later
migration rebuilds that table.
"""

from django.db import migrations


def create(apps, schema_editor):
    from incidents.cache import create_counter, install_triggers

    create_counter(schema_editor.connection)
    install_triggers(schema_editor.connection.alias)


def drop(apps, schema_editor):
    from incidents.cache import drop_counter

    drop_counter(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0025_timeline_and_home_indexes"),
        ("sources", "0002_report_keyset_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]

"""Published records loaded before the demo and the system publication recorded `published_at` get it back.

The time is the first history row that shows the record published (the demo's and imports' publication step);
a record with no such row keeps an empty time rather than an invented one. Set-based, SQLite and PostgreSQL.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    HistoricalIncident = apps.get_model("incidents", "HistoricalIncident")
    first_published = (
        HistoricalIncident.objects.filter(id=OuterRef("pk"), status="published").order_by("history_date").values("history_date")[:1]
    )
    Incident.objects.filter(published_at__isnull=True, status__in=["published", "retracted"]).update(
        published_at=Subquery(first_published),
    )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0023_derive_open_tops_related_groups")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

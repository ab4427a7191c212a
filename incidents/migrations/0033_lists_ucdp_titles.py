"""Titles the UCDP import wrote with the date and place in them, rewritten without (incidents.ucdp.retitle), with history.

Only titles still exactly as the import wrote them change; an editor's own title is left as it is. Not reversed:
the history keeps the earlier title.
"""

from django.db import migrations


def retitle(apps, schema_editor):
    from incidents.ucdp.retitle import retitle_ucdp_incidents

    retitle_ucdp_incidents(
        incident_model=apps.get_model("incidents", "Incident"),
        history_model=apps.get_model("incidents", "HistoricalIncident"),
        identifier_model=apps.get_model("incidents", "ExternalIdentifier"),
    )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0032_merge_name_trgm")]

    operations = [migrations.RunPython(retitle, migrations.RunPython.noop)]

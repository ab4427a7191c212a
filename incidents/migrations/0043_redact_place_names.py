"""A location protected to the town or district names no neighbourhood."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0042_redact_marks'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='incident',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('public_geo_precision__in', ['town', 'district']), _negated=True), ('neighbourhood', ''), _connector='OR'), name='incident_protected_no_neighbourhood', violation_error_message='A location protected to the town or district names no neighbourhood: clear it (and mark it redacted to hide its earlier values too).'),
        ),
    ]

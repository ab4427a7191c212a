"""Location protection: the public point and precision as generated columns, the map's indexes on them."""

import django.db.models.expressions
import django.db.models.functions.comparison
import django.db.models.functions.math
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0040_hostile_web_addresses'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='incident',
            name='incident_pub_map',
        ),
        migrations.RemoveIndex(
            model_name='incident',
            name='incident_pub_map_country',
        ),
        migrations.RemoveIndex(
            model_name='incident',
            name='incident_pub_unplaced',
        ),
        migrations.RemoveIndex(
            model_name='incident',
            name='incident_pub_map_in_country',
        ),
        migrations.AddField(
            model_name='historicalincident',
            name='public_geo_precision',
            field=models.CharField(blank=True, choices=[('neighbourhood', 'neighbourhood'), ('town', 'village or town'), ('district', 'district')], help_text='Protect the location: the public pages, map, API, exports, feeds and history show the point only to this level (snapped to a fixed grid). Empty: as recorded. Never finer than the recorded precision.', max_length=16, null=True),
        ),
        migrations.AddField(
            model_name='incident',
            name='public_geo_precision',
            field=models.CharField(blank=True, choices=[('neighbourhood', 'neighbourhood'), ('town', 'village or town'), ('district', 'district')], help_text='Protect the location: the public pages, map, API, exports, feeds and history show the point only to this level (snapped to a fixed grid). Empty: as recorded. Never finer than the recorded precision.', max_length=16, null=True),
        ),
        migrations.AddField(
            model_name='incident',
            name='public_latitude',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(public_geo_precision='neighbourhood', then=django.db.models.expressions.CombinedExpression(django.db.models.functions.math.Round(django.db.models.expressions.CombinedExpression(models.F('latitude'), '/', models.Value(Decimal('0.01'), output_field=models.DecimalField(decimal_places=6, max_digits=9))), output_field=models.DecimalField(decimal_places=6, max_digits=9)), '*', models.Value(Decimal('0.01'), output_field=models.DecimalField(decimal_places=6, max_digits=9)))), models.When(public_geo_precision='town', then=django.db.models.expressions.CombinedExpression(django.db.models.functions.math.Round(django.db.models.expressions.CombinedExpression(models.F('latitude'), '/', models.Value(Decimal('0.05'), output_field=models.DecimalField(decimal_places=6, max_digits=9))), output_field=models.DecimalField(decimal_places=6, max_digits=9)), '*', models.Value(Decimal('0.05'), output_field=models.DecimalField(decimal_places=6, max_digits=9)))), models.When(public_geo_precision='district', then=django.db.models.expressions.CombinedExpression(django.db.models.functions.math.Round(django.db.models.expressions.CombinedExpression(models.F('latitude'), '/', models.Value(Decimal('0.25'), output_field=models.DecimalField(decimal_places=6, max_digits=9))), output_field=models.DecimalField(decimal_places=6, max_digits=9)), '*', models.Value(Decimal('0.25'), output_field=models.DecimalField(decimal_places=6, max_digits=9)))), default=models.F('latitude'), output_field=models.DecimalField(decimal_places=6, max_digits=9)), help_text='The latitude the public sees (coarsened when the location is protected). Derived.', output_field=models.DecimalField(decimal_places=6, max_digits=9)),
        ),
        migrations.AddField(
            model_name='incident',
            name='public_longitude',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(public_geo_precision='neighbourhood', then=django.db.models.expressions.CombinedExpression(django.db.models.functions.math.Round(django.db.models.expressions.CombinedExpression(models.F('longitude'), '/', models.Value(Decimal('0.01'), output_field=models.DecimalField(decimal_places=6, max_digits=9))), output_field=models.DecimalField(decimal_places=6, max_digits=9)), '*', models.Value(Decimal('0.01'), output_field=models.DecimalField(decimal_places=6, max_digits=9)))), models.When(public_geo_precision='town', then=django.db.models.expressions.CombinedExpression(django.db.models.functions.math.Round(django.db.models.expressions.CombinedExpression(models.F('longitude'), '/', models.Value(Decimal('0.05'), output_field=models.DecimalField(decimal_places=6, max_digits=9))), output_field=models.DecimalField(decimal_places=6, max_digits=9)), '*', models.Value(Decimal('0.05'), output_field=models.DecimalField(decimal_places=6, max_digits=9)))), models.When(public_geo_precision='district', then=django.db.models.expressions.CombinedExpression(django.db.models.functions.math.Round(django.db.models.expressions.CombinedExpression(models.F('longitude'), '/', models.Value(Decimal('0.25'), output_field=models.DecimalField(decimal_places=6, max_digits=9))), output_field=models.DecimalField(decimal_places=6, max_digits=9)), '*', models.Value(Decimal('0.25'), output_field=models.DecimalField(decimal_places=6, max_digits=9)))), default=models.F('longitude'), output_field=models.DecimalField(decimal_places=6, max_digits=9)), help_text='The longitude the public sees (coarsened when the location is protected). Derived.', output_field=models.DecimalField(decimal_places=6, max_digits=9)),
        ),
        migrations.AddField(
            model_name='incident',
            name='public_precision',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.comparison.Coalesce(models.F('public_geo_precision'), models.F('geo_precision')), help_text='The location precision the public is told. Derived.', output_field=models.CharField(choices=[('exact', 'exact location'), ('within_100m', 'within 100 m'), ('street', 'street or landmark'), ('neighbourhood', 'neighbourhood'), ('town', 'village or town'), ('city', 'city'), ('district', 'district'), ('province', 'province'), ('country', 'country')], max_length=16)),
        ),
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(condition=models.Q(('public_latitude__isnull', False), models.Q(('geo_precision', 'country'), _negated=True)), fields=['status', 'public_longitude', 'public_latitude'], name='incident_pub_map_public'),
        ),
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(condition=models.Q(('public_latitude__isnull', False), models.Q(('geo_precision', 'country'), _negated=True)), fields=['status', 'country', 'public_longitude', 'public_latitude'], name='incident_pub_map_in_country_p'),
        ),
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(condition=models.Q(('geo_precision', 'country'), ('public_latitude__isnull', False)), fields=['status', 'country', 'public_latitude', 'public_longitude'], name='incident_pub_map_country_p'),
        ),
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(condition=models.Q(('public_latitude__isnull', True)), fields=['status'], name='incident_pub_unplaced'),
        ),
        migrations.AddConstraint(
            model_name='incident',
            constraint=models.CheckConstraint(condition=models.Q(('public_geo_precision__isnull', True), models.Q(('geo_precision__in', ['exact', 'within_100m', 'street', 'neighbourhood']), ('public_geo_precision', 'neighbourhood')), models.Q(('geo_precision__in', ['exact', 'within_100m', 'street', 'neighbourhood', 'town']), ('public_geo_precision', 'town')), models.Q(('geo_precision__in', ['exact', 'within_100m', 'street', 'neighbourhood', 'town', 'city', 'district']), ('public_geo_precision', 'district')), _connector='OR'), name='incident_public_precision_not_finer', violation_error_message='The protected location cannot be finer than the recorded precision.'),
        ),
    ]

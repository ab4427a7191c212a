"""Explicit redaction marks: fields whose earlier values public history no longer shows."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0041_redact_location_protection'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalRedaction',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('field', models.CharField(choices=[('title', 'title'), ('title_ar', 'title in Arabic'), ('summary', 'summary'), ('summary_ar', 'summary in Arabic'), ('neighbourhood', 'neighbourhood'), ('locality', 'city, town or village'), ('place_name_ar', 'place name in Arabic script'), ('coordinates', 'coordinates')], help_text='The field whose earlier values are withdrawn.', max_length=32)),
                ('marked_at', models.DateTimeField(default=django.utils.timezone.now, help_text='Values recorded before this moment are shown as “redacted” in public history.')),
                ('reason', models.TextField(blank=True, help_text='Why (for reviewers; never shown publicly).')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('incident', models.ForeignKey(blank=True, db_constraint=False, help_text='The incident whose history it redacts.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='incidents.incident')),
                ('marked_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, help_text='Who marked it.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical redaction',
                'verbose_name_plural': 'historical redactions',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Redaction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('field', models.CharField(choices=[('title', 'title'), ('title_ar', 'title in Arabic'), ('summary', 'summary'), ('summary_ar', 'summary in Arabic'), ('neighbourhood', 'neighbourhood'), ('locality', 'city, town or village'), ('place_name_ar', 'place name in Arabic script'), ('coordinates', 'coordinates')], help_text='The field whose earlier values are withdrawn.', max_length=32)),
                ('marked_at', models.DateTimeField(default=django.utils.timezone.now, help_text='Values recorded before this moment are shown as “redacted” in public history.')),
                ('reason', models.TextField(blank=True, help_text='Why (for reviewers; never shown publicly).')),
                ('incident', models.ForeignKey(help_text='The incident whose history it redacts.', on_delete=django.db.models.deletion.CASCADE, related_name='redactions', to='incidents.incident')),
                ('marked_by', models.ForeignKey(blank=True, editable=False, help_text='Who marked it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['incident', 'field', 'marked_at'],
                'indexes': [models.Index(fields=['incident', 'field'], name='redaction_incident_field')],
            },
        ),
    ]

"""Merging sources: the permission merge_source (given to the groups by incidents 0029_merge_permissions)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0003_aliases'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='source',
            options={'ordering': ['name'], 'permissions': [('merge_source', 'Can merge two sources')]},
        ),
    ]

"""Merging sources and actors: the permissions merge_source and merge_actor, held by reviewers and administrators."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MERGE = [("incidents", "merge_actor"), ("sources", "merge_source")]
GROUPS = ["Reviewer", "Administrator"]


def _ensure_permissions(apps):
    # Permissions are normally created after all migrations; the groups need them now (as in 0004_editorial_groups).
    for app_label in ["auth", "contenttypes", "incidents", "sources"]:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return [Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in MERGE]


def grant(apps, schema_editor):
    _ensure_permissions(apps)
    permissions = _permissions(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    permissions = _permissions(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0028_aliases"),
        ("sources", "0004_merge_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="actor",
            options={"ordering": ["name"], "permissions": [("merge_actor", "Can merge two actors")]},
        ),
        migrations.RunPython(grant, revoke),
    ]

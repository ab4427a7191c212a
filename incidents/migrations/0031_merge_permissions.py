"""Merging sources and actors: the permissions merge_source and merge_actor, held by reviewers and administrators;
and the aliases of actors and sources (migrations incidents 0028, sources 0003), which every editorial group views,
adds, changes and deletes (as 0004_editorial_groups gives a later model's permissions by a later migration)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MERGE = [("incidents", "merge_actor"), ("sources", "merge_source")]
GROUPS = ["Reviewer", "Administrator"]
ALIASES = [("incidents", "actoralias"), ("sources", "sourcealias")]
ALIAS_GROUPS = ["Editor", "Reviewer", "Administrator"]


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


def _alias_permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app, codename=f"{action}_{model}")
        for app, model in ALIASES for action in ("view", "add", "change", "delete")
    ]


def grant(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*_permissions(apps))
    for group in Group.objects.filter(name__in=ALIAS_GROUPS):
        group.permissions.add(*_alias_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*_permissions(apps))
    for group in Group.objects.filter(name__in=ALIAS_GROUPS):
        group.permissions.remove(*_alias_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0030_indexes_home_lists"),
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

"""Linkage review (incidents 0045): every editorial group reviews candidates, records decisions and exports them as
labelled pairs (admin only, never public). Merging a pair stays the reviewers' merge_incident permission."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ["Editor", "Reviewer", "Administrator"]
REVIEW = ["view_linkcandidate", "change_linkcandidate", "delete_linkcandidate", "view_linkdecision", "add_linkdecision",
          "change_linkdecision"]
EXPORT = ["export_linkdecision"]


def _permissions(apps, codenames):
    app_config = apps.get_app_config("incidents")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return list(Permission.objects.filter(content_type__app_label="incidents", codename__in=codenames))


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    review, export = _permissions(apps, REVIEW), _permissions(apps, EXPORT)
    for group in Group.objects.filter(name__in=ALL):
        group.permissions.add(*review, *export)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ALL):
        group.permissions.remove(*_permissions(apps, REVIEW + EXPORT))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0045_link_decisions"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(grant, revoke)]

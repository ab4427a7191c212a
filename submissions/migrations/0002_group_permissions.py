"""The editorial groups' rights on submissions (as incidents 0004_editorial_groups gives a later model's permissions
by a later migration): every group views and changes them (turns them into reports, closes them, erases contact
details); Administrator may also delete them. Who reads the submitters' contact details is not a right given here: it
is the reviewers' publish_incident (submissions.models.CONTACT_PERMISSION)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RIGHTS = {
    "Editor": ["view_submission", "change_submission"],
    "Reviewer": ["view_submission", "change_submission"],
    "Administrator": ["view_submission", "change_submission", "delete_submission"],
}


def _ensure_permissions(apps):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_label in ["auth", "contenttypes", "submissions"]:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in RIGHTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*Permission.objects.filter(content_type__app_label="submissions", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=RIGHTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="submissions"))


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0001_submission"),
        ("incidents", "0004_editorial_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

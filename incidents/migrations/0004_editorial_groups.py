"""The editorial roles as groups: Editor, Reviewer, Administrator (see README, "Editorial workflow").

Editor: view, add and change every record of the incidents and sources apps, delete what is not yet
public (the admin refuses to delete anything published), submit for review.
Reviewer: an editor who may also publish, retract, grade and merge.
Administrator: a reviewer who may also delete and manage accounts.

The groups and their permissions are written here once; a later model gets its permissions into the
groups by a later migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ["incidents", "sources"]
WORKFLOW = ["publish_incident", "retract_incident", "grade_incident", "merge_incident"]
# Former codes are made by merges only.
READ_ONLY_MODELS = {"incidentalias"}
EDITOR_DELETES = {
    "incident", "casualtyfigure", "officialstatement", "aggregateclaim", "victim",
    "belligerentrolelink", "incidentreport", "externalidentifier",
}


def _ensure_permissions(apps):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_label in ["auth", "contenttypes", *APPS]:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_groups(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    records = Permission.objects.filter(content_type__app_label__in=APPS)
    editor = []
    for permission in records:
        action = permission.codename.partition("_")[0]
        model = permission.content_type.model
        if permission.codename in WORKFLOW:
            continue
        if action == "view":
            editor.append(permission)
        elif model.startswith("historical") or model in READ_ONLY_MODELS:
            continue
        elif action in {"add", "change"}:
            editor.append(permission)
        elif action == "delete" and model in EDITOR_DELETES:
            editor.append(permission)
    reviewer = editor + list(records.filter(codename__in=WORKFLOW, content_type__app_label="incidents"))
    administrator = list(records) + list(Permission.objects.filter(content_type__app_label="auth"))

    for name, permissions in [("Editor", editor), ("Reviewer", reviewer), ("Administrator", administrator)]:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Reviewer", "Administrator"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0003_incident_workflow_permissions"),
        ("sources", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]

"""The two staff groups and their model permissions.

Object-level scope (a member editor sees only what its member leads or co-leads) is applied by
the admin (initiatives/permissions.py); these are the model-level rights it starts from.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MEMBER_EDITORS = "Member editors"
OFFICE_REVIEWERS = "Office reviewers"

# model name -> actions, for each group
PERMISSIONS = {
    MEMBER_EDITORS: {
        "member": ["view"],
        "focusarea": ["view"],
        "source": ["view"],
        "initiative": ["view", "change"],
        "cooperationproject": ["view", "change"],
        "task": ["view", "change"],
        "initiativeresponsibility": ["view"],
        "projectresponsibility": ["view"],
        "taskresponsibility": ["view"],
        "target": ["view", "change"],
        "targetrevision": ["view"],
        "progressreport": ["view", "add", "change", "delete"],
        "statuschange": ["view"],
    },
    OFFICE_REVIEWERS: {
        "member": ["view", "add", "change"],
        "focusarea": ["view", "add", "change"],
        "source": ["view", "add", "change"],
        "initiative": ["view", "add", "change"],
        "cooperationproject": ["view", "add", "change"],
        "task": ["view", "add", "change"],
        "initiativeresponsibility": ["view", "add", "change", "delete"],
        "projectresponsibility": ["view", "add", "change", "delete"],
        "taskresponsibility": ["view", "add", "change", "delete"],
        "target": ["view", "add", "change"],
        "targetrevision": ["view"],
        "progressreport": ["view", "add", "change", "review"],
        "submittedreport": ["view", "change"],
        "statuschange": ["view"],
    },
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrate; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, models in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        permissions = Permission.objects.filter(
            content_type__app_label="initiatives", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions not found: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0002_review_permission_and_queue"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]

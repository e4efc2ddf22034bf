"""Office reviewers set the reporting periods; member editors see those of their plans (the
scope is permissions.SCOPES')."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = {
    "Member editors": ["view_reportingperiod"],
    "Office reviewers": [
        "view_reportingperiod",
        "add_reportingperiod",
        "change_reportingperiod",
        "delete_reportingperiod",
    ],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="initiatives", codename__in=codenames
                )
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="initiatives", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0016_edition_permissions")]

    operations = [migrations.RunPython(grant, revoke)]

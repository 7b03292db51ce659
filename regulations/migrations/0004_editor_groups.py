"""The two staff roles: consultants edit the knowledge base, compliance staff read internal content."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONSULTANT = "Consultant"
COMPLIANCE_STAFF = "Compliance staff"


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    regulations = Permission.objects.filter(content_type__app_label="regulations")
    consultant, _ = Group.objects.get_or_create(name=CONSULTANT)
    consultant.permissions.add(*regulations)
    staff, _ = Group.objects.get_or_create(name=COMPLIANCE_STAFF)
    staff.permissions.add(*regulations.filter(codename__startswith="view_"))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[CONSULTANT, COMPLIANCE_STAFF]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("regulations", "0003_timestamps_and_messages"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]

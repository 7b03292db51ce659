"""Consultants tune the ranking settings (README, "Search"); compliance staff may look at them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONSULTANT = "Consultant"
COMPLIANCE_STAFF = "Compliance staff"


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ranking = Permission.objects.filter(content_type__app_label="search", content_type__model="rankingsettings")
    consultant, _ = Group.objects.get_or_create(name=CONSULTANT)
    consultant.permissions.add(*ranking.filter(codename__in=["view_rankingsettings", "change_rankingsettings"]))
    staff, _ = Group.objects.get_or_create(name=COMPLIANCE_STAFF)
    staff.permissions.add(*ranking.filter(codename="view_rankingsettings"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ranking = Permission.objects.filter(content_type__app_label="search", content_type__model="rankingsettings")
    for group in Group.objects.filter(name__in=[CONSULTANT, COMPLIANCE_STAFF]):
        group.permissions.remove(*ranking)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_heading_boost_tuned"),
        ("regulations", "0006_history_backfill_and_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

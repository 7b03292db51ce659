"""Give both roles the new permissions, and give rows that predate history their first version."""

import datetime

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

CONSULTANT = "Consultant"
COMPLIANCE_STAFF = "Compliance staff"
TRACKED = ["Document", "Provision", "Target", "Relation"]
DOCUMENT_DATES = ("signed", "issued", "published", "adopted")


def grant_permissions(apps, schema_editor):
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


def _first_version_dates(apps):
    """A document's text is taken to stand from the day it was issued, not from the day it was loaded."""
    DocumentDate = apps.get_model("regulations", "DocumentDate")
    first = {}
    for document_id, date in DocumentDate.objects.filter(kind__in=DOCUMENT_DATES).values_list("document_id", "date"):
        first[document_id] = min(date, first.get(document_id, date))
    return {
        document_id: timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))
        for document_id, date in first.items()
    }


def backfill_history(apps, schema_editor):
    dates = _first_version_dates(apps)
    now = timezone.now()
    for name in TRACKED:
        model = apps.get_model("regulations", name)
        historical = apps.get_model("regulations", f"Historical{name}")
        recorded = set(historical.objects.values_list("id", flat=True).distinct())
        fields = [field.attname for field in historical._meta.fields if not field.name.startswith("history_")]
        rows = []
        for instance in model.objects.exclude(pk__in=recorded).iterator():
            if name == "Document":
                document_id = instance.pk
            elif name == "Target":
                document_id = instance.provision.document_id
            elif name == "Relation":
                document_id = instance.source_document_id
            else:
                document_id = instance.document_id
            values = {attname: getattr(instance, attname) for attname in fields if hasattr(instance, attname)}
            rows.append(
                historical(
                    **values,
                    history_date=dates.get(document_id, now),
                    history_type="+",
                    history_change_reason="Recorded when history began",
                )
            )
        historical.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("regulations", "0005_history_drafts_annotations")]
    operations = [
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
        migrations.RunPython(backfill_history, migrations.RunPython.noop),
    ]

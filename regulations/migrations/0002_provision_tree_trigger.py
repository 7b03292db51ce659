"""Installs the provision-tree trigger (see regulations/db_triggers.py)."""

from django.db import migrations

from regulations.db_triggers import drop_provision_tree_triggers, install_provision_tree_triggers


def create(apps, schema_editor):
    install_provision_tree_triggers(schema_editor.connection)


def drop(apps, schema_editor):
    drop_provision_tree_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("regulations", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]

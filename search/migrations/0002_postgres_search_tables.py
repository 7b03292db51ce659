"""The PostgreSQL backend's tables and the pg_trgm extension, on PostgreSQL only (on SQLite the
Whoosh index is the only backend, and this migration does nothing)."""

from django.db import migrations

from search.backends.postgres import schema


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in schema.create_extension_sql() + schema.create_tables_sql() + schema.create_indexes_sql():
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in schema.drop_tables_sql():
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]

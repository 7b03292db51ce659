"""The PostgreSQL backend counts facets by list of values (``search_pg_facet_set``): existing entries get
their list's id. On PostgreSQL only; a database whose tables 0002 created already in this form (it
creates the current ones) is left as it is."""

from django.db import migrations

from search.backends.postgres.schema import ENTRY_TABLE, FACET_SET_TABLE


def _has_facet_sets(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [FACET_SET_TABLE])
        return cursor.fetchone()[0]


def add_facet_sets(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or _has_facet_sets(schema_editor):
        return
    for statement in [
        f"""CREATE TABLE {FACET_SET_TABLE} (
            id integer GENERATED ALWAYS AS IDENTITY CONSTRAINT {FACET_SET_TABLE}_pkey PRIMARY KEY,
            facets text[] NOT NULL CONSTRAINT {FACET_SET_TABLE}_facets_key UNIQUE
        )""",
        f"INSERT INTO {FACET_SET_TABLE} (facets) SELECT DISTINCT facets FROM {ENTRY_TABLE} ORDER BY facets",
        f"ALTER TABLE {ENTRY_TABLE} ADD COLUMN facet_set integer",
        f"""UPDATE {ENTRY_TABLE} AS entry SET facet_set = facet_set.id FROM {FACET_SET_TABLE} AS facet_set
            WHERE facet_set.facets = entry.facets""",
        f"ALTER TABLE {ENTRY_TABLE} ALTER COLUMN facet_set SET NOT NULL",
    ]:
        schema_editor.execute(statement)


def drop_facet_sets(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not _has_facet_sets(schema_editor):
        return
    schema_editor.execute(f"ALTER TABLE {ENTRY_TABLE} DROP COLUMN facet_set")
    schema_editor.execute(f"DROP TABLE {FACET_SET_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("search", "0007_catalog_version")]

    operations = [migrations.RunPython(add_facet_sets, drop_facet_sets)]

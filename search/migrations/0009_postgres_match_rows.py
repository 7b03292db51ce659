"""The PostgreSQL backend matches on narrow rows of their own (``search_pg_match``: lexemes, word pairs
and triples, facet values, the facet list, the prior, the statuses and the weighted text), made here
from the existing entries, which keep what a hit shows and lose the columns and indexes the match rows
took over. On PostgreSQL only; a database whose tables 0002 created already in this form is left as it
is."""

from django.db import migrations

from search.backends.postgres import schema
from search.backends.postgres.documents import FACET_LEXEME_START, MAX_LEXEME_BYTES, SHINGLE_SEPARATOR, SHINGLE_WORDS

ENTRY, MATCH = schema.ENTRY_TABLE, schema.MATCH_TABLE


def _has_match_rows(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [MATCH])
        return cursor.fetchone()[0]


def match_terms_sql(document: str, facets: str) -> str:
    """An entry's match lexemes from its tsvector and facets (SQL expressions), as
    ``documents.entry_rows`` makes them: each lexeme, each run of 2 to SHINGLE_WORDS lexemes at
    consecutive positions, each facet value."""
    placed = f"SELECT lexeme, unnest(positions) AS position FROM unnest({document})"
    runs = []
    for length in range(2, SHINGLE_WORDS + 1):
        joins = " ".join(
            f"JOIN ({placed}) AS w{step} ON w{step}.position = w0.position + {step}" for step in range(1, length)
        )
        parts = f" || '{SHINGLE_SEPARATOR}' || ".join(f"w{step}.lexeme" for step in range(length))
        runs.append(f"SELECT {parts} FROM ({placed}) AS w0 {joins}")
    lexemes = " UNION ".join(
        [f"SELECT lexeme FROM unnest({document})", *runs, f"SELECT '{FACET_LEXEME_START}' || unnest({facets})"]
    )
    kept = f"SELECT lexeme FROM ({lexemes}) AS found (lexeme) WHERE octet_length(lexeme) <= {MAX_LEXEME_BYTES}"
    return f"array_to_tsvector(ARRAY({kept}))"


def add_match_rows(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or _has_match_rows(schema_editor):
        return
    match_table = next(statement for statement in schema.create_tables_sql() if f"CREATE TABLE {MATCH} " in statement)
    storage = next(statement for statement in schema.create_tables_sql() if f"ALTER TABLE {MATCH} " in statement)
    statuses = "ARRAY(SELECT substr(value, 8) FROM unnest(entry.facets) AS value WHERE value LIKE 'status=%%')"
    for statement in [
        match_table,
        storage,
        f"""INSERT INTO {MATCH} (key, facet_set, prior, status, terms, document)
            SELECT entry.key, entry.facet_set, entry.prior, {statuses},
                   {match_terms_sql("entry.document", "entry.facets")}, entry.document
            FROM {ENTRY} AS entry""",
        f"ALTER TABLE {MATCH} ADD CONSTRAINT {MATCH}_pkey PRIMARY KEY (key)",
        f"""ALTER TABLE {MATCH} ADD CONSTRAINT {MATCH}_key_fkey FOREIGN KEY (key) REFERENCES {ENTRY} (key)
            ON DELETE CASCADE""",
        f"CREATE INDEX {MATCH}_terms ON {MATCH} USING gin (terms)",
        f"ALTER TABLE {ENTRY} DROP COLUMN facet_set, DROP COLUMN prior, DROP COLUMN facets, DROP COLUMN document",
    ]:
        schema_editor.execute(statement)


def drop_match_rows(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not _has_match_rows(schema_editor):
        return
    for statement in [
        f"""ALTER TABLE {ENTRY} ADD COLUMN facet_set integer, ADD COLUMN prior real, ADD COLUMN facets text[],
            ADD COLUMN document tsvector""",
        f"""UPDATE {ENTRY} AS entry SET facet_set = match.facet_set, prior = match.prior,
                facets = facet_set.facets, document = match.document
            FROM {MATCH} AS match JOIN {schema.FACET_SET_TABLE} AS facet_set ON facet_set.id = match.facet_set
            WHERE match.key = entry.key""",
        f"""ALTER TABLE {ENTRY} ALTER COLUMN facet_set SET NOT NULL, ALTER COLUMN prior SET NOT NULL,
            ALTER COLUMN facets SET NOT NULL, ALTER COLUMN document SET NOT NULL""",
        f"DROP TABLE {MATCH}",
        f"CREATE INDEX {ENTRY}_document ON {ENTRY} USING gin (document)",
        f"CREATE INDEX {ENTRY}_facets ON {ENTRY} USING gin (facets)",
    ]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0008_postgres_facet_sets")]

    operations = [migrations.RunPython(add_match_rows, drop_match_rows)]

"""The backend's tables, created by the search app's migration (PostgreSQL only) and again, beside the
live ones, by every rebuild.

``search_pg_entry`` holds one row per index record: the weighted ``tsvector`` of its text (matched
through a GIN index), its facet values as ``name=value`` strings (filtered through a GIN index), the
id of that list of values in ``search_pg_facet_set`` (counted: a few thousand distinct lists stand for
200,000 entries), a precomputed ``prior`` that bounds ranking, and what a hit shows. ``search_pg_word``
is the vocabulary spelling suggestions look in (a ``pg_trgm`` index).
"""

from __future__ import annotations

import json

ENTRY_TABLE = "search_pg_entry"
WORD_TABLE = "search_pg_word"
FACET_SET_TABLE = "search_pg_facet_set"
BUILD_SUFFIX = "_build"


def create_extension_sql() -> list[str]:
    return ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]


def create_tables_sql(suffix: str = "") -> list[str]:
    """The tables without their indexes (a rebuild loads rows first: building a GIN index once over
    every row is much faster than updating it row by row)."""
    entry, word, facet_set = ENTRY_TABLE + suffix, WORD_TABLE + suffix, FACET_SET_TABLE + suffix
    return [
        # Rows are only added: an id, once given, always names the same values (entries refer to it).
        f"""CREATE TABLE {facet_set} (
            id integer GENERATED ALWAYS AS IDENTITY CONSTRAINT {facet_set}_pkey PRIMARY KEY,
            facets text[] NOT NULL CONSTRAINT {facet_set}_facets_key UNIQUE
        )""",
        f"""CREATE TABLE {entry} (
            key text PRIMARY KEY,
            kind text NOT NULL,
            digest text NOT NULL,
            data jsonb NOT NULL,
            facets text[] NOT NULL,
            facet_set integer NOT NULL,
            document tsvector NOT NULL,
            completion text NOT NULL,
            prior real NOT NULL
        ) WITH (toast_tuple_target = 256)""",
        # The texts out of line: counting and faceting a common word's matches then reads narrow rows,
        # and only ranking (a bounded set) and the page shown read the texts.
        f"""ALTER TABLE {entry} ALTER COLUMN document SET STORAGE EXTERNAL, ALTER COLUMN data SET STORAGE EXTERNAL,
            ALTER COLUMN facets SET STORAGE MAIN, ALTER COLUMN completion SET STORAGE MAIN""",
        f"CREATE TABLE {word} (word text PRIMARY KEY)",
    ]


def create_indexes_sql(suffix: str = "") -> list[str]:
    entry, word = ENTRY_TABLE + suffix, WORD_TABLE + suffix
    return [
        f"CREATE INDEX {entry}_document ON {entry} USING gin (document)",
        f"CREATE INDEX {entry}_facets ON {entry} USING gin (facets)",
        f"CREATE INDEX {entry}_completion ON {entry} USING gin (completion gin_trgm_ops)",
        f"CREATE INDEX {word}_trigrams ON {word} USING gin (word gin_trgm_ops)",
    ]


def swap_in_sql(suffix: str = BUILD_SUFFIX) -> list[str]:
    """Replace the live tables by the built ones, names of their indexes included."""
    statements = []
    for table in (ENTRY_TABLE, WORD_TABLE, FACET_SET_TABLE):
        statements.append(f"DROP TABLE IF EXISTS {table}")
        statements.append(f"ALTER TABLE {table}{suffix} RENAME TO {table}")
        statements.append(f"ALTER INDEX {table}{suffix}_pkey RENAME TO {table}_pkey")
    statements.append(f"ALTER INDEX {FACET_SET_TABLE}{suffix}_facets_key RENAME TO {FACET_SET_TABLE}_facets_key")
    statements.append(f"ALTER SEQUENCE {FACET_SET_TABLE}{suffix}_id_seq RENAME TO {FACET_SET_TABLE}_id_seq")
    for name in ("document", "facets", "completion"):
        statements.append(f"ALTER INDEX {ENTRY_TABLE}{suffix}_{name} RENAME TO {ENTRY_TABLE}_{name}")
    statements.append(f"ALTER INDEX {WORD_TABLE}{suffix}_trigrams RENAME TO {WORD_TABLE}_trigrams")
    return statements


def drop_tables_sql(suffix: str = "") -> list[str]:
    return [f"DROP TABLE IF EXISTS {table}{suffix}" for table in (ENTRY_TABLE, WORD_TABLE, FACET_SET_TABLE)]


def decoded(value):
    """A json or jsonb value read back: Django has psycopg answer jsonb as text (its JSONField decodes
    it), and json as Python values."""
    return json.loads(value) if isinstance(value, str) else value

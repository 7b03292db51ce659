"""The backend's tables, created by the search app's migrations (PostgreSQL only) and again, beside the
live ones, by every rebuild.

``search_pg_entry`` holds one row per index record: what a hit shows, its autocomplete text and its
digest. ``search_pg_match`` holds what a search reads, one narrow row per entry: the lexemes the GIN
index answers (words, word pairs and triples, facet values: ``documents.EntryRows``), the id of the
entry's list of facet values in ``search_pg_facet_set`` (counted: a few thousand distinct lists stand
for 200,000 entries), a precomputed ``prior`` that bounds ranking, and for the matches ranked the
weighted ``tsvector`` of the text (with positions: also what decides a phrase longer than a match
lexeme) and the entry's statuses. ``search_pg_word`` is the
vocabulary spelling suggestions look in (a ``pg_trgm`` index).
"""

from __future__ import annotations

import json

ENTRY_TABLE = "search_pg_entry"
MATCH_TABLE = "search_pg_match"
WORD_TABLE = "search_pg_word"
FACET_SET_TABLE = "search_pg_facet_set"
TABLES = (MATCH_TABLE, ENTRY_TABLE, WORD_TABLE, FACET_SET_TABLE)  # in an order they can be dropped in
BUILD_SUFFIX = "_build"
# PostgreSQL moves a value out of its row (TOAST) only when the row is over 2 kB, whatever the table's
# toast_tuple_target: a short entry's lexemes and text would stay in the row, and counting a common
# word's matches would read ten times the pages. A filler of spaces takes every row over the threshold;
# the lexemes and the text then go out of line (compressed with lz4, quick to read back) and the filler
# is compressed to a few bytes in the row.
ROW_FILLER_BYTES = 2048
INDEX_NAMES = {
    ENTRY_TABLE: ["pkey", "completion"],
    MATCH_TABLE: ["pkey", "terms"],
    WORD_TABLE: ["pkey", "trigrams"],
    FACET_SET_TABLE: ["pkey", "facets_key"],
}


def create_extension_sql() -> list[str]:
    return ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]


def create_tables_sql(suffix: str = "") -> list[str]:
    """The tables without their keys and indexes (a rebuild loads rows first: building an index once
    over every row is much faster than updating it row by row)."""
    entry, match, word, facet_set = (
        table + suffix for table in (ENTRY_TABLE, MATCH_TABLE, WORD_TABLE, FACET_SET_TABLE)
    )
    return [
        # Rows are only added: an id, once given, always names the same values (entries refer to it).
        f"""CREATE TABLE {facet_set} (
            id integer GENERATED ALWAYS AS IDENTITY CONSTRAINT {facet_set}_pkey PRIMARY KEY,
            facets text[] NOT NULL CONSTRAINT {facet_set}_facets_key UNIQUE
        )""",
        f"""CREATE TABLE {entry} (
            key text NOT NULL,
            kind text NOT NULL,
            digest text NOT NULL,
            data jsonb NOT NULL,
            completion text NOT NULL
        )""",
        f"""CREATE TABLE {match} (
            key text NOT NULL,
            facet_set integer NOT NULL,
            prior real NOT NULL,
            status text[] NOT NULL,
            terms tsvector COMPRESSION lz4 NOT NULL,
            document tsvector COMPRESSION lz4 NOT NULL,
            filler text NOT NULL DEFAULT repeat(' ', {ROW_FILLER_BYTES})
        ) WITH (toast_tuple_target = 256)""",
        # The key and the statuses stay in the row (ranking compares them for every candidate): only the
        # lexemes and the text go out of line, and the filler is compressed.
        f"""ALTER TABLE {match} ALTER COLUMN key SET STORAGE MAIN, ALTER COLUMN status SET STORAGE MAIN,
            ALTER COLUMN filler SET STORAGE MAIN""",
        f"CREATE TABLE {word} (word text NOT NULL)",
    ]


def create_indexes_sql(suffix: str = "") -> list[str]:
    entry, match, word = ENTRY_TABLE + suffix, MATCH_TABLE + suffix, WORD_TABLE + suffix
    return [
        f"ALTER TABLE {entry} ADD CONSTRAINT {entry}_pkey PRIMARY KEY (key)",
        f"ALTER TABLE {match} ADD CONSTRAINT {match}_pkey PRIMARY KEY (key)",
        # An entry's match row goes with it (deleting an entry is the one way to remove both).
        f"""ALTER TABLE {match} ADD CONSTRAINT {match}_key_fkey FOREIGN KEY (key) REFERENCES {entry} (key)
            ON DELETE CASCADE""",
        f"ALTER TABLE {word} ADD CONSTRAINT {word}_pkey PRIMARY KEY (word)",
        f"CREATE INDEX {match}_terms ON {match} USING gin (terms)",
        f"CREATE INDEX {entry}_completion ON {entry} USING gin (completion gin_trgm_ops)",
        f"CREATE INDEX {word}_trigrams ON {word} USING gin (word gin_trgm_ops)",
    ]


def swap_in_sql(suffix: str = BUILD_SUFFIX) -> list[str]:
    """Replace the live tables by the built ones, names of their indexes and constraints included."""
    statements = drop_tables_sql()
    for table in TABLES:
        statements.append(f"ALTER TABLE {table}{suffix} RENAME TO {table}")
        # Renaming the index of a key renames the key too.
        statements += [f"ALTER INDEX {table}{suffix}_{name} RENAME TO {table}_{name}" for name in INDEX_NAMES[table]]
    statements.append(
        f"ALTER TABLE {MATCH_TABLE} RENAME CONSTRAINT {MATCH_TABLE}{suffix}_key_fkey TO {MATCH_TABLE}_key_fkey"
    )
    statements.append(f"ALTER SEQUENCE {FACET_SET_TABLE}{suffix}_id_seq RENAME TO {FACET_SET_TABLE}_id_seq")
    return statements


def drop_tables_sql(suffix: str = "") -> list[str]:
    return [f"DROP TABLE IF EXISTS {table}{suffix}" for table in TABLES]


def decoded(value):
    """A json or jsonb value read back: Django has psycopg answer jsonb as text (its JSONField decodes
    it), and json as Python values."""
    return json.loads(value) if isinstance(value, str) else value

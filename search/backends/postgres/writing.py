"""Writing entries: live updates in the caller's transaction (so the index and the database commit or
roll back together), and rebuilds into new tables swapped in at the end of one transaction (readers
keep the old entries until the swap commits)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from search.backends.base import Progress, Record
from search.backends.postgres import schema
from search.backends.postgres.documents import entry_row

BATCH = 500
COLUMNS = "key, kind, digest, data, facets, facet_set, document, completion, prior"
FACETS_COLUMN = COLUMNS.split(", ").index("facets")


def _placeholders(facet_set_table: str) -> str:
    facet_set = f"(SELECT id FROM {facet_set_table} WHERE facets = %s::text[])"
    return f"%s, %s, %s, %s::jsonb, %s::text[], {facet_set}, %s::tsvector, %s, %s"


def _write_batch(cursor, suffix: str, records: list[Record], upsert: bool) -> None:
    table, word_table = schema.ENTRY_TABLE + suffix, schema.WORD_TABLE + suffix
    facet_set_table = schema.FACET_SET_TABLE + suffix
    rows, vocabulary, facet_lists = [], set(), set()
    for record in records:
        row, typed = entry_row(record)
        facets = row[FACETS_COLUMN]
        rows.append((*row[: FACETS_COLUMN + 1], facets, *row[FACETS_COLUMN + 1 :]))
        facet_lists.add(tuple(facets))
        vocabulary |= typed
    # In one order, so that two writers adding the same new lists cannot each wait for the other.
    cursor.executemany(
        f"INSERT INTO {facet_set_table} (facets) VALUES (%s::text[]) ON CONFLICT (facets) DO NOTHING",
        [(list(facets),) for facets in sorted(facet_lists)],
    )
    conflict = (
        " ON CONFLICT (key) DO UPDATE SET "
        + ", ".join(f"{column} = EXCLUDED.{column}" for column in COLUMNS.split(", ")[1:])
        if upsert
        else ""
    )
    cursor.executemany(f"INSERT INTO {table} ({COLUMNS}) VALUES ({_placeholders(facet_set_table)}){conflict}", rows)
    found = sorted(vocabulary)
    if found:
        cursor.execute(f"INSERT INTO {word_table} (word) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING", [found])


def write(records: Iterable[Record]) -> int:
    """Add or replace entries (in the current transaction)."""
    count = 0
    batch: list[Record] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for record in records:
            batch.append(record)
            if len(batch) == BATCH:
                _write_batch(cursor, "", batch, upsert=True)
                count += len(batch)
                batch = []
        if batch:
            _write_batch(cursor, "", batch, upsert=True)
            count += len(batch)
    return count


def delete(keys: Iterable[str]) -> int:
    keys = sorted(set(keys))
    if not keys:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {schema.ENTRY_TABLE} WHERE key = ANY(%s)", [keys])
        return cursor.rowcount


def rebuild(records: Iterable[Record], total: int, progress: Progress | None) -> None:
    suffix = schema.BUILD_SUFFIX
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in schema.drop_tables_sql(suffix) + schema.create_tables_sql(suffix):
            cursor.execute(statement)
        done = 0
        batch: list[Record] = []
        for record in records:
            batch.append(record)
            if len(batch) == BATCH:
                _write_batch(cursor, suffix, batch, upsert=False)
                done += len(batch)
                batch = []
                if progress:
                    progress(done, total)
        if batch:
            _write_batch(cursor, suffix, batch, upsert=False)
            done += len(batch)
        if progress:
            progress(done, total)
        for statement in schema.create_indexes_sql(suffix) + schema.swap_in_sql(suffix):
            cursor.execute(statement)
        cursor.execute(f"ANALYZE {schema.ENTRY_TABLE}")

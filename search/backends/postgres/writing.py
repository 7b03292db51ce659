"""Writing entries: live updates in the caller's transaction (so the index and the database commit or
roll back together), and rebuilds into new tables swapped in at the end of one transaction (readers
keep the old entries until the swap commits)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection, transaction

from search.backends.base import Progress, Record
from search.backends.postgres import schema
from search.backends.postgres.analysis_helper import BATCH, analysed_batches
from search.backends.postgres.documents import EntryRows, entry_rows

ENTRY_COLUMNS = "key, kind, digest, data, completion"
MATCH_COLUMNS = "key, facet_set, prior, status, terms, document"
# A rebuild builds its GIN indexes once over every row: with more memory, in fewer passes.
REBUILD_MAINTENANCE_WORK_MEM = "1GB"


def _upsert(table: str, columns: str, values: str) -> str:
    updated = ", ".join(f"{column} = EXCLUDED.{column}" for column in columns.split(", ")[1:])
    return f"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT (key) DO UPDATE SET {updated}"


def _write_batch(cursor, rows: list[EntryRows]) -> None:
    # In one order, so that two writers adding the same new lists cannot each wait for the other.
    cursor.executemany(
        f"INSERT INTO {schema.FACET_SET_TABLE} (facets) VALUES (%s::text[]) ON CONFLICT (facets) DO NOTHING",
        [(list(facets),) for facets in sorted({row.facets for row in rows})],
    )
    cursor.executemany(
        _upsert(schema.ENTRY_TABLE, ENTRY_COLUMNS, "%s, %s, %s, %s::jsonb, %s"),
        [row.entry for row in rows],
    )
    facet_set = f"(SELECT id FROM {schema.FACET_SET_TABLE} WHERE facets = %s::text[])"
    cursor.executemany(
        # The filler is written again with the row, so that its lexemes go out of line (schema).
        _upsert(
            schema.MATCH_TABLE,
            f"{MATCH_COLUMNS}, filler",
            f"%s, {facet_set}, %s, %s::text[], %s::tsvector, %s::tsvector, DEFAULT",
        ),
        [(row.entry[0], list(row.facets), *row.match) for row in rows],
    )
    found = sorted(set().union(*(row.vocabulary for row in rows)))
    if found:
        cursor.execute(
            f"INSERT INTO {schema.WORD_TABLE} (word) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING", [found]
        )


def write(records: Iterable[Record]) -> int:
    """Add or replace entries (in the current transaction)."""
    count = 0
    batch: list[EntryRows] = []
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:  # a failure fails the caller's
        for record in records:
            batch.append(entry_rows(record))
            if len(batch) == BATCH:
                _write_batch(cursor, batch)
                count += len(batch)
                batch = []
        if batch:
            _write_batch(cursor, batch)
            count += len(batch)
    return count


def delete(keys: Iterable[str]) -> int:
    """Remove entries (their match rows go with them)."""
    keys = sorted(set(keys))
    if not keys:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {schema.ENTRY_TABLE} WHERE key = ANY(%s)", [keys])
        return cursor.rowcount


def rebuild(records: Iterable[Record], total: int, progress: Progress | None) -> None:
    """New tables loaded with COPY (the records analysed in two processes, ``analysis_helper``), their
    keys and indexes made once the rows are in, then swapped in for the live ones."""
    suffix = schema.BUILD_SUFFIX
    entry, match = schema.ENTRY_TABLE + suffix, schema.MATCH_TABLE + suffix
    facet_ids: dict[tuple[str, ...], int] = {}
    vocabulary: set[str] = set()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in schema.drop_tables_sql(suffix) + schema.create_tables_sql(suffix):
            cursor.execute(statement)
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [REBUILD_MAINTENANCE_WORK_MEM])
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        done = 0
        for rows in analysed_batches(records, total):
            # One COPY per table and batch: a connection copies into one table at a time.
            with raw.copy(f"COPY {entry} ({ENTRY_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row.entry)
            with raw.copy(f"COPY {match} ({MATCH_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    facet_set = facet_ids.setdefault(row.facets, len(facet_ids) + 1)
                    copy.write_row((row.entry[0], facet_set, *row.match))
            for row in rows:
                vocabulary |= row.vocabulary
            done += len(rows)
            if progress:
                progress(done, total)
        if progress and not done:
            progress(0, total)
        _write_facet_sets(cursor, suffix, facet_ids)
        with raw.copy(f"COPY {schema.WORD_TABLE}{suffix} (word) FROM STDIN") as copy:
            for word in sorted(vocabulary):
                copy.write_row((word,))
        for statement in schema.create_indexes_sql(suffix) + schema.swap_in_sql(suffix):
            cursor.execute(statement)
        cursor.execute(f"ANALYZE {schema.MATCH_TABLE}, {schema.ENTRY_TABLE}")


def _write_facet_sets(cursor, suffix: str, facet_ids: dict[tuple[str, ...], int]) -> None:
    table = schema.FACET_SET_TABLE + suffix
    cursor.execute(
        f"""INSERT INTO {table} (id, facets) OVERRIDING SYSTEM VALUE
            SELECT (item ->> 0)::integer, ARRAY(SELECT jsonb_array_elements_text(item -> 1))
            FROM jsonb_array_elements(%s::jsonb) AS item""",
        [json.dumps([[number, list(facets)] for facets, number in facet_ids.items()], ensure_ascii=False)],
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, %s)",
        [table, max(facet_ids.values(), default=1), bool(facet_ids)],
    )

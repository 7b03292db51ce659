"""The rebuild's analysis in two processes: records are analysed (``documents.entry_rows``: segmenting,
stemming, shingles, the per-word work of a rebuild) in batches, each by a forked helper process when it
has room for one, else by the process reading the records and writing the rows; whichever has the
time analyses more."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from django.db import DEFAULT_DB_ALIAS, connections

from search.backends.base import Record
from search.backends.forked_helper import ForkedHelper
from search.backends.postgres.documents import EntryRows, entry_rows

PROCESSES = min(2, os.cpu_count() or 1)
PARALLEL_FROM = 2000  # records; fewer are analysed sooner than a helper process starts
BATCH = 500
QUEUED_BATCHES = 2  # batches waiting for the helper at most


def analysed_batches(records: Iterable[Record], total: int) -> Iterator[list[EntryRows]]:
    """The records' rows, a batch at a time, in no particular order."""
    helper = ForkedHelper(_analyse, "analysis", QUEUED_BATCHES) if total >= PARALLEL_FROM and PROCESSES > 1 else None
    try:
        batch: list[Record] = []
        for record in records:
            batch.append(record)
            if len(batch) == BATCH:
                if helper is None or not helper.offer(batch):
                    yield [entry_rows(record) for record in batch]
                batch = []
                if helper is not None:
                    yield from helper.ready()
        if batch:
            yield [entry_rows(record) for record in batch]
        if helper is not None:
            helper.finish()
            yield from helper.rest()
            helper = None
    finally:
        if helper is not None:
            helper.stop()


def _analyse(batches: Iterable[list[Record]]) -> Iterator[list[EntryRows]]:
    # The inherited connection is the parent's session, in the middle of its transaction: it is kept
    # (closing it, or letting it be collected, would end that session) and never used; stems are asked
    # on a connection of the helper's own.
    inherited = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = type(inherited)(dict(inherited.settings_dict), DEFAULT_DB_ALIAS)
    try:
        for batch in batches:
            yield [entry_rows(record) for record in batch]
    finally:
        connections[DEFAULT_DB_ALIAS].close()
        connections[DEFAULT_DB_ALIAS] = inherited

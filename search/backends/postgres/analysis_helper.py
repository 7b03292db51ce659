"""The rebuild's analysis in two processes: records are analysed (``documents.entry_rows``: segmenting,
stemming, shingles, the per-word work of a rebuild) in batches, each by a forked helper process when it
has room for one, else by the process reading the records and writing the rows; whichever has the
time analyses more."""

from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from collections.abc import Iterable, Iterator

from django.db import DEFAULT_DB_ALIAS, connections

from search.backends.base import Record
from search.backends.postgres.documents import EntryRows, entry_rows

PROCESSES = min(2, os.cpu_count() or 1)
PARALLEL_FROM = 2000  # records; fewer are analysed sooner than a helper process starts
BATCH = 500
QUEUED_BATCHES = 2  # batches waiting for the helper at most


def analysed_batches(records: Iterable[Record], total: int) -> Iterator[list[EntryRows]]:
    """The records' rows, a batch at a time, in no particular order."""
    helper = Helper() if total >= PARALLEL_FROM and PROCESSES > 1 else None
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
            yield from helper.rest()
            helper = None
    finally:
        if helper is not None:
            helper.stop()


class Helper:
    def __init__(self):
        context = multiprocessing.get_context("fork")  # the child needs nothing but what it inherits
        self.jobs = context.Queue(maxsize=QUEUED_BATCHES)
        self.results = context.Queue()
        self.process = context.Process(target=_helper_main, args=(self.jobs, self.results), daemon=True)
        self.process.start()

    def offer(self, batch: list[Record]) -> bool:
        try:
            self.jobs.put_nowait(batch)
        except queue.Full:
            self._check_alive()
            return False
        return True

    def ready(self) -> Iterator[list[EntryRows]]:
        while True:
            try:
                outcome, value = self.results.get_nowait()
            except queue.Empty:
                return
            yield self._rows(outcome, value)

    def rest(self) -> Iterator[list[EntryRows]]:
        """The batches still being analysed, once the helper has been sent everything."""
        while True:
            try:
                self.jobs.put(None, timeout=1)
                break
            except queue.Full:
                self._check_alive()
        while True:
            try:
                outcome, value = self.results.get(timeout=1)
            except queue.Empty:
                self._check_alive()
                continue
            if outcome == "done":
                self.process.join()
                return
            yield self._rows(outcome, value)

    def stop(self) -> None:
        self.process.kill()
        self.process.join()

    def _rows(self, outcome: str, value) -> list[EntryRows]:
        if outcome == "error":
            raise RuntimeError(f"the rebuild's analysis process failed:\n{value}")
        return value

    def _check_alive(self) -> None:
        if not self.process.is_alive():
            raise RuntimeError(f"the rebuild's analysis process stopped (exit status {self.process.exitcode})")


def _helper_main(jobs, results) -> None:
    # The inherited connection is the parent's session, in the middle of its transaction: it is kept
    # (closing it, or letting it be collected, would end that session) and never used; stems are asked
    # on a connection of the helper's own.
    inherited = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = type(inherited)(dict(inherited.settings_dict), DEFAULT_DB_ALIAS)
    try:
        for batch in iter(jobs.get, None):
            results.put(("rows", [entry_rows(record) for record in batch]))
        results.put(("done", None))
    except BaseException:
        results.put(("error", traceback.format_exc()))
    finally:
        connections[DEFAULT_DB_ALIAS].close()
        connections[DEFAULT_DB_ALIAS] = inherited

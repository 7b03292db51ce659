"""Writing: live commits that never wait for a merge, and complete rebuilds into a new generation."""

from __future__ import annotations

import logging
import os
import random
import shutil
import threading
import traceback
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from whoosh import index as whoosh_index
from whoosh.index import FileIndex, LockError
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from search.backends.base import Progress, Record
from search.backends.forked_helper import ForkedHelper
from search.backends.whoosh.bulk import BulkSegmentWriter
from search.backends.whoosh.generations import IndexFolder, not_writable, open_index
from search.backends.whoosh.schema import CODEC, build_schema, index_fields

logger = logging.getLogger(__name__)

WRITE_TIMEOUT = 60.0  # seconds a writer waits for another process's lock before giving up
SMALL_SEGMENT = 2000  # live commits only ever fold together segments smaller than this
# Live merges fold together this many segments of one size class (document counts within the same power of
# it): a merge rewrites a few segments of about the same size, never all the small ones at once.
MERGE_FACTOR = 4
REBUILD_PROCS = min(2, os.cpu_count() or 1)
PARALLEL_REBUILD_FROM = 2000  # records; fewer are written faster by one process into one segment
HELPER_BATCH = 100  # records per batch sent to the rebuild's helper process
HELPER_QUEUE = 2  # batches waiting for it at most; more are written by the process reading the records
PROGRESS_EVERY = 200


@contextmanager
def writing(folder: IndexFolder) -> Iterator[SegmentWriter]:
    """A writer on the current generation, committed (never merging) on success, cancelled on error.

    A save never waits for a merge: when small segments pile up, they are folded together in a
    background thread after the commit."""
    ix = open_index(folder.existing())
    try:
        writer = ix.writer(timeout=WRITE_TIMEOUT, delay=0.01, codec=CODEC)
    except LockError:
        raise LockError(f"the search index at {folder.path} stayed locked for {WRITE_TIMEOUT:.0f} s") from None
    except OSError as error:
        # Whoosh's writer takes the write lock before it creates its files: one that failed to start
        # still holds the lock in its frame, which the traceback keeps alive (in a log, say).
        traceback.clear_frames(error.__traceback__)
        raise not_writable(folder.path, error) from error
    try:
        yield writer
        writer.commit(merge=False)
    except OSError as error:
        writer.cancel()
        raise not_writable(folder.path, error) from error
    except BaseException:
        writer.cancel()
        raise
    if segments_to_merge(ix._segments()):  # noqa: SLF001
        threading.Thread(target=merge_small_segments, args=(ix,), daemon=True).start()


def size_class(documents: int) -> int:
    return (max(documents, 1).bit_length() - 1) // (MERGE_FACTOR.bit_length() - 1)


def segments_to_merge(segments: list) -> list:
    """The segments a live merge folds together: those of the smallest size class that has MERGE_FACTOR of
    them, among the segments under SMALL_SEGMENT documents except the largest (in an index smaller than
    that, folding it in would rewrite the whole index). Tiered this way, a document is rewritten once per
    class its segment grows through, and the merge after a save reads a few small segments: folding every
    small segment together at once rewrote all recently saved entries, holding the index's write lock (and
    the saves after it) for seconds."""
    largest = max(segments, key=lambda segment: segment.doc_count_all(), default=None)
    by_class: dict[int, list] = defaultdict(list)
    for segment in segments:
        if segment is not largest and segment.doc_count_all() < SMALL_SEGMENT:
            by_class[size_class(segment.doc_count_all())].append(segment)
    for _size, members in sorted(by_class.items()):
        if len(members) >= MERGE_FACTOR:
            return members
    return []


def merge_small_segments(ix: FileIndex) -> None:
    try:
        writer = ix.writer(timeout=0, codec=CODEC)  # another writer is busy: it will trigger the merge
    except LockError:
        return
    try:
        writer.commit(mergetype=merge_small_only)
    except Exception:
        writer.cancel()
        logger.exception("merging small search-index segments failed")


def merge_small_only(writer, segments):
    """A merge policy for live commits: fold one size class of small segments into one, leave the rest alone."""
    merged = segments_to_merge(segments)
    keep = [segment for segment in segments if segment not in merged]
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment, generation=writer.generation)
        writer.add_reader(reader)
        reader.close()
    return keep


def build_generation(folder: IndexFolder, records: Iterable[Record], total: int, progress: Progress | None) -> None:
    """Write every record into a new generation, swap it in, and drop all but it and the previous one
    (a process may still be reading the previous one until its next search)."""
    new = folder.new_generation_dir()
    try:
        ix = whoosh_index.create_in(str(new), build_schema())
        writer = BulkSegmentWriter(ix, codec=CODEC)
        # Two processes analyse in parallel (the machine has two cores); each writes one segment.
        helper = _helper_writer(ix) if total >= PARALLEL_REBUILD_FROM and REBUILD_PROCS > 1 else None
        try:
            _write_records(writer, helper, records, total, progress)
            if helper:
                helper.finish()  # it writes its segment out while this process writes its own
            segments = [writer.finish_segment() if writer.doc_count() else None, *(helper.rest() if helper else ())]
        except BaseException:
            if helper:
                helper.stop()
            writer.cancel()
            raise
        writer.commit_with([segment for segment in segments if segment is not None])
        ix.close()
    except OSError as error:
        shutil.rmtree(new, ignore_errors=True)
        raise not_writable(folder.path, error) from error
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    previous = folder.resolved()
    try:
        folder.swap(new)
    except OSError as error:
        raise not_writable(folder.path, error) from error
    folder.remove_old_generations(keep={new, previous})


def _write_records(writer, helper: ForkedHelper | None, records, total: int, progress: Progress | None) -> None:
    """The records in batches, each to the helper process when it has room for one, else to this
    process's writer: whichever process has the time (reading the records is this one's) writes more."""
    done = 0
    batch: list[dict] = []
    for record in records:
        batch.append(index_fields(record))
        done += 1
        if len(batch) == HELPER_BATCH or done == total:
            _write_batch(writer, helper, batch)
            batch = []
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    if batch:
        _write_batch(writer, helper, batch)
    if progress and done % PROGRESS_EVERY:
        progress(done, total)


def _write_batch(writer, helper: ForkedHelper | None, batch: list[dict]) -> None:
    if helper is None or not helper.offer(batch):
        for fields in batch:
            writer.add_document(**fields)


def _helper_writer(ix: FileIndex) -> ForkedHelper:
    """A second process writing a segment of the same new index from the batches it is sent."""

    def write_segment(batches: Iterable[list[dict]]) -> Iterator:
        # Whoosh names segments from the global random generator, which a fork copies: without a new seed
        # this segment could be given the name the parent's next one gets.
        random.seed()
        writer = BulkSegmentWriter(ix, _lk=False, codec=CODEC)  # the parent holds the index's lock
        for batch in batches:
            for fields in batch:
                writer.add_document(**fields)
        # Every batch may have been written by the parent (a helper that started late): no empty segment.
        yield writer.finish_segment() if writer.doc_count() else None

    return ForkedHelper(write_segment, "helper", HELPER_QUEUE)

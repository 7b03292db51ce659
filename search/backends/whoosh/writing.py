"""Writing: live commits that never wait for a merge, and complete rebuilds into a new generation."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from whoosh import index as whoosh_index
from whoosh.index import FileIndex, LockError
from whoosh.reading import SegmentReader
from whoosh.writing import CLEAR, SegmentWriter

from search.backends.base import Progress, Record
from search.backends.whoosh.generations import IndexFolder, not_writable, open_index
from search.backends.whoosh.schema import CODEC, build_schema, index_fields

logger = logging.getLogger(__name__)

WRITE_TIMEOUT = 60.0  # seconds a writer waits for another process's lock before giving up
SMALL_SEGMENT = 2000  # live commits only ever fold together segments smaller than this
MAX_SMALL_SEGMENTS = 6
REBUILD_PROCS = min(2, os.cpu_count() or 1)
PARALLEL_REBUILD_FROM = 2000  # records; fewer are written faster by one process into one segment
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
    if sum(segment.doc_count_all() < SMALL_SEGMENT for segment in ix._segments()) > MAX_SMALL_SEGMENTS:  # noqa: SLF001
        threading.Thread(target=merge_small_segments, args=(ix,), daemon=True).start()


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
    """A merge policy for live commits: fold the small segments into one, leave the large ones alone."""
    keep, small = [], []
    for segment in segments:
        (small if segment.doc_count_all() < SMALL_SEGMENT else keep).append(segment)
    for segment in small:
        reader = SegmentReader(writer.storage, writer.schema, segment, generation=writer.generation)
        writer.add_reader(reader)
        reader.close()
    return keep


def build_generation(folder: IndexFolder, records: Iterable[Record], total: int, progress: Progress | None) -> None:
    """Write every record into a new generation, swap it in, and drop all but it and the previous one
    (a process may still be reading the previous one until its next search)."""
    new = folder.new_generation_dir()
    parallel = total >= PARALLEL_REBUILD_FROM
    try:
        ix = whoosh_index.create_in(str(new), build_schema())
        # Two processes analyse in parallel (the machine has two cores); each leaves one segment.
        writer = (
            ix.writer(procs=REBUILD_PROCS, limitmb=256, multisegment=True, codec=CODEC)
            if parallel
            else ix.writer(limitmb=256, codec=CODEC)
        )
        done = 0
        for record in records:
            writer.add_document(**index_fields(record))
            done += 1
            if progress and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done, total)
        if progress and done % PROGRESS_EVERY:
            progress(done, total)
        if parallel:
            writer.commit()
        else:
            writer.commit(mergetype=CLEAR)
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

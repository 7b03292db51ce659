"""The index folder: ``gen-<n>/`` directories, each a complete index, and a ``current`` symlink to the
one in use. A rebuild writes a new generation and swaps the link atomically (``os.replace``), so a
search never sees a half-built index. One searcher is shared per generation and process.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import Schema
from whoosh.index import EmptyIndexError, FileIndex
from whoosh.scoring import BM25F

from search.backends.base import IndexFormatError, IndexUnavailableError
from search.backends.whoosh.schema import build_schema

logger = logging.getLogger(__name__)


# Another process's commit deletes the table of contents and the segments it replaced: an opening that listed
# the folder just before finds them gone. Opening again finds the new ones.
RACED_COMMIT_ATTEMPTS = 5


def after_a_raced_commit(open_files):
    for attempt in range(1, RACED_COMMIT_ATTEMPTS):
        try:
            return open_files()
        except FileNotFoundError:
            time.sleep(0.01 * attempt)
    return open_files()


def open_index(path: Path) -> FileIndex:
    """Open one generation. Whoosh unpickles the schema and the segments' codec on opening: an index
    whose pickled classes moved or went away, or whose fields are not the ones this code searches, is
    reported as such, not as a missing attribute or as nothing found."""
    try:
        index, schema = after_a_raced_commit(lambda: _with_schema(whoosh_index.open_dir(str(path))))
    except (AttributeError, ImportError, pickle.UnpicklingError) as error:
        raise written_by_another_version(path, str(error)) from error
    differences = schema_differences(schema, build_schema())
    if differences:
        raise written_by_another_version(path, differences)
    return index


def _with_schema(index: FileIndex) -> tuple[FileIndex, Schema]:
    return index, index.schema  # read from the newest table of contents, which a commit may delete meanwhile


def schema_differences(found: Schema, expected: Schema) -> str:
    """What differs between an index's fields and the ones this code writes and reads ("" if nothing)."""
    missing, extra = set(expected.names()) - set(found.names()), set(found.names()) - set(expected.names())
    changed = [
        name
        for name in sorted(set(found.names()) & set(expected.names()))
        if found[name] != expected[name] or _analyzer(found[name]) != _analyzer(expected[name])
    ]
    parts = [
        f"{label} {', '.join(sorted(names))}"
        for label, names in (("no field", missing), ("an unknown field", extra), ("another format of", changed))
        if names
    ]
    return "; ".join(parts)


def _analyzer(field):
    return getattr(field, "analyzer", None)  # Whoosh's fields compare equal whatever their analyzers


def written_by_another_version(path: Path, why: str) -> IndexFormatError:
    return IndexFormatError(
        f"The search index at {path} was written by another version of the code and cannot be read "
        f"({why}); run `manage.py rebuild_index`."
    )


def holds_index(path: Path) -> bool:
    if not path.is_dir():
        return False
    try:
        return open_index(path).latest_generation() > -1
    except EmptyIndexError:
        return False


class Generation:
    """An open index generation and its shared searcher."""

    def __init__(self, path: Path):
        self.path = path
        self.index, self.searcher = after_a_raced_commit(self._open)
        self.lock = threading.Lock()

    def _open(self):
        index = open_index(self.path)
        return index, index.searcher(weighting=BM25F())

    @property
    def token(self):
        return (str(self.path), self.searcher.reader().generation())

    def refresh(self) -> None:
        if not self.searcher.up_to_date():
            # A fresh searcher: Whoosh's refresh() reuses segment readers that miss new deletions.
            old = self.searcher
            self.searcher = after_a_raced_commit(lambda: self.index.searcher(weighting=BM25F()))
            old.close()


class IndexFolder:
    def __init__(self, path: Path):
        self.path = path
        self._generation: Generation | None = None
        self._open_lock = threading.Lock()

    @property
    def current(self) -> Path:
        return self.path / "current"

    def exists(self) -> bool:
        target = self.current
        return target.exists() and holds_index(target.resolve())

    def resolved(self) -> Path | None:
        """The generation ``current`` points to (None before the first index is made)."""
        try:
            return self.path / os.readlink(self.current)
        except OSError:
            return None

    def existing(self) -> Path:
        """The current generation, which must hold an index. Never an empty one made up on the spot:
        a search would answer "nothing found" from it and hide that the index was lost."""
        resolved = self.resolved()
        if resolved is None or not holds_index(resolved):
            logger.error("search index missing at %s", self.path)
            raise IndexUnavailableError(
                f"The search index at {self.path} is missing (was its folder deleted or moved?); "
                "run `manage.py rebuild_index`."
            )
        return resolved

    def new_generation_dir(self) -> Path:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            new = self.path / f"gen-{time.time_ns()}-{os.getpid()}"
            new.mkdir()
        except OSError as error:
            raise not_writable(self.path, error) from error
        return new

    def swap(self, new: Path) -> None:
        """Make ``new`` the current generation, atomically."""
        link = self.path / f".current-{os.getpid()}-{threading.get_ident()}"
        if link.is_symlink():
            link.unlink()
        os.symlink(new.name, link)
        os.replace(link, self.current)

    def remove_old_generations(self, keep: set[Path]) -> None:
        for old in self.path.glob("gen-*"):
            if old not in keep:
                shutil.rmtree(old, ignore_errors=True)

    def open(self) -> Generation:
        """The current generation, opened once per process and brought up to date with other writers."""
        generation = self._generation
        resolved = self.resolved()
        if generation is None or generation.path != resolved:
            resolved = self.existing()
        if generation is None or generation.path != resolved:
            with self._open_lock:
                generation = self._generation
                if generation is None or generation.path != resolved:
                    generation = Generation(resolved)
                    old, self._generation = self._generation, generation
                    if old is not None:
                        old.searcher.close()
        else:
            with generation.lock, unreadable_as_unavailable(self.path):
                generation.refresh()
        return generation


# What reading a truncated or vanished segment file raises inside Whoosh.
READ_ERRORS = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError)


@contextmanager
def unreadable_as_unavailable(path: Path) -> Iterator[None]:
    """A damaged or vanished index file as ``IndexUnavailableError`` (503, logged), not a crash."""
    try:
        yield
    except IndexUnavailableError:
        raise
    except READ_ERRORS as error:
        logger.error("search index at %s cannot be read: %r", path, error)
        raise IndexUnavailableError(
            f"The search index at {path} cannot be read ({type(error).__name__}: {error}); "
            "run `manage.py rebuild_index --check --fix`."
        ) from error


def not_writable(path: Path, error: OSError) -> IndexUnavailableError:
    logger.error("search index at %s cannot be written: %r", path, error)
    return IndexUnavailableError(
        f"The search index at {path} cannot be written ({error.strerror or error}): make the folder writable "
        "by the user the server runs as, then run `manage.py rebuild_index --check --fix`."
    )

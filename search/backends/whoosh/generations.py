"""The index folder: ``gen-<n>/`` directories, each a complete index, and a ``current`` symlink to the
one in use. A rebuild writes a new generation and swaps the link atomically (``os.replace``), so a
search never sees a half-built index. One searcher is shared per generation and process.
"""

from __future__ import annotations

import os
import pickle
import shutil
import threading
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError, FileIndex
from whoosh.scoring import BM25F

from search.backends.base import IndexFormatError
from search.backends.whoosh.schema import build_schema


def open_index(path: Path) -> FileIndex:
    """Open one generation. Whoosh unpickles the schema and the segments' codec on opening: an index
    whose pickled classes moved or went away is reported as such, not as a missing attribute."""
    try:
        return whoosh_index.open_dir(str(path))
    except (AttributeError, ImportError, pickle.UnpicklingError) as error:
        raise IndexFormatError(
            f"The search index at {path} was written by another version of the code and cannot be read "
            f"({error}); run `manage.py rebuild_index`."
        ) from error


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
        self.index = open_index(path)
        self.searcher = self.index.searcher(weighting=BM25F())
        self.lock = threading.Lock()

    @property
    def token(self):
        return (str(self.path), self.searcher.reader().generation())

    def refresh(self) -> None:
        if not self.searcher.up_to_date():
            # A fresh searcher: Whoosh's refresh() reuses segment readers that miss new deletions.
            old = self.searcher
            self.searcher = self.index.searcher(weighting=BM25F())
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

    def ensure(self) -> Path:
        """Create an empty index if there is none (so that live updates and searches just work)."""
        resolved = self.resolved()
        if resolved is not None and holds_index(resolved):
            return resolved
        with self._open_lock:
            resolved = self.resolved()
            if resolved is not None and holds_index(resolved):
                return resolved
            new = self.new_generation_dir()
            whoosh_index.create_in(str(new), build_schema())
            try:
                self.swap(new)
            except FileExistsError:
                shutil.rmtree(new, ignore_errors=True)
            return self.resolved()

    def new_generation_dir(self) -> Path:
        self.path.mkdir(parents=True, exist_ok=True)
        new = self.path / f"gen-{time.time_ns()}-{os.getpid()}"
        new.mkdir()
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
            resolved = self.ensure()
        if generation is None or generation.path != resolved:
            with self._open_lock:
                generation = self._generation
                if generation is None or generation.path != resolved:
                    generation = Generation(resolved)
                    old, self._generation = self._generation, generation
                    if old is not None:
                        old.searcher.close()
        else:
            with generation.lock:
                generation.refresh()
        return generation

"""The engine interface: what ``search.service``, ``search.indexing`` and the signal handlers may ask
of a search engine, whatever the engine is.

A backend receives plain index records (dicts built by ``search.records``, with the fields declared in
``search.fields``) and a ``SearchPlan``, and answers with plain ``SearchResults``; no engine object
ever leaves it. It reads neither the database nor the settings of ranking: whatever a search needs
arrives in the plan.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from search.results import CheckReport, SearchPlan, SearchResults, Suggestion

Record = dict[str, Any]
Progress = Callable[[int, int], None]


class IndexUnavailableError(Exception):
    """The index cannot be used as it is: missing (its folder deleted or moved), damaged, or not
    writable. The message says what to run; views answer 503 and log it. A backend never answers
    from a silently created empty index instead: only ``rebuild_index`` creates one."""


class IndexFormatError(IndexUnavailableError):
    """The index on disk was written by another version of the code and cannot be read here;
    ``manage.py rebuild_index`` builds one that can (it never reads the old one)."""


class SearchBackend(ABC):
    def __init__(self, name: str, params: dict):
        self.name = name
        self.params = params

    # -- writing ------------------------------------------------------------------------------------
    @abstractmethod
    def index(self, records: Iterable[Record]) -> int:
        """Add or replace these records; return how many were written."""

    @abstractmethod
    def remove(self, keys: Iterable[str]) -> int:
        """Remove the entries with these keys (unknown keys are ignored); return how many were removed."""

    @abstractmethod
    def refresh(self, keys: set[str], load: Callable[[set[str]], list[Record]]) -> None:
        """Bring these entries up to date: ``load`` reads their current records from the database *while
        the index is locked*, so that of two concurrent writers the later one writes the later state.
        Keys that ``load`` does not return are removed."""

    @abstractmethod
    def rebuild(self, records: Iterable[Record], total: int, progress: Progress | None = None) -> None:
        """Build a complete new index beside the current one and swap it in at the end."""

    @abstractmethod
    def digests(self) -> dict[str, str]:
        """Key → digest of every indexed record (to compare with the database)."""

    @abstractmethod
    def exists(self) -> bool:
        """Whether an index has been built (live updates only keep an existing index up to date)."""

    @abstractmethod
    def generation(self) -> Hashable:
        """Changes whenever the index changes (caches derived from the index key on it)."""

    def check(self, records: Iterable[Record]) -> CheckReport:
        """Compare the index with these (current) records."""
        indexed = self.digests()
        report = CheckReport()
        seen = set()
        for record in records:
            key = record["key"]
            seen.add(key)
            if key not in indexed:
                report.missing.append(key)
            elif indexed[key] != record["digest"]:
                report.stale.append(key)
        report.extra = sorted(set(indexed) - seen)
        return report

    # -- reading ------------------------------------------------------------------------------------
    @abstractmethod
    def analyze(self, text: str) -> list[str]:
        """The index terms of ``text`` in order (what synonym matching compares)."""

    @abstractmethod
    def execute(self, plan: SearchPlan) -> SearchResults:
        """Answer a plan: its page of hits (snippets marked, each with its record's URL), the total and
        the facet counts (with values for labels). The facet labels, the parser's notes and the spelling
        suggestion are the service's."""

    @abstractmethod
    def correct(self, words: list[str]) -> dict[str, str]:
        """Spelling corrections from the index vocabulary for words the index does not know."""

    @abstractmethod
    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Titles, headings and glossary terms starting with ``prefix`` (autocomplete)."""

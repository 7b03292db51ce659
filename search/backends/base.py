"""The search interface: what views, commands and signals may call, whatever the engine behind it.

A backend receives plain index records (dicts built by ``search.documents``) and answers with plain
``SearchResults``; no engine object ever leaves the backend. The query pipeline shared by all
backends (lenient parsing, document numbers, glossary synonyms) runs here; the engine-specific part
is ``execute``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from search.query import Clause, ParsedQuery, parse_query

Record = dict[str, Any]
Progress = Callable[[int, int], None]


class SearchError(Exception):
    """A search that cannot be answered as asked (views turn it into a 400)."""


@dataclass
class SearchHit:
    key: str  # "provision:12", "document:3", "glossary:7"
    kind: str  # provision, document or glossary
    title: str
    document: str  # short title of the document ("" for glossary terms)
    document_slug: str
    num: str
    url: str
    snippet: str  # HTML: escaped text with <mark> around matches
    score: float
    matched_in: list[str] = field(default_factory=list)  # "heading", "text", "document title", "synonym: …"
    pinned: bool = False  # put first because the query named it (a document number or provision reference)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResults:
    query: str  # what was searched, in query syntax
    total: int
    page: int
    page_size: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None  # a corrected query ("did you mean")
    also_searched: list[str] = field(default_factory=list)  # synonyms added from the glossary
    notes: list[str] = field(default_factory=list)  # how a malformed query was read
    any_word: bool = False  # no result had all the words, so results have any of them
    timed_out: bool = False  # the time limit cut the search short: the best results found so far
    elapsed_ms: float = 0.0

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass
class Suggestion:
    label: str
    kind: str
    url: str
    document: str = ""


@dataclass
class CheckReport:
    missing: list[str] = field(default_factory=list)  # in the database, not in the index
    stale: list[str] = field(default_factory=list)  # indexed from an older version of the record
    extra: list[str] = field(default_factory=list)  # in the index, gone from the database

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)


@dataclass
class Expansion:
    """Synonyms added for a run of query words."""

    matched: str
    synonyms: list[str]


@dataclass
class SearchPlan:
    """Everything ``execute`` needs, engine-neutral."""

    parsed: ParsedQuery
    groups: list[list[Clause]]  # the query's groups, each extended with synonyms where the glossary has some
    synonym_clauses: set[Clause]
    expansions: list[Expansion]
    filters: dict[str, list[str]]
    facets: list[str]
    page: int
    page_size: int
    pinned: list[str]  # index keys to put first
    boosts: dict[str, float]
    any_word_fallback: bool
    snippet_length: int
    time_limit: float | None


FACETS = ["kind", "industry", "document", "topic", "status", "jurisdiction", "year"]
MAX_PAGE = 1000


class SearchBackend:
    """Subclasses implement the engine methods marked "engine"; ``search`` is shared."""

    page_size = 10

    def __init__(self, name: str, params: dict):
        self.name = name
        self.params = params

    # -- writing (engine) ---------------------------------------------------------------------------
    def index(self, records: Iterable[Record]) -> int:
        """Add or replace these records; return how many were written."""
        raise NotImplementedError

    def remove(self, keys: Iterable[str]) -> int:
        """Remove the entries with these keys (unknown keys are ignored)."""
        raise NotImplementedError

    def refresh(self, keys: set[str], load: Callable[[set[str]], list[Record]]) -> None:
        """Bring these entries up to date: ``load`` reads their current records from the database *while
        the index is locked*, so that of two concurrent writers the later one writes the later state.
        Keys that ``load`` does not return are removed."""
        raise NotImplementedError

    def rebuild(self, records: Iterable[Record], total: int, progress: Progress | None = None) -> None:
        """Build a complete new index beside the current one and swap it in at the end."""
        raise NotImplementedError

    def digests(self) -> dict[str, str]:
        """Key → digest of every indexed record (to compare with the database)."""
        raise NotImplementedError

    def exists(self) -> bool:
        raise NotImplementedError

    def generation(self) -> Any:
        """Changes whenever the index changes (caches derived from the index key on it)."""
        raise NotImplementedError

    # -- reading (engine) ---------------------------------------------------------------------------
    def analyze(self, text: str) -> list[str]:
        """The index terms of ``text`` in order (what synonym matching compares)."""
        raise NotImplementedError

    def execute(self, plan: SearchPlan) -> SearchResults:
        raise NotImplementedError

    def correct(self, words: list[str]) -> dict[str, str]:
        """Spelling corrections from the index vocabulary for words the index does not know."""
        return {}

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Titles, headings and glossary terms starting with ``prefix`` (autocomplete)."""
        raise NotImplementedError

    # -- shared -------------------------------------------------------------------------------------
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

    def search(
        self,
        query: str | ParsedQuery | None,
        filters: dict[str, list[str]] | None = None,
        facets: list[str] | None = None,
        page: int = 1,
        page_size: int | None = None,
        time_limit: float | None = 1.0,
    ) -> SearchResults:
        """Search. ``filters`` maps a facet name to accepted values (OR within a facet, AND across
        facets), merged with filters typed in the query; ``facets`` names the facets to count."""
        from search.catalog import get_catalog
        from search.models import get_ranking

        started = time.perf_counter()
        parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
        try:
            page = int(page)
        except (TypeError, ValueError):
            raise SearchError("The page must be a number.") from None
        if page < 1 or page > MAX_PAGE:
            raise SearchError(f"The page must be between 1 and {MAX_PAGE}.")
        merged: dict[str, list[str]] = {}
        for source in (parsed.filters, filters or {}):
            for name, values in source.items():
                if name not in FACETS:
                    raise SearchError(f"“{name}” is not a filter; use one of {', '.join(FACETS)}.")
                for value in [values] if isinstance(values, str) else values:
                    value = str(value).strip()[:100]
                    if value and value not in merged.setdefault(name, []):
                        merged[name].append(value)
        catalog = get_catalog(self)
        merged = catalog.normalize_filters(merged)
        ranking = get_ranking()
        groups, synonym_clauses, expansions = catalog.expand(self, parsed)
        plan = SearchPlan(
            parsed=parsed,
            groups=groups,
            synonym_clauses=synonym_clauses,
            expansions=expansions,
            filters=merged,
            facets=FACETS if facets is None else [name for name in facets if name in FACETS],
            page=page,
            page_size=page_size or ranking.page_size,
            pinned=catalog.pinned_keys(parsed),
            boosts=ranking.boosts(),
            any_word_fallback=ranking.any_word_fallback,
            snippet_length=ranking.snippet_length,
            time_limit=time_limit,
        )
        if parsed.is_empty and not merged:
            results = SearchResults(query="", total=0, page=page, page_size=plan.page_size, hits=[])
        else:
            results = self.execute(plan)
        results.notes = list(parsed.notes) + results.notes
        results.also_searched = [synonym for expansion in expansions for synonym in expansion.synonyms]
        if parsed.has_terms and (results.total < 3 or results.any_word):
            results.suggestion = self._suggestion(parsed)
        catalog.label_facets(results)
        results.elapsed_ms = (time.perf_counter() - started) * 1000
        return results

    def _suggestion(self, parsed: ParsedQuery) -> str | None:
        words = [w for group in parsed.groups for clause in group for w in clause.text.split()]
        corrections = self.correct(words)
        if not corrections:
            return None
        fixed = parsed.display()
        for wrong, right in corrections.items():
            fixed = " ".join(right if part == wrong else part for part in fixed.split(" "))
        return fixed if fixed != parsed.display() else None

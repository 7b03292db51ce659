"""The plain records a search passes around: the plan a backend executes, and what it answers.

No engine object and no model instance appears here, so views, the service and every backend can
share these without importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from search.notes import Note
from search.query.parser import Clause, ParsedQuery


class SearchError(Exception):
    """A search that cannot be answered as asked (views turn it into a 400)."""


@dataclass(frozen=True)
class MatchedIn:
    """Where a hit's words were found: a text field (``field``, one of search.fields.TEXT_FIELDS), the
    document number a query named (``document_number``), or a glossary synonym found instead of the words
    typed (``synonym``, with the synonym). search.wording words it for the page."""

    field: str
    synonym: str = ""


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
    matched_in: list[MatchedIn] = field(default_factory=list)
    pinned: bool = False  # put first because the query named it (a document number or provision reference)
    status: str = ""  # the rule's legal status when it was indexed (regulations' Status values)
    status_label: str = ""  # its badge's words: "In force", "Reported replaced"…
    status_badge: str = ""  # its badge's colour class
    eid: str = ""  # the provision's stable identifier (a glossary term's slug); "" for documents
    citation: str = ""  # its full citation number ("2.7.2"), or its number
    part: str = ""  # the top-level part of its document it is in ("二、 Key tasks"), for grouping
    position: int = 0  # its place in document order


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
    notes: list[Note] = field(default_factory=list)  # how the query was read and answered (search.notes)
    any_word: bool = False  # no result had all the words, so results have any of them
    timed_out: bool = False  # the time limit cut the search short: the best results found so far
    warning: str | None = None  # the index is behind the database (updates failing or late)
    elapsed_ms: float = 0.0
    definitions: list[SearchHit] = field(default_factory=list)  # glossary entries the query names (a box)
    corrected_from: str | None = None  # the query as typed, when these are the results of its correction
    goto: str | None = None  # the address to go straight to: the query is exactly one document's number

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
    term: str = ""  # the index key of the glossary entry named ("glossary:7"); "" for a thesaurus group


@dataclass
class SearchPlan:
    """Everything a backend's ``execute`` needs, engine-neutral: the service reads the catalog and the
    ranking settings, so the backend never has to."""

    parsed: ParsedQuery
    groups: list[list[Clause]]  # the query's groups, each extended with synonyms where the glossary has some
    synonym_clauses: set[Clause]
    filters: dict[str, list[str]]
    facets: list[str]
    page: int
    page_size: int
    pinned: list[str]  # index keys to put first
    boosts: dict[str, float]
    any_word_fallback: bool
    snippet_length: int
    time_limit: float | None
    # Score multipliers: by the entry's status (rules no longer in force rank below those that replaced
    # them), and the share of the query's groups an entry matches, to this power (coordination).
    status_weights: dict[str, float] = field(default_factory=dict)
    coordination: float = 0.0

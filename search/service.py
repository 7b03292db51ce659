"""The query pipeline: what the views (and anything else that searches) call.

A search runs down one way: parse the query, read the catalog (glossary synonyms, document numbers,
provision references, facet labels) and the ranking settings, make a ``SearchPlan``, and have the
backend execute it; then label the facets and, when few results came back, ask the backend for
spelling corrections. The backend never calls back up: everything it needs is in the plan.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from difflib import SequenceMatcher

from django.utils.translation import gettext, gettext_lazy

from search import outbox, statuses
from search.backends import get_backend
from search.backends.base import SearchBackend
from search.catalog import get_catalog
from search.fields import COORDINATION, FACET_FIELDS, STATUS_WEIGHTS
from search.models import get_ranking
from search.query.analysis import strip_controls
from search.query.parser import ParsedQuery, parse_query
from search.query.references import typed_references, without_references
from search.results import SearchError, SearchPlan, SearchResults, Suggestion

logger = logging.getLogger(__name__)

MAX_PAGE = 1000
MAX_FILTER_VALUE_LENGTH = 100
# What the hits are when no kind is chosen: a glossary entry the query names is shown as a definition
# above them instead, so that it does not push the rules down.
HIT_KINDS = ["provision", "document", "annotation"]
MAX_DEFINITIONS = 2
# How alike a correction and the typed word must be for the corrected search to be shown at once
# ("batery" → "battery" 0.92, "recyling" → "recycling" 0.94); less alike ("numbat" → "number" 0.67), it
# is only offered ("did you mean").
CLOSE_SPELLING = 0.85
# A query that starts like a question ("who must recycle NEV batteries") is searched without the words
# that only make it one: no entry has "who" or "must" in the sense asked.
QUESTION_STARTS = frozenset("who what when where which how why whose whom does do is are can must".split())
QUESTION_WORDS = QUESTION_STARTS | frozenset("must should shall be been used use apply applies there".split())


def search(
    query: str | ParsedQuery | None,
    filters: dict[str, list[str]] | None = None,
    facets: list[str] | None = None,
    page: int = 1,
    page_size: int | None = None,
    time_limit: float | None = 1.0,
    backend: SearchBackend | None = None,
    correct: bool = True,
) -> SearchResults:
    """Search. ``filters`` maps a facet name to accepted values (OR within a facet, AND across facets),
    merged with filters typed in the query; ``facets`` names the facets to count (all by default).
    When the words find nothing (or only entries with some of them) and their spelling correction finds
    entries with all of them, the corrected search is answered, with ``corrected_from`` set."""
    started = time.perf_counter()
    statuses.ensure_current()  # a rule whose status changed overnight, with no save, is reindexed first
    backend = get_backend() if backend is None else backend
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    page = _checked_page(page)
    merged = _merged_filters(parsed.filters, filters or {})
    catalog = get_catalog(backend)
    merged = catalog.normalize_filters(merged)
    ranking = get_ranking()
    pinned = catalog.pinned_keys(parsed, merged)
    words = _without_question_words(_words_beside_references(parsed, pinned))
    groups, synonym_clauses, expansions = catalog.expand(backend.analyze, words)
    kinds_chosen = "kind" in merged
    plan = SearchPlan(
        parsed=parsed,
        groups=groups,
        synonym_clauses=synonym_clauses,
        filters=merged if kinds_chosen else {**merged, "kind": HIT_KINDS},
        facets=list(FACET_FIELDS) if facets is None else [name for name in facets if name in FACET_FIELDS],
        page=page,
        page_size=page_size or ranking.page_size,
        pinned=pinned,
        boosts=ranking.boosts(),
        any_word_fallback=ranking.any_word_fallback,
        snippet_length=ranking.snippet_length,
        time_limit=time_limit,
        status_weights=STATUS_WEIGHTS,
        coordination=COORDINATION,
    )
    if parsed.is_empty and not merged:
        results = SearchResults(query="", total=0, page=page, page_size=plan.page_size, hits=[])
    else:
        results = backend.execute(plan)
        if not kinds_chosen and not results.total and not results.timed_out:
            plan = replace(plan, filters=merged)  # nothing but glossary entries has the words: show those
            results = backend.execute(plan)
        if not kinds_chosen:
            for value in results.facets.get("kind", []):
                value.selected = False  # the kinds of hits were not chosen by the reader
    results.notes = list(parsed.notes) + results.notes
    results.also_searched = [synonym for expansion in expansions for synonym in expansion.synonyms]
    close = False
    if parsed.has_terms and (results.total < 3 or results.any_word):
        results.suggestion, close = _corrected_query(backend, parsed, catalog.surface)
    if correct and close and (results.total == 0 or results.any_word):
        corrected = search(
            results.suggestion, filters, facets, page, page_size, time_limit, backend=backend, correct=False
        )
        if corrected.total and not corrected.any_word:
            corrected.corrected_from = parsed.display()
            corrected.suggestion = None
            corrected.elapsed_ms = (time.perf_counter() - started) * 1000
            return corrected
    exact = catalog.document_numbered_exactly(parsed.raw)
    if exact is not None and results.hits and results.hits[0].key == f"document:{exact}" and not merged:
        results.goto = results.hits[0].url
    if "kind" in plan.filters and not kinds_chosen and page == 1:
        results.definitions = _definitions(backend, plan, expansions)
    catalog.label_facets(results)
    results.warning = _index_warning(backend)
    results.elapsed_ms = (time.perf_counter() - started) * 1000
    return results


def _without_question_words(parsed: ParsedQuery) -> ParsedQuery:
    first = parsed.groups[0][0] if parsed.groups else None
    if first is None or first.phrase or first.text not in QUESTION_STARTS or len(parsed.groups) < 3:
        return parsed
    groups = [group for group in parsed.groups if len(group) > 1 or group[0].text not in QUESTION_WORDS]
    return replace(parsed, groups=groups) if groups else parsed


def _words_beside_references(parsed: ParsedQuery, pinned: list[str]) -> ParsedQuery:
    """The query's words without the provision references it cites ("art 66 solid waste law" searches
    "solid waste law" beside the pinned Art. 66); the query itself when nothing else is left."""
    if not any(key.startswith("provision:") for key in pinned):
        return parsed
    references = typed_references(parsed.raw)
    rest = parse_query(without_references(parsed.raw, references)) if references else parsed
    return rest if rest.has_terms else parsed


def _definitions(backend: SearchBackend, plan: SearchPlan, expansions) -> list:
    """The glossary entries whose names the query spells, for the definition box above the hits."""
    keys = list(dict.fromkeys(expansion.term for expansion in expansions if expansion.term))[:MAX_DEFINITIONS]
    if not keys:
        return []
    glossary_plan = replace(
        plan, filters={"kind": ["glossary"]}, facets=[], page=1, page_size=len(keys), pinned=keys, time_limit=None
    )
    return [hit for hit in backend.execute(glossary_plan).hits if hit.pinned]


INCOMPLETE = gettext_lazy("Search is being repaired; results may be incomplete.")


def _index_warning(backend: SearchBackend) -> str | None:
    """Readers are told when the index is behind the database: index writes failing, or late."""
    if getattr(backend, "writes_in_transaction", False):
        return None  # its entries commit with the saves
    state = outbox.status()
    if state.pending:
        outbox.ensure_drainer()  # rows a stopped process left are applied by this one
    if state.behind:
        logger.error(
            "search index behind the database: %d updates pending (oldest %.0f s), %d failing: %s",
            state.pending,
            state.oldest_seconds,
            state.failing,
            state.last_error,
        )
        return str(INCOMPLETE)
    return None


def suggest(prefix: str, limit: int = 8, backend: SearchBackend | None = None) -> list[Suggestion]:
    """Autocomplete: entries whose title, heading or glossary name starts with ``prefix``."""
    return (get_backend() if backend is None else backend).suggest(prefix, limit=limit)


def _checked_page(page) -> int:
    try:
        page = int(page)
    except (TypeError, ValueError):
        raise SearchError(gettext("The page must be a number.")) from None
    if page < 1 or page > MAX_PAGE:
        raise SearchError(gettext("The page must be between 1 and %(last)s.") % {"last": MAX_PAGE})
    return page


def _merged_filters(*sources: dict[str, list[str] | str]) -> dict[str, list[str]]:
    """The filters typed in the query and those given beside it, each value once, in order."""
    merged: dict[str, list[str]] = {}
    for source in sources:
        for name, values in source.items():
            if name not in FACET_FIELDS:
                raise SearchError(
                    gettext("“%(name)s” is not a filter; use one of %(filters)s.")
                    % {"name": name, "filters": ", ".join(FACET_FIELDS)}
                )
            for value in [values] if isinstance(values, str) else values:
                # Control characters name no facet value, and PostgreSQL refuses NUL in a query parameter.
                value = strip_controls(str(value)).strip()[:MAX_FILTER_VALUE_LENGTH]
                if value and value not in merged.setdefault(name, []):
                    merged[name].append(value)
    return merged


def _corrected_query(backend: SearchBackend, parsed: ParsedQuery, surface: dict[str, str]) -> tuple[str | None, bool]:
    """The query with the index's spelling of the words it does not know ("did you mean"), each
    correction as people write it ("batteri" is the stem; "battery" is the word); and whether every
    correction is close enough to what was typed (a letter or two) to be searched instead of it."""
    words = [word for group in parsed.groups for clause in group for word in clause.text.split()]
    corrections = backend.correct(words)
    if not corrections:
        return None, False
    fixed = parsed.display()
    close = True
    for wrong, right in corrections.items():
        terms = backend.analyze(right)
        right = surface.get(terms[0], right) if len(terms) == 1 else right
        close &= SequenceMatcher(None, wrong, right).ratio() >= CLOSE_SPELLING
        fixed = " ".join(right if part == wrong else part for part in fixed.split(" "))
    return (fixed, close) if fixed != parsed.display() else (None, False)

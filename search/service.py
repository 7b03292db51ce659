"""The query pipeline: what the views (and anything else that searches) call.

A search runs down one way: parse the query, read the catalog (glossary synonyms, document numbers,
provision references, facet labels) and the ranking settings, make a ``SearchPlan``, and have the
backend execute it; then label the facets and, when few results came back, ask the backend for
spelling corrections. The backend never calls back up: everything it needs is in the plan.
"""

from __future__ import annotations

import logging
import time

from search import outbox, statuses
from search.backends import get_backend
from search.backends.base import SearchBackend
from search.catalog import get_catalog
from search.fields import FACET_FIELDS
from search.models import get_ranking
from search.query.analysis import strip_controls
from search.query.parser import ParsedQuery, parse_query
from search.results import SearchError, SearchPlan, SearchResults, Suggestion

logger = logging.getLogger(__name__)

MAX_PAGE = 1000
MAX_FILTER_VALUE_LENGTH = 100


def search(
    query: str | ParsedQuery | None,
    filters: dict[str, list[str]] | None = None,
    facets: list[str] | None = None,
    page: int = 1,
    page_size: int | None = None,
    time_limit: float | None = 1.0,
    backend: SearchBackend | None = None,
) -> SearchResults:
    """Search. ``filters`` maps a facet name to accepted values (OR within a facet, AND across facets),
    merged with filters typed in the query; ``facets`` names the facets to count (all by default)."""
    started = time.perf_counter()
    statuses.ensure_current()  # a rule whose status changed overnight, with no save, is reindexed first
    backend = get_backend() if backend is None else backend
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    page = _checked_page(page)
    merged = _merged_filters(parsed.filters, filters or {})
    catalog = get_catalog(backend)
    merged = catalog.normalize_filters(merged)
    ranking = get_ranking()
    groups, synonym_clauses, expansions = catalog.expand(backend.analyze, parsed)
    plan = SearchPlan(
        parsed=parsed,
        groups=groups,
        synonym_clauses=synonym_clauses,
        filters=merged,
        facets=list(FACET_FIELDS) if facets is None else [name for name in facets if name in FACET_FIELDS],
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
        results = backend.execute(plan)
    results.notes = list(parsed.notes) + results.notes
    results.also_searched = [synonym for expansion in expansions for synonym in expansion.synonyms]
    if parsed.has_terms and (results.total < 3 or results.any_word):
        results.suggestion = _corrected_query(backend, parsed)
    catalog.label_facets(results)
    results.warning = _index_warning(backend)
    results.elapsed_ms = (time.perf_counter() - started) * 1000
    return results


INCOMPLETE = "Search is being repaired; results may be incomplete."


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
        return INCOMPLETE
    return None


def suggest(prefix: str, limit: int = 8, backend: SearchBackend | None = None) -> list[Suggestion]:
    """Autocomplete: entries whose title, heading or glossary name starts with ``prefix``."""
    return (get_backend() if backend is None else backend).suggest(prefix, limit=limit)


def _checked_page(page) -> int:
    try:
        page = int(page)
    except (TypeError, ValueError):
        raise SearchError("The page must be a number.") from None
    if page < 1 or page > MAX_PAGE:
        raise SearchError(f"The page must be between 1 and {MAX_PAGE}.")
    return page


def _merged_filters(*sources: dict[str, list[str] | str]) -> dict[str, list[str]]:
    """The filters typed in the query and those given beside it, each value once, in order."""
    merged: dict[str, list[str]] = {}
    for source in sources:
        for name, values in source.items():
            if name not in FACET_FIELDS:
                raise SearchError(f"“{name}” is not a filter; use one of {', '.join(FACET_FIELDS)}.")
            for value in [values] if isinstance(values, str) else values:
                # Control characters name no facet value, and PostgreSQL refuses NUL in a query parameter.
                value = strip_controls(str(value)).strip()[:MAX_FILTER_VALUE_LENGTH]
                if value and value not in merged.setdefault(name, []):
                    merged[name].append(value)
    return merged


def _corrected_query(backend: SearchBackend, parsed: ParsedQuery) -> str | None:
    """The query with the index's spelling of the words it does not know ("did you mean")."""
    words = [word for group in parsed.groups for clause in group for word in clause.text.split()]
    corrections = backend.correct(words)
    if not corrections:
        return None
    fixed = parsed.display()
    for wrong, right in corrections.items():
        fixed = " ".join(right if part == wrong else part for part in fixed.split(" "))
    return fixed if fixed != parsed.display() else None

"""A plan's words and filters as SQL: ``tsquery`` text for the GIN index and facet conditions.

The clauses become tsqueries the way the Whoosh backend builds its match trees: several English words
in one clause are a phrase (``<->``); a typed Chinese run keeps its dictionary words apart and its
other neighbours (single characters, numbers as in 88号) together as a phrase; a trailing ``*`` is a
prefix (``:*``) on the index's stems.
"""

from __future__ import annotations

from search.backends.postgres.documents import FACET_SEPARATOR, quoted_lexeme
from search.backends.postgres.stemming import index_term, learn_stems
from search.query.analysis import Word, has_cjk, words
from search.query.parser import Clause


def clause_tsquery(clause: Clause) -> str | None:
    """A clause as tsquery text, or None when it has no words to search."""
    analysed = list(words(clause.text))
    if not analysed:
        return None
    if clause.prefix and len(analysed) == 1 and not analysed[0].cjk:
        return f"{quoted_lexeme(analysed[0].text)}:*"
    learn_stems(word.text for word in analysed if not word.cjk)
    if clause.phrase or (len(analysed) > 1 and not has_cjk(clause.text)):
        units = [[index_term(word) for word in analysed]]
    else:
        units = _typed_units(analysed)
    parts = [" <-> ".join(map(quoted_lexeme, unit)) for unit in units]
    return " & ".join(f"({part})" for part in parts)


def _typed_units(analysed: list[Word]) -> list[list[str]]:
    units: list[list[str]] = []
    run: list[str] = []
    for word in analysed:
        if word.cjk and len(word.text) > 1:
            if run:
                units.append(run)
                run = []
            units.append([word.text])
        else:
            run.append(index_term(word))
    if run:
        units.append(run)
    return units


def group_tsquery(group: list[Clause]) -> str | None:
    """A group of alternatives (OR), or None when none has words to search."""
    parts = [part for part in map(clause_tsquery, group) if part is not None]
    if not parts:
        return None
    return " | ".join(f"({part})" for part in parts)


def ranking_tsquery(groups: list[list[Clause]], synonyms: set[Clause] | frozenset = frozenset()) -> str | None:
    """Every word of the query, ORed, for ``ts_rank``: ranking an AND (or phrase) query scores by the
    distance between its words, which barely tells a match in a heading from one in the text; ranking
    the words ORed sums each word's weighted occurrences, which does. Synonyms added to the query find
    entries but do not score: an entry with the words typed ranks above one with a synonym."""
    lexemes: dict[str, None] = {}
    for group in groups:
        for clause in group:
            if clause in synonyms:
                continue
            analysed = list(words(clause.text))
            if clause.prefix and len(analysed) == 1 and not analysed[0].cjk:
                lexemes[f"{quoted_lexeme(analysed[0].text)}:*"] = None
                continue
            learn_stems(word.text for word in analysed if not word.cjk)
            lexemes.update((quoted_lexeme(index_term(word)), None) for word in analysed)
    return " | ".join(lexemes) or None


def joined(parts: list[str], operator: str) -> str | None:
    return f" {operator} ".join(f"({part})" for part in parts) if parts else None


def excluded_tsquery(clauses: list[Clause]) -> str | None:
    return joined([part for part in map(clause_tsquery, clauses) if part is not None], "|")


def filter_condition(filters: dict[str, list[str]]) -> tuple[str, list]:
    """SQL (ANDed facets, each any of its values) on ``facets``, and its parameters."""
    conditions, params = [], []
    for name, values in filters.items():
        conditions.append("facets && %s::text[]")
        params.append([f"{name}{FACET_SEPARATOR}{value}" for value in values])
    return (" AND ".join(conditions) or "TRUE"), params

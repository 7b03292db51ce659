"""A plan's words and filters as ``tsquery`` text, in two forms: on the entries' positions
(``search_pg_match.document``: what a phrase means, and what ranking reads) and on the match lexemes
(``search_pg_match.terms``: what the GIN index answers without reading a row's text back).

The clauses become tsqueries the way the Whoosh backend builds its match trees: several English words
in one clause are a phrase (``<->``); a typed Chinese run keeps its dictionary words apart and its
other neighbours (single characters, numbers as in 88号) together as a phrase; a trailing ``*`` is a
prefix (``:*``) on the index's stems. On the match lexemes a phrase of up to ``SHINGLE_WORDS`` words is
one lexeme; a longer one is all of its shingles, which every entry with the phrase has, and the
positions decide (``Condition.exact`` is false). The default kinds of hits (all but glossary terms)
are asked as the kinds left out, whose lists in the index are short.
"""

from __future__ import annotations

from typing import NamedTuple

from search.backends.postgres.documents import SHINGLE_WORDS, facet_lexeme, quoted_lexeme, shingle
from search.backends.postgres.stemming import index_term, learn_stems
from search.fields import ENTRY_KINDS
from search.query.analysis import Word, has_cjk, words
from search.query.parser import Clause


class Condition(NamedTuple):
    text: str  # on search_pg_match.document
    match: str  # on search_pg_match.terms: the same entries, or more of them when not exact
    exact: bool


def _phrase_match(lexemes: list[str]) -> tuple[str, bool]:
    if len(lexemes) == 1:
        return quoted_lexeme(lexemes[0]), True
    if len(lexemes) <= SHINGLE_WORDS:
        whole = shingle(lexemes)
        if whole is not None:
            return quoted_lexeme(whole), True
    runs = [lexemes[start : start + SHINGLE_WORDS] for start in range(max(1, len(lexemes) - SHINGLE_WORDS + 1))]
    parts = [shingle(run) for run in runs]
    if None in parts:
        parts = lexemes  # too long to be a lexeme of the index: each word, and the positions decide
    return " & ".join(map(quoted_lexeme, parts)), False


def clause_condition(clause: Clause) -> Condition | None:
    """A clause as tsqueries, or None when it has no words to search."""
    analysed = list(words(clause.text))
    if not analysed:
        return None
    if clause.prefix and len(analysed) == 1 and not analysed[0].cjk:
        prefix = f"{quoted_lexeme(analysed[0].text)}:*"
        return Condition(prefix, prefix, True)
    learn_stems(word.text for word in analysed if not word.cjk)
    if clause.phrase or (len(analysed) > 1 and not has_cjk(clause.text)):
        units = [[index_term(word) for word in analysed]]
    else:
        units = _typed_units(analysed)
    text = " & ".join(f"({' <-> '.join(map(quoted_lexeme, unit))})" for unit in units)
    matches = [_phrase_match(unit) for unit in units]
    return Condition(text, " & ".join(f"({part})" for part, _ in matches), all(exact for _, exact in matches))


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


def joined(conditions: list[Condition | None], operator: str) -> Condition | None:
    present = [condition for condition in conditions if condition is not None]
    if not present:
        return None
    return Condition(
        f" {operator} ".join(f"({condition.text})" for condition in present),
        f" {operator} ".join(f"({condition.match})" for condition in present),
        all(condition.exact for condition in present),
    )


def group_condition(group: list[Clause]) -> Condition | None:
    """A group of alternatives (OR), or None when none has words to search."""
    return joined(list(map(clause_condition, group)), "|")


def excluded_condition(clauses: list[Clause]) -> Condition | None:
    return joined(list(map(clause_condition, clauses)), "|")


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


def filter_tsquery(filters: dict[str, list[str]], narrowed: bool = False) -> str | None:
    """The facet filters on the match lexemes (ANDed facets, each any of its values; a facet with no
    accepted value accepts no entry). ``narrowed``: the words are ANDed with them."""
    parts = []
    for name, values in filters.items():
        if name == "kind" and (narrowed or len(filters) > 1):
            part = _kinds_left_out(values)
            if part is not None:
                if part:
                    parts.append(part)
                continue
        if values:
            parts.append(_any_value(name, values))
        else:
            nothing = quoted_lexeme(facet_lexeme(name, ""))
            parts.append(f"{nothing} & !{nothing}")
    return " & ".join(f"({part})" for part in parts) or None


def _any_value(name: str, values: list[str]) -> str:
    return " | ".join(quoted_lexeme(facet_lexeme(name, value)) for value in values)


def _kinds_left_out(kinds: list[str]) -> str | None:
    """Kinds accepted as the kinds not accepted (each entry has exactly one): the index's short lists
    instead of its longest (the default kinds of hits are every entry but the glossary terms), when
    fewer are left out; "" when none is. None when the accepted kinds are better read as they are. Only
    beside another condition: alone, a negation has the index read every list it has."""
    if not set(kinds) <= set(ENTRY_KINDS):
        return None
    left_out = [kind for kind in ENTRY_KINDS if kind not in kinds]
    if len(left_out) >= len(set(kinds)):
        return None
    return f"!({_any_value('kind', left_out)})" if left_out else ""

"""How an index record becomes its rows: in ``search_pg_entry`` its weighted ``tsvector`` (built here
from the shared analysis, with positions, so that phrases and Chinese sub-words behave as in the Whoosh
backend), its facet strings, its autocomplete text and what a hit shows; in ``search_pg_match`` the
lexemes the GIN index matches (the words, their word pairs and triples, the facet values) and the
ranking prior."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from typing import NamedTuple

from search.backends.base import Record
from search.backends.postgres.stemming import learn_stems, stem
from search.fields import FACET_FIELDS, TEXT_FIELDS
from search.query.analysis import words

# PostgreSQL keeps four weights: the six text fields share them by importance (see ranking.weights).
FIELD_WEIGHTS = {"num": "A", "heading": "A", "glossary": "B", "title": "B", "body": "C", "meta": "D"}
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_POSITIONS_PER_LEXEME = 256  # and how many it keeps of one lexeme
MAX_LEXEME_BYTES = 2046
MIN_VOCABULARY_LENGTH = 4  # shorter words are not offered as spelling corrections (see Backend.correct)
# Ranking ranks at most a bounded number of matches (ranking.RANKED_CANDIDATES); when more match, the
# ones with the highest prior are ranked: entries that name things first, then shorter texts.
KIND_PRIORS = {"document": 1.0, "glossary": 0.9, "provision": 0.8, "annotation": 0.6}
FACET_SEPARATOR = "="
# A phrase of up to this many words is one lexeme of the match table ("emiss limit valu"), so that the
# GIN index answers it without reading any text back; a longer one is checked on the positions.
SHINGLE_WORDS = 3
SHINGLE_SEPARATOR = " "  # no analysed word has a space
# Facet values among the match lexemes start with a character no analysed word has, so that no prefix
# query ("kin*") reaches them.
FACET_LEXEME_START = "="


class EntryRows(NamedTuple):
    entry: tuple  # search_pg_entry's values, in writing.ENTRY_COLUMNS order
    facets: tuple[str, ...]  # the list of facet values, whose id the match row takes
    match: tuple  # search_pg_match's other values, in writing.MATCH_COLUMNS order after key and facet_set
    vocabulary: set[str]  # the record's words as typed, for spelling corrections


def facet_strings(record: Record) -> list[str]:
    return [f"{name}{FACET_SEPARATOR}{value}" for name in FACET_FIELDS for value in record["facets"].get(name, [])]


def facet_lexeme(name: str, value: str) -> str:
    return f"{FACET_LEXEME_START}{name}{FACET_SEPARATOR}{value}"


def quoted_lexeme(lexeme: str) -> str:
    if "'" in lexeme or "\\" in lexeme:
        lexeme = lexeme.replace("\\", "\\\\").replace("'", "''")
    return f"'{lexeme}'"


def _keepable(lexeme: str) -> bool:
    # A character is at most 4 bytes in UTF-8: most lexemes are known to fit without encoding them.
    return len(lexeme) <= MAX_LEXEME_BYTES // 4 or len(lexeme.encode()) <= MAX_LEXEME_BYTES


def shingle(lexemes: list[str]) -> str | None:
    """The match lexeme standing for these lexemes at consecutive positions, or None when PostgreSQL
    could not keep it (too long: then the index has none, and a query checks the positions)."""
    joined = SHINGLE_SEPARATOR.join(lexemes)
    return joined if _keepable(joined) else None


def shingles(by_position: dict[int, list[str]]) -> set[str]:
    """Every run of 2 to ``SHINGLE_WORDS`` lexemes at consecutive positions (each combination where
    sub-words share a position): exactly the phrases PostgreSQL's ``<->`` finds in the tsvector."""
    found = set()
    for position, runs in by_position.items():
        for step in range(1, SHINGLE_WORDS):
            following = by_position.get(position + step)
            if following is None:
                break
            runs = [f"{run}{SHINGLE_SEPARATOR}{lexeme}" for run in runs for lexeme in following]
            found.update(runs)
    return set(filter(_keepable, found))


def analysed(record: Record) -> tuple[str, set[str], int, set[str]]:
    """The record's ``tsvector`` in PostgreSQL's input syntax, its match lexemes (words and shingles),
    how many words it has, and its words as typed (folded, not stemmed) for spelling suggestions: one
    analysis for all four."""
    positions: dict[str, list[str]] = defaultdict(list)
    by_position: dict[int, list[str]] = defaultdict(list)
    fields = []
    next_position = 1
    for name in TEXT_FIELDS:
        field_words = list(words(record[name], subwords=True, start_pos=next_position))
        if field_words:
            next_position = max(word.pos for word in field_words) + 1
        fields.append((FIELD_WEIGHTS[name], field_words))
    learn_stems(word.text for _, field_words in fields for word in field_words if not word.cjk)
    count = 0
    typed = set()
    for weight, field_words in fields:
        for word in field_words:
            if not word.cjk and len(word.text) >= MIN_VOCABULARY_LENGTH and word.text.isalpha():
                typed.add(word.text)
            lexeme = word.text if word.cjk else stem(word.text)
            if not lexeme or not _keepable(lexeme):
                continue
            kept = positions[lexeme]
            if len(kept) < MAX_POSITIONS_PER_LEXEME:
                position = min(word.pos, MAX_POSITION)
                kept.append(f"{position}{weight}")
                by_position[position].append(lexeme)
            count += not word.sub
    text = " ".join(f"{quoted_lexeme(lexeme)}:{','.join(places)}" for lexeme, places in positions.items())
    return text, set(positions) | shingles(by_position), count, typed


def completion_text(record: Record) -> str:
    """The words autocomplete matches, space-separated with a space at each end (so that "a word
    starting with" is ``LIKE '% prefix%'``): headings, and the glossary names of entries other than
    provisions (a provision's glossary field lists the terms it uses, not names for it)."""
    source = record["heading"] if record["kind"] == "provision" else f"{record['heading']}\n{record['glossary']}"
    return " " + " ".join(word.text for word in words(source, subwords=True)) + " "


def prior(record: Record, word_count: int) -> float:
    return KIND_PRIORS.get(record["kind"], 0.5) / (1.0 + math.log1p(word_count))


def entry_rows(record: Record) -> EntryRows:
    document, lexemes, count, typed = analysed(record)
    facets = facet_strings(record)
    lexemes.update(facet_lexeme(name, value) for name in FACET_FIELDS for value in record["facets"].get(name, []))
    entry = (
        record["key"],
        record["kind"],
        record["digest"],
        json.dumps({**record["data"], "kind": record["kind"]}, ensure_ascii=False),
        completion_text(record),
    )
    match = (
        prior(record, count),
        list(record["facets"].get("status", [])),
        " ".join(map(quoted_lexeme, lexemes)),
        document,
    )
    return EntryRows(entry, tuple(facets), match, typed)

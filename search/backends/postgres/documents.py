"""How an index record becomes a row of ``search_pg_entry``: its weighted ``tsvector`` (built here from
the shared analysis, with positions, so that phrases and Chinese sub-words behave as in the Whoosh
backend), its facet strings, its autocomplete text and its ranking prior."""

from __future__ import annotations

import json
import math
from collections import defaultdict

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


def facet_strings(record: Record) -> list[str]:
    return [f"{name}{FACET_SEPARATOR}{value}" for name in FACET_FIELDS for value in record["facets"].get(name, [])]


def quoted_lexeme(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_text(record: Record) -> tuple[str, int, set[str]]:
    """The record's ``tsvector`` in PostgreSQL's input syntax, how many words it has, and its words as
    typed (folded, not stemmed) for spelling suggestions: one analysis for all three."""
    positions: dict[str, list[str]] = defaultdict(list)
    analysed = []
    next_position = 1
    for name in TEXT_FIELDS:
        field_words = list(words(record[name], subwords=True, start_pos=next_position))
        if field_words:
            next_position = max(word.pos for word in field_words) + 1
        analysed.append((FIELD_WEIGHTS[name], field_words))
    learn_stems(word.text for _, field_words in analysed for word in field_words if not word.cjk)
    count = 0
    typed = set()
    for weight, field_words in analysed:
        for word in field_words:
            if not word.cjk and len(word.text) >= MIN_VOCABULARY_LENGTH and word.text.isalpha():
                typed.add(word.text)
            lexeme = word.text if word.cjk else stem(word.text)
            if not lexeme or len(lexeme.encode()) > MAX_LEXEME_BYTES:
                continue
            kept = positions[lexeme]
            if len(kept) < MAX_POSITIONS_PER_LEXEME:
                kept.append(f"{min(word.pos, MAX_POSITION)}{weight}")
            count += not word.sub
    text = " ".join(f"{quoted_lexeme(lexeme)}:{','.join(places)}" for lexeme, places in positions.items())
    return text, count, typed


def completion_text(record: Record) -> str:
    """The words autocomplete matches, space-separated with a space at each end (so that "a word
    starting with" is ``LIKE '% prefix%'``): headings, and the glossary names of entries other than
    provisions (a provision's glossary field lists the terms it uses, not names for it)."""
    source = record["heading"] if record["kind"] == "provision" else f"{record['heading']}\n{record['glossary']}"
    return " " + " ".join(word.text for word in words(source, subwords=True)) + " "


def prior(record: Record, word_count: int) -> float:
    return KIND_PRIORS.get(record["kind"], 0.5) / (1.0 + math.log1p(word_count))


def entry_row(record: Record) -> tuple[tuple, set[str]]:
    """The row's values in ``search_pg_entry`` column order, and the record's vocabulary."""
    document, count, typed = tsvector_text(record)
    row = (
        record["key"],
        record["kind"],
        record["digest"],
        json.dumps({**record["data"], "kind": record["kind"]}, ensure_ascii=False),
        facet_strings(record),
        document,
        completion_text(record),
        prior(record, count),
    )
    return row, typed

"""Which documents a query matches, segment by segment, as set algebra on block-read posting lists.

A query becomes a tree of ("term" | "phrase" | "prefix" | "and" | "or", …) nodes on the match field.
Far fewer Python steps than Whoosh's matcher trees, and a phrase is looked up by its word triples (a
two-word one by its pair), checked on the pairs' positions only when longer than three words and only
where everything else matched.
"""

from __future__ import annotations

import time
from array import array
from itertools import chain, compress, repeat
from operator import add, floordiv, itemgetter, lshift, rshift, sub

from search.backends.whoosh.analyzer import index_term, pair_term, triple_term
from search.backends.whoosh.postings import Postings, expand_prefix, read_postings
from search.backends.whoosh.schema import (
    COUNT_HEADER,
    MATCH_FIELD,
    PAIRS_FIELD,
    POSITION_BITS,
    POSITION_BYTES,
    TRIPLES_FIELD,
)
from search.query.analysis import Word, has_cjk, words
from search.query.parser import Clause

PHRASE_CHUNK = 4096  # phrase candidates checked between two looks at the clock
_WITHOUT_COUNT = itemgetter(slice(COUNT_HEADER, None))


def clause_tree(clause: Clause):
    """A clause as a query tree, or None when it has no words to search."""
    analyzed = list(words(clause.text))
    if not analyzed:
        return None
    if clause.prefix and len(analyzed) == 1 and not analyzed[0].cjk:
        return ("prefix", analyzed[0].text)
    terms = [index_term(word) for word in analyzed]
    if clause.phrase or (len(terms) > 1 and not has_cjk(clause.text)):
        units = [terms]
    else:
        units = _typed_units(analyzed)
    nodes = [("term", unit[0]) if len(unit) == 1 else ("phrase", unit) for unit in units]
    return nodes[0] if len(nodes) == 1 else ("and", nodes)


def group_tree(group: list[Clause]):
    """A group of alternatives (OR) as a query tree, or None when none has words to search."""
    nodes = [node for node in map(clause_tree, group) if node is not None]
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else ("or", nodes)


def _typed_units(analyzed: list[Word]) -> list[list[str]]:
    """Dictionary words of a typed Chinese run on their own; other neighbours (single characters,
    numbers as in 88号) kept together as a phrase."""
    units: list[list[str]] = []
    run: list[str] = []
    for word in analyzed:
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


def tree_terms(tree, reader) -> list[str]:
    """The words a query tree looks for (prefixes expanded in this segment), for scoring."""
    kind = tree[0]
    if kind == "term":
        return [tree[1]]
    if kind == "phrase":
        return list(tree[1])
    if kind == "prefix":
        return expand_prefix(reader, tree[1])
    return [term for child in tree[1] for term in tree_terms(child, reader)]


def required_terms(tree) -> set[str]:
    """The words every document a query tree matches has."""
    kind = tree[0]
    if kind == "term":
        return {tree[1]}
    if kind == "phrase":
        return set(tree[1])
    if kind == "and":
        return set().union(*map(required_terms, tree[1]))
    if kind == "or":
        return set.intersection(*map(required_terms, tree[1]))
    return set()  # a prefix: any of its words


class SegmentMatch:
    """Evaluates query trees on one segment; the postings it reads are kept for the rest of the search
    (ranking reads the same ones)."""

    def __init__(self, reader, offset: int, deadline: float | None):
        self.reader = reader
        self.offset = offset
        self.deadline = deadline
        self.timed_out = False
        self.postings: dict[tuple[str, str, bool], Postings] = {}

    def read(self, field: str, term: str, positions: bool = False) -> Postings:
        key = (field, term, positions)
        if key not in self.postings:
            self.postings[key] = read_postings(self.reader, field, term, positions)
        return self.postings[key]

    def contains(self, docnum: int) -> bool:
        """Whether this global document number is one of this segment's."""
        return self.offset <= docnum < self.offset + self.reader.doc_count_all()

    def docs(self, node, within: set[int] | None = None) -> set[int]:
        kind = node[0]
        if kind == "term":
            found = self._postings(node[1])
        elif kind == "prefix":
            found = set()
            for term in expand_prefix(self.reader, node[1]):
                found |= self._postings(term)
        elif kind == "phrase":
            return self._phrase(node[1], within)
        elif kind == "and":
            # Terms narrow the set first; phrases are then checked only on what is left.
            children = sorted(node[1], key=lambda child: child[0] == "phrase")
            found = within
            for child in children:
                found = self.docs(child, found)
                if not found:
                    return set()
            return set(found)
        else:  # "or"
            found = set()
            for child in node[1]:
                found |= self.docs(child, within)
            return found
        return found & within if within is not None else found

    def _postings(self, term: str) -> set[int]:
        return set(self.read(MATCH_FIELD, term)[0])

    def _phrase(self, terms: list[str], within: set[int] | None) -> set[int]:
        """Documents with the words in this order. Candidates have every run of neighbouring words: a
        phrase's triples (its pair for two words), so that a phrase of two or three words is exactly its
        run's documents. For a longer phrase the positions of pairs that cover its words (the first, the
        third, …, and the last) are then checked on the candidates only, a chunk of them at a time at C
        speed: a pair at a position puts its two words there, so pairs that cover the phrase in order
        put all its words in order."""
        pairs = list(map(pair_term, terms, terms[1:]))
        if len(terms) == 2:
            return self._having_all(PAIRS_FIELD, pairs, within)
        candidates = self._having_all(TRIPLES_FIELD, list(map(triple_term, terms, terms[1:], terms[2:])), within)
        if len(terms) == 3 or not candidates:
            return candidates
        distances = sorted({*range(0, len(pairs), 2), len(pairs) - 1})
        positions = []
        for distance in distances:
            postings = self.read(PAIRS_FIELD, pairs[distance], positions=True)
            # Every candidate has every pair of the phrase (it has the triples holding them), so the
            # candidates' positions, in document order, are the pair's in the candidates' order.
            positions.append((distance, list(compress(postings.values, map(candidates.__contains__, postings.ids)))))
        ordered = sorted(candidates)
        found = set()
        for start in range(0, len(ordered), PHRASE_CHUNK):
            if self.deadline is not None and time.perf_counter() > self.deadline:
                self.timed_out = True
                break
            chunk = slice(start, start + PHRASE_CHUNK)
            found.update(phrase_starts(ordered[chunk], [(distance, blobs[chunk]) for distance, blobs in positions]))
        return found

    def _having_all(self, field: str, terms: list[str], within: set[int] | None) -> set[int]:
        """The documents (among ``within``) that have every one of these terms, shortest postings first."""
        candidates = within
        for term in sorted(set(terms), key=lambda term: len(self.read(field, term).ids)):
            ids = self.read(field, term).ids
            candidates = set(ids) if candidates is None else candidates.intersection(ids)
            if not candidates:
                return set()
        return candidates  # a new set: every term made one


def phrase_starts(docnums: list[int], encoded: list[tuple[int, list[bytes]]]) -> set[int]:
    """Which of these documents have the phrase, given for some of its terms (here: word pairs) the
    term's distance from the phrase's start and its encoded positions in each of the documents.

    Each (document, position) becomes one number, document << POSITION_BITS | position, with each term's
    positions shifted back by its distance from the start: a phrase starts where the numbers of every
    term agree, which a set intersection finds without a Python step per position or document."""
    starts: set[int] | None = None
    shifted = list(map(lshift, docnums, repeat(POSITION_BITS)))
    for distance, blobs in encoded:
        positions = array("I")
        positions.frombytes(b"".join(map(_WITHOUT_COUNT, blobs)))
        counts = map(floordiv, map(sub, map(len, blobs), repeat(COUNT_HEADER)), repeat(POSITION_BYTES))
        bases = map(sub, shifted, repeat(distance))
        keys = map(add, positions, chain.from_iterable(map(repeat, bases, counts)))
        starts = set(keys) if starts is None else starts.intersection(keys)
        if not starts:
            return set()
    return set(map(rshift, starts, repeat(POSITION_BITS)))

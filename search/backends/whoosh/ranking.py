"""Ranking of the matched documents only (never every document that has a word).

BM25 on the match field at the body boost, plus, for each word found in a small field (heading,
number, glossary, title, meta), that field's boost × the word's idf.
"""

from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left
from itertools import compress, repeat
from operator import add, ge, mul, truediv

from search.backends.whoosh import facets
from search.backends.whoosh.matching import SegmentMatch, required_terms, tree_terms
from search.backends.whoosh.postings import MAX_CACHED_SEGMENTS, field_lengths, segment_key
from search.backends.whoosh.schema import BOOST_FIELDS, MATCH_FIELD

BM25_K1, BM25_B = 1.2, 0.75
SYNONYM_WEIGHT = 0.3
SPARSE_MATCHES = 4  # a step that changes this many times fewer than the matched documents goes one by one


def top_scored(
    searcher,
    segments: list[SegmentMatch],
    per_leaf: list[set[int]],
    tree,
    boosts: dict[str, float],
    limit: int,
    groups: list | None = None,
    coordination: float = 0.0,
    status_weights: dict[str, float] | None = None,
    synonym_terms: set[str] | frozenset = frozenset(),
) -> list[tuple[int, float]]:
    """The ``limit`` best (global document number, score) pairs, best first; ties in index order.
    Each score is multiplied by its status's weight and by (groups matched / groups)^``coordination``;
    words only synonyms brought count ``SYNONYM_WEIGHT`` of a typed word."""
    total_docs = max(1, searcher.doc_count_all())
    average_length = max(1.0, searcher.field_length(MATCH_FIELD) / total_docs)
    body_boost = boosts.get("body", 1.0)
    field_boosts = [(name, boosts[name]) for name in BOOST_FIELDS if boosts.get(name, 0) > 0]
    idf_cache: dict[str, float] = {}

    def idf(term: str) -> float:
        if term not in idf_cache:
            frequency = searcher.doc_frequency(MATCH_FIELD, term)
            idf_cache[term] = math.log(1 + (total_docs - frequency + 0.5) / (frequency + 0.5))
        return idf_cache[term]

    required = required_terms(tree)
    best: list[tuple[int, float]] = []
    for segment, leaf_docs in zip(segments, per_leaf, strict=True):
        if not leaf_docs:
            continue
        scores = SegmentScores(segment, leaf_docs, length_norms(segment.reader, average_length))
        for term in dict.fromkeys(tree_terms(tree, segment.reader)):
            scale = SYNONYM_WEIGHT if term in synonym_terms else 1.0
            weight = idf(term) * body_boost * (BM25_K1 + 1) * scale
            scores.add_bm25(segment.read(MATCH_FIELD, term), weight, term in required)
            for name, boost in field_boosts:
                scores.add_to(segment.read(name, term).ids, boost * idf(term) * scale)
        with_status = facets.segment_facets(segment.reader).sets["status"]
        for value, weight in (status_weights or {}).items():
            scores.multiply(with_status.get(value, ()), weight)
        # Under the groups' AND (any but the any-word fallback's tree) every match has every group.
        if coordination and groups and len(groups) > 1 and tree != ("and", groups):
            matched = [0] * len(scores.docs)
            for group in groups:
                matched = list(map(add, matched, map(segment.docs(group, leaf_docs).__contains__, scores.docs)))
            factors = [(count / len(groups)) ** coordination for count in matched]
            scores.totals = list(map(mul, scores.totals, factors))
        best.extend(scores.best(limit))
    return sorted(best, key=lambda pair: (-pair[1], pair[0]))[:limit]


class SegmentScores:
    """The scores of one segment's matched documents, as a list beside theirs: each step goes over them
    at C speed (a map of operators), or over the few a step changes one by one."""

    def __init__(self, segment: SegmentMatch, leaf_docs: set[int], norms: list[float]):
        self.offset = segment.offset
        self.matched = leaf_docs
        self.docs = array("I", sorted(leaf_docs))  # compared with posting lists (arrays) at C speed
        self.totals = [0.0] * len(self.docs)
        self.norms = list(map(norms.__getitem__, self.docs))
        self.scored = False  # whether any share was added yet

    def add_bm25(self, postings, weight: float, in_every_match: bool) -> None:
        """BM25's share of one word: weight × frequency / (frequency + length norm)."""
        frequencies = None
        if postings.ids == self.docs:  # a one-word query: its postings are the matched documents
            frequencies = postings.weights
        elif in_every_match:
            # The word's frequencies at the matched documents are then the postings' own there, in the
            # same order: found without a dictionary of the postings.
            frequencies = list(compress(postings.weights, map(self.matched.__contains__, postings.ids)))
        if frequencies is None or len(frequencies) != len(self.docs):
            by_doc = dict(zip(postings.ids, postings.weights, strict=True))
            frequencies = list(map(by_doc.get, self.docs, repeat(0.0)))
        shares = map(truediv, map(mul, repeat(weight), frequencies), map(add, frequencies, self.norms))
        self.totals = list(map(add, self.totals, shares)) if self.scored else list(shares)
        self.scored = True

    def add_to(self, docnums, bonus: float) -> None:
        """Add ``bonus`` to the matched documents among ``docnums``."""
        if not docnums:
            return
        chosen = self.matched.intersection(docnums)
        if len(chosen) * SPARSE_MATCHES < len(self.docs):
            totals, docs = self.totals, self.docs
            for docnum in chosen:
                totals[bisect_left(docs, docnum)] += bonus
        elif chosen:
            self.totals = list(map(add, self.totals, map(mul, map(chosen.__contains__, self.docs), repeat(bonus))))
        self.scored = True

    def multiply(self, docnums, factor: float) -> None:
        """Multiply the scores of the matched documents among ``docnums`` by ``factor``."""
        totals, docs = self.totals, self.docs
        for docnum in self.matched.intersection(docnums):
            totals[bisect_left(docs, docnum)] *= factor

    def best(self, limit: int) -> list[tuple[int, float]]:
        """Only the documents that can be among the best ``limit`` (every one tied with the last of them
        too): finding that score compares floats only."""
        threshold = heapq.nlargest(limit, self.totals)[-1]
        kept = compress(zip(self.docs, self.totals, strict=True), map(ge, self.totals, repeat(threshold)))
        return [(self.offset + docnum, score) for docnum, score in kept]


_segment_norms: dict[tuple[str, float], list[float]] = {}


def length_norms(reader, average_length: float) -> list[float]:
    """BM25's length normalisation of each document of a segment, cached per segment and average length
    (which changes only when the index does)."""
    key = segment_key(reader)
    cached = _segment_norms.get((key, average_length)) if key else None
    if cached is None:
        cached = [BM25_K1 * (1 - BM25_B + BM25_B * length / average_length) for length in field_lengths(reader)]
        if key:
            if len(_segment_norms) > MAX_CACHED_SEGMENTS:
                _segment_norms.clear()
            _segment_norms[key, average_length] = cached
    return cached

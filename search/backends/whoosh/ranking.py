"""Ranking of the matched documents only (never every document that has a word).

BM25 on the match field at the body boost, plus, for each word found in a small field (heading,
number, glossary, title, meta), that field's boost × the word's idf.
"""

from __future__ import annotations

import heapq
import math

from search.backends.whoosh import facets
from search.backends.whoosh.matching import SegmentMatch, tree_terms
from search.backends.whoosh.postings import MAX_CACHED_SEGMENTS, field_lengths, segment_key
from search.backends.whoosh.schema import BOOST_FIELDS, MATCH_FIELD

BM25_K1, BM25_B = 1.2, 0.75
SYNONYM_WEIGHT = 0.3
SPARSE_MATCHES = 4  # matched documents this many times fewer than a word's postings are looked up one by one


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

    best: list[tuple[int, float]] = []
    for segment, leaf_docs in zip(segments, per_leaf, strict=True):
        if not leaf_docs:
            continue
        norms = length_norms(segment.reader, average_length)
        scores = dict.fromkeys(leaf_docs, 0.0)
        for term in dict.fromkeys(tree_terms(tree, segment.reader)):
            scale = SYNONYM_WEIGHT if term in synonym_terms else 1.0
            weight = idf(term) * body_boost * (BM25_K1 + 1) * scale
            postings = segment.read(MATCH_FIELD, term)
            # Walk whichever is shorter: the matched documents or the word's postings.
            if len(leaf_docs) * SPARSE_MATCHES < len(postings.ids):
                frequencies = dict(zip(postings.ids, postings.weights, strict=True))
                for docnum in leaf_docs:
                    frequency = frequencies.get(docnum)
                    if frequency:
                        scores[docnum] += weight * frequency / (frequency + norms[docnum])
            else:
                for docnum, frequency in zip(postings.ids, postings.weights, strict=True):
                    if docnum in scores:
                        scores[docnum] += weight * frequency / (frequency + norms[docnum])
            for name, boost in field_boosts:
                bonus = boost * idf(term) * scale
                for docnum in leaf_docs.intersection(segment.read(name, term).ids):
                    scores[docnum] += bonus
        for value, weight in (status_weights or {}).items():
            for docnum in leaf_docs & (facets.accepted(segment.reader, {"status": [value]}) or set()):
                scores[docnum] *= weight
        if coordination and groups and len(groups) > 1:
            matched = dict.fromkeys(leaf_docs, 0)
            for group in groups:
                for docnum in segment.docs(group, leaf_docs):
                    matched[docnum] += 1
            for docnum, count in matched.items():
                scores[docnum] *= (count / len(groups)) ** coordination
        # Only the documents that can be among the best ``limit`` (every one tied with the last of them
        # too) are ordered: finding that score compares floats only.
        threshold = heapq.nlargest(limit, scores.values())[-1]
        best.extend((segment.offset + docnum, score) for docnum, score in scores.items() if score >= threshold)
    return sorted(best, key=lambda pair: (-pair[1], pair[0]))[:limit]


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

"""Facet filtering and counting on per-segment value sets, at C speed where it counts."""

from __future__ import annotations

from collections import Counter
from itertools import chain
from operator import itemgetter
from typing import NamedTuple

from search.backends.whoosh.postings import MAX_CACHED_SEGMENTS, read_postings, segment_key
from search.fields import FACET_FIELDS
from search.results import FacetValue

MAX_CACHED_FILTERS = 64  # per segment
MAX_CODED_VALUES = 255  # a facet's values numbered in one byte each, with one number left for none


class SegmentFacets(NamedTuple):
    sets: dict[str, dict[str, set[int]]]  # facet → value → document numbers (for filtering)
    values: dict[str, list[tuple[str, ...]]]  # facet → document number → its values (for counting)
    # For counting a facet no document has two values of: facet → (one byte per document, the number of
    # its value in the list that follows, or the list's length for none; the values).
    codes: dict[str, tuple[bytes, list[str]]]
    # (facet, values) → the documents with any of the values, for the filters searches give again and
    # again (every search without a chosen kind accepts the same kinds); never changed by a caller.
    passing: dict[tuple[str, tuple[str, ...]], set[int]]


_segment_facets: dict[str, SegmentFacets] = {}


def segment_facets(reader) -> SegmentFacets:
    """A segment's facet values both ways, deleted documents included (matching removes them): apart
    from its deletions a segment never changes, so they are cached by segment."""
    key = segment_key(reader)
    cached = _segment_facets.get(key) if key else None
    if cached is None:
        size = reader.doc_count_all()
        sets: dict[str, dict[str, set[int]]] = {}
        values: dict[str, list[tuple[str, ...]]] = {}
        codes: dict[str, tuple[bytes, list[str]]] = {}
        for name in FACET_FIELDS:
            sets[name] = {term: set(read_postings(reader, name, term).ids) for term in reader.field_terms(name)}
            per_doc: list[tuple[str, ...]] = [()] * size
            for term, docnums in sets[name].items():
                for docnum in docnums:
                    per_doc[docnum] = (*per_doc[docnum], term)
            values[name] = per_doc
            names = list(sets[name])
            if len(names) < MAX_CODED_VALUES and all(len(doc_values) <= 1 for doc_values in per_doc):
                number = {value: index for index, value in enumerate(names)}
                codes[name] = (bytes(number[doc[0]] if doc else len(names) for doc in per_doc), names)
        cached = SegmentFacets(sets, values, codes, {})
        if key:
            if len(_segment_facets) > MAX_CACHED_SEGMENTS:
                _segment_facets.clear()
            _segment_facets[key] = cached
    return cached


def accepted(reader, filters: dict[str, list[str]]) -> set[int] | None:
    """The segment's documents that pass every filter (any of a facet's values), or None without filters
    or when every document passes them. Callers never change the set."""
    within = None
    if filters:
        facets = segment_facets(reader)
        for name, values in filters.items():
            key = (name, tuple(values))
            passing = facets.passing.get(key)
            if passing is None:
                passing = set().union(*(facets.sets[name].get(value, ()) for value in values))
                if len(facets.passing) >= MAX_CACHED_FILTERS:
                    facets.passing.clear()
                facets.passing[key] = passing
            within = passing if within is None else within & passing
    if within is not None and len(within) == reader.doc_count_all():
        return None  # nothing to intersect with
    return within


def facet_values(name: str, per_leaf: list[set[int]], readers: list, selected: list[str]) -> list[FacetValue]:
    """A facet's values among the matched documents, most frequent first (years newest first); the
    label is the value until the service labels it."""
    counts: Counter = Counter()
    for leaf_docs, reader in zip(per_leaf, readers, strict=True):
        if not leaf_docs:
            continue
        facets = segment_facets(reader)
        coded = facets.codes.get(name)
        if coded is None:
            # Each matched document's values, looked up and counted at C speed.
            counts.update(chain.from_iterable(map(facets.values[name].__getitem__, leaf_docs)))
            continue
        codes, names = coded
        if len(names) == 1 and len(facets.sets[name][names[0]]) == len(codes):
            counts[names[0]] += len(leaf_docs)  # every document has the one value
            continue
        # The matched documents' value numbers as bytes, gathered and counted without a Python step each.
        matched = bytes([codes[next(iter(leaf_docs))]]) if len(leaf_docs) == 1 else bytes(itemgetter(*leaf_docs)(codes))
        for number, value in enumerate(names):
            count = matched.count(number)
            if count:
                counts[value] += count
    if name == "year":
        ordered = sorted(counts.items(), key=lambda item: item[0], reverse=True)
    else:
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    chosen = set(selected)
    return [FacetValue(value=value, label=value, count=number, selected=value in chosen) for value, number in ordered]

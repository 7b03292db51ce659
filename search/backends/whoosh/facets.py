"""Facet filtering and counting on per-segment value sets, at C speed where it counts."""

from __future__ import annotations

from collections import Counter
from itertools import chain
from typing import NamedTuple

from search.backends.whoosh.postings import MAX_CACHED_SEGMENTS, read_postings, segment_key
from search.fields import FACET_FIELDS
from search.results import FacetValue


class SegmentFacets(NamedTuple):
    sets: dict[str, dict[str, set[int]]]  # facet → value → document numbers (for filtering)
    values: dict[str, list[tuple[str, ...]]]  # facet → document number → its values (for counting)


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
        for name in FACET_FIELDS:
            sets[name] = {term: set(read_postings(reader, name, term).ids) for term in reader.field_terms(name)}
            per_doc: list[tuple[str, ...]] = [()] * size
            for term, docnums in sets[name].items():
                for docnum in docnums:
                    per_doc[docnum] = (*per_doc[docnum], term)
            values[name] = per_doc
        cached = SegmentFacets(sets, values)
        if key:
            if len(_segment_facets) > MAX_CACHED_SEGMENTS:
                _segment_facets.clear()
            _segment_facets[key] = cached
    return cached


def accepted(reader, filters: dict[str, list[str]]) -> set[int] | None:
    """The segment's documents that pass every filter (any of a facet's values), or None without filters."""
    within = None
    if filters:
        facet_sets = segment_facets(reader).sets
        for name, values in filters.items():
            passing = set().union(*(facet_sets[name].get(value, ()) for value in values))
            within = passing if within is None else within & passing
    return within


def facet_values(name: str, per_leaf: list[set[int]], readers: list, selected: list[str]) -> list[FacetValue]:
    """A facet's values among the matched documents, most frequent first (years newest first); the
    label is the value until the service labels it."""
    counts: Counter = Counter()
    for leaf_docs, reader in zip(per_leaf, readers, strict=True):
        if not leaf_docs:
            continue
        # Each matched document's values, looked up and counted at C speed.
        counts.update(chain.from_iterable(map(segment_facets(reader).values[name].__getitem__, leaf_docs)))
    if name == "year":
        ordered = sorted(counts.items(), key=lambda item: item[0], reverse=True)
    else:
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    chosen = set(selected)
    return [FacetValue(value=value, label=value, count=number, selected=value in chosen) for value, number in ordered]

"""Reading a segment's postings and per-document columns a block at a time.

Whoosh's own iterators take several Python calls per posting, which was most of a query's time on a
large index. Everything here works per segment; what never changes within a segment (apart from its
deletions) is cached by segment.
"""

from __future__ import annotations

from array import array
from typing import NamedTuple

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher

from search.backends.whoosh.schema import MATCH_FIELD, block_ids, block_values, block_weights

MAX_PREFIX_TERMS = 256
MAX_CACHED_SEGMENTS = 200


class Postings(NamedTuple):
    # Arrays, not lists: a block is copied in, no Python number is made for each posting read.
    ids: array  # of document numbers ("I")
    weights: array  # term frequencies ("f")
    values: list  # encoded positions (when asked for), decoded on demand


def segment_key(reader) -> str | None:
    """The segment's folder and id. Whoosh draws ids from the global `random`, which tests (hypothesis)
    reseed, so the same id can turn up in two index folders; within one folder ids never repeat."""
    segment = reader.segment() if callable(getattr(reader, "segment", None)) else None
    if segment is None:
        return None
    storage = getattr(reader, "_storage", None)
    storage = getattr(storage, "b", storage)  # a compound segment reads through an overlay on the folder
    return f"{getattr(storage, 'folder', '')}/{segment.segment_id()}"


def read_postings(reader, field: str, term: str, positions: bool = False) -> Postings:
    """A term's postings in one segment, read a block at a time, with their encoded positions if asked
    (in a field that has them).

    Deleted documents are included (the caller removes them once per segment, see ``deleted``): in a
    segment with deletions Whoosh wraps the postings in a filter that would force the slow path."""
    ids = array("I")
    weights = array("f")
    values: list = []
    if (field, term) not in reader:
        return Postings(ids, weights, values)
    matcher = reader.postings(field, term)
    if isinstance(matcher, FilterMatcher):  # the segment's deletions; its child is the codec's reader
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher):
        # The codec's blocks, decoded here at C speed (whoosh-reloaded is pinned exactly, so their layout
        # is fixed; Whoosh's own decoder steps through them one posting at a time).
        while matcher.is_active():
            matcher._read_data()  # noqa: SLF001
            stored_ids, stored_weights, stored_values = matcher._data  # noqa: SLF001
            ids.extend(block_ids(stored_ids))
            weights.extend(block_weights(stored_weights, matcher._blocklength))  # noqa: SLF001
            if positions:
                values.extend(block_values(stored_values, matcher._blocklength))  # noqa: SLF001
            matcher._next_block()  # noqa: SLF001
    else:  # short posting lists are stored inline with the term
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if positions:
                values.append(matcher.value())
            matcher.next()
    return Postings(ids, weights, values)


def deleted(reader) -> frozenset[int]:
    """The segment's deleted document numbers (read once per reader: a new searcher has new readers)."""
    return reader.deleted_docs_set if reader.has_deletions() else frozenset()


_segment_lengths: dict[str, list[int]] = {}


def field_lengths(reader) -> list[int]:
    """The match field's length (in words) of each document of a segment, cached per segment."""
    key = segment_key(reader)
    lengths = _segment_lengths.get(key) if key else None
    if lengths is None:
        lengths = [reader.doc_field_length(docnum, MATCH_FIELD, 0) or 0 for docnum in range(reader.doc_count_all())]
        if key:
            if len(_segment_lengths) > MAX_CACHED_SEGMENTS:
                _segment_lengths.clear()
            _segment_lengths[key] = lengths
    return lengths


def expand_prefix(reader, prefix: str) -> list[str]:
    """The match field's terms that start with ``prefix`` (at most MAX_PREFIX_TERMS of them)."""
    terms = []
    for term in reader.expand_prefix(MATCH_FIELD, prefix):
        terms.append(term.decode() if isinstance(term, bytes) else term)
        if len(terms) >= MAX_PREFIX_TERMS:
            break
    return terms

"""The index's fields, how a record fills them, and the on-disk formats chosen for speed.

Matching runs on one field that holds every text field (one posting list per word instead of six);
the other text fields are small and only add their boosts to the score of what matched. Whoosh
pickles the field formats into the schema and the codec into each segment, so the import paths of
``CompactPositions`` and ``_Codec`` are part of the index format, like the analyzer's.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from itertools import accumulate

from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3LeafMatcher, W3PostingsWriter
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import _INT_SIZE, Positions
from whoosh.system import pack_uint

from search.backends.base import Record
from search.backends.whoosh.analyzer import MixedAnalyzer, PairAnalyzer, TripleAnalyzer
from search.fields import FACET_FIELDS, TEXT_FIELDS

MATCH_FIELD = "all"
# The same text again as pairs of neighbouring terms with their positions, read only for phrases: a
# phrase's pairs have far shorter postings than its words, a two-word phrase is one pair's postings (its
# positions are read only for phrases of more than three words), and keeping positions out of the match
# field's postings makes every other read much cheaper. Named to sort right after the match field (and
# the triples right after it): writers add fields in name order, and the analysis of their shared text
# is kept for the next field only (see analyzer.analysed).
PAIRS_FIELD = "allpairs"
# And as triples of neighbouring terms, without positions: a phrase of three words is exactly its
# triple's documents, a longer one is checked on the pairs' positions only where all its triples are.
TRIPLES_FIELD = "alltriples"
# What autocomplete matches: headings, and the glossary names of entries other than provisions (a
# provision's glossary field lists the terms it uses, not names for the provision).
COMPLETION_FIELD = "complete"
BOOST_FIELDS = [name for name in TEXT_FIELDS if name != "body"]  # body's boost applies to MATCH_FIELD


class CompactPositions(Positions):
    """Positions stored as a plain array of 32-bit integers instead of a pickled list: a phrase query
    decodes the positions of every candidate document, and unpickling was most of its time."""

    def encode(self, poslist):
        return pack_uint(len(poslist)) + array("I", poslist).tobytes()

    def decode_positions(self, valuestring):
        return decode_compact_positions(valuestring)


def decode_compact_positions(valuestring: bytes) -> list[int]:
    positions = array("I")
    positions.frombytes(valuestring[COUNT_HEADER:])
    return positions.tolist()


COUNT_HEADER = _INT_SIZE  # CompactPositions' bytes before the positions
POSITION_BYTES = array("I").itemsize
POSITION_BITS = 8 * POSITION_BYTES  # enough for any stored position


def _compact_positions(field):
    field.format = CompactPositions(field_boost=field.format.field_boost)
    return field


def build_schema() -> Schema:
    fields = {
        "key": ID(unique=True, stored=True),
        "digest": STORED(),
        "data": STORED(),
        COMPLETION_FIELD: TEXT(analyzer=MixedAnalyzer(subwords=True, stem_words=False), phrase=False),
    }
    fields[MATCH_FIELD] = TEXT(analyzer=MixedAnalyzer(), phrase=False)
    fields[PAIRS_FIELD] = _compact_positions(TEXT(analyzer=PairAnalyzer(), phrase=True))
    fields[TRIPLES_FIELD] = TEXT(analyzer=TripleAnalyzer(), phrase=False)
    for name in BOOST_FIELDS:
        # Only membership is read from these (see ranking.top_scored). They keep Whoosh's length column:
        # without one, its writer looks for the column file on disk once per posting.
        fields[name] = TEXT(analyzer=MixedAnalyzer(), phrase=False)
    for name in FACET_FIELDS:
        fields[name] = KEYWORD(lowercase=False, commas=True, scorable=False)
    return Schema(**fields)


def index_fields(record: Record) -> dict:
    """The Whoosh fields of a record (``add_document``'s arguments)."""
    fields = {
        "key": record["key"],
        "digest": record["digest"],
        "data": {**record["data"], "kind": record["kind"]},
        COMPLETION_FIELD: "\n".join(record[name] for name in ("heading", "glossary"))
        if record["kind"] != "provision"
        else record["heading"],
    }
    # One string object for the three fields: the tokenizers analyse it once (see analyzer.analysed).
    fields[MATCH_FIELD] = fields[PAIRS_FIELD] = fields[TRIPLES_FIELD] = "\n".join(record[name] for name in TEXT_FIELDS)
    for name in BOOST_FIELDS:
        fields[name] = record[name]
    for name in FACET_FIELDS:
        fields[name] = ",".join(value.replace(",", " ") for value in record["facets"].get(name, []))
    return fields


class _FieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        # Ranking reads document lengths from the length column (postings.field_lengths), never from
        # the postings; looking one up for every posting written was about a third of a rebuild.
        super().add_postings(schema, None, items)


class _PostingsWriter(W3PostingsWriter):
    """Whoosh's posting blocks with their document numbers and weights as arrays of machine numbers
    (bytes) instead of pickled tuples of Python numbers, and their positions as one string: reading them
    is a copy, not one object made per posting (unpickling was a fifth of a phrase query's time)."""

    def _mini_ids(self):
        if self._byteids:
            return super()._mini_ids()
        return array("I", self._ids).tobytes()

    def _mini_values(self):
        if self._format.fixed_value_size() is not None:
            return super()._mini_values()
        # Positions: every posting's length, then the postings one after the other, in one string (Whoosh
        # pickles a tuple of one string per posting, and unpickling it was most of reading a word pair).
        return array("I", map(len, self._values)).tobytes() + b"".join(self._values)

    def _mini_weights(self):
        weights = self._weights
        if weights.count(1.0) == len(weights):
            return None
        if weights.count(weights[0]) == len(weights):
            return weights[0]
        return array("f", weights).tobytes()


def block_ids(stored) -> Sequence[int]:
    """A block's document numbers, as ``_PostingsWriter`` or Whoosh's own writer stored them."""
    if isinstance(stored, bytes):
        ids = array("I")
        ids.frombytes(stored)
        return ids
    return tuple(accumulate(stored))  # Whoosh's: differences from the number before


def block_weights(stored, count: int) -> Sequence[float]:
    """A block's weights, as ``_PostingsWriter`` or Whoosh's own writer stored them: None for all 1, one
    number for all, or one per posting."""
    if stored is None:
        return [1.0] * count
    if isinstance(stored, float):
        return [stored] * count
    if isinstance(stored, bytes):
        weights = array("f")
        weights.frombytes(stored)
        return weights
    return stored


def block_values(stored, count: int) -> Sequence[bytes]:
    """A block's encoded positions, one string per posting, as ``_PostingsWriter`` or Whoosh's own writer
    stored them."""
    if not isinstance(stored, bytes):
        return stored  # Whoosh's: a tuple of them
    lengths = array("I")
    lengths.frombytes(stored[: count * lengths.itemsize])
    ends = list(accumulate(lengths, initial=count * lengths.itemsize))
    return list(map(stored.__getitem__, map(slice, ends, ends[1:])))


class _LeafMatcher(W3LeafMatcher):
    """Whoosh's reader of on-disk posting blocks, for blocks of either writer."""

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        self._ids = block_ids(self._data[0])

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        self._weights = array("f", block_weights(self._data[1], self._blocklength))

    def _read_values(self):
        if self._fixedsize is not None:
            super()._read_values()
            return
        if self._data is None:
            self._read_data()
        self._values = block_values(self._data[2], self._blocklength)


class _Codec(W3Codec):
    """Whoosh's own codec, writing postings without per-posting document lengths, uncompressed, in
    larger blocks and with their numbers as arrays: a search reads whole posting lists, and decompressing
    them was a sixth of a phrase query's time (the index is about two and a half times larger), the
    steps per block another tenth. Indexes written by the plain codec stay readable (each block says how
    it was written)."""

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return _LeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


CODEC = _Codec(blocklimit=1024, compression=0)

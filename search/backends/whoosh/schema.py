"""The index's fields, how a record fills them, and the on-disk formats chosen for speed.

Matching runs on one field that holds every text field (one posting list per word instead of six);
the other text fields are small and only add their boosts to the score of what matched. Whoosh
pickles the field formats into the schema and the codec into each segment, so the import paths of
``CompactPositions`` and ``_Codec`` are part of the index format, like the analyzer's.
"""

from __future__ import annotations

from array import array

from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import _INT_SIZE, Positions
from whoosh.system import pack_uint

from search.backends.base import Record
from search.backends.whoosh.analyzer import MixedAnalyzer, PairAnalyzer
from search.fields import FACET_FIELDS, TEXT_FIELDS

MATCH_FIELD = "all"
# The same text again as pairs of neighbouring terms with their positions, read only for phrases: a
# phrase's pairs have far shorter postings than its words, a two-word phrase is one pair's postings,
# and keeping positions out of the match field's postings makes every other read much cheaper.
# Named to sort right after the match field: writers add fields in name order, and the analysis of their
# shared text is kept for the next field only (see analyzer.analysed).
PAIRS_FIELD = "allpairs"
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
    # One string object for both fields: the tokenizer analyses it once (see MixedTokenizer).
    fields[MATCH_FIELD] = fields[PAIRS_FIELD] = "\n".join(record[name] for name in TEXT_FIELDS)
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


class _Codec(W3Codec):
    """Whoosh's own codec, writing postings without per-posting document lengths, uncompressed and in
    larger blocks: a search reads whole posting lists, and decompressing them was a sixth of a phrase
    query's time (the index is about two and a half times larger), the steps per block another tenth.
    Indexes written by the plain codec stay readable (each block says how it was written)."""

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)


CODEC = _Codec(blocklimit=1024, compression=0)

"""The rebuild's segment writer: the same segments Whoosh's writer makes, with far fewer Python steps
per posting (a rebuild writes about 330 postings per provision).

Whoosh's writer sends every posting through an external sort (pickled to a run file, read back and
merged), then through its posting writer one call at a time, with a token object per word. Here text
fields are analysed straight into terms and positions; the postings are kept per term in memory (a
rebuild's document numbers arrive in order, so only the terms need sorting); and each term's postings
go to the codec a block at a time. Live updates keep Whoosh's own writer (``writing.writing``).
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from itertools import repeat
from operator import mul

from whoosh.formats import Frequency
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from search.backends.whoosh.analyzer import MixedTokenizer
from search.backends.whoosh.schema import CompactPositions


class TermPostings:
    """One term's postings in one field, in document order: frequencies (weights are frequency × field
    boost) and, for positions, each posting's value; a frequency field's values are its frequencies."""

    __slots__ = ("docnums", "frequencies", "values")

    def __init__(self):
        self.docnums = array("I")
        self.frequencies = array("I")
        self.values: list[bytes] = []


class PostingsByTerm:
    """Stands in for Whoosh's posting pool in a ``BulkSegmentWriter`` (which fills ``fields``: each
    field's terms, as text, with their postings)."""

    def __init__(self):
        self.fields: defaultdict[str, defaultdict[str, TermPostings]] = defaultdict(lambda: defaultdict(TermPostings))

    def cleanup(self):
        self.fields.clear()


class BulkSegmentWriter(SegmentWriter):
    """A writer for one new segment of a rebuild (``add_document`` and ``commit`` as Whoosh's) for this
    package's schema: no term vectors, columns, spelling fields or boosts given with documents."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        for name, field in self.schema.items():
            if field.vector or field.column_type or field.separate_spelling():
                raise ValueError(f"BulkSegmentWriter does not write the {name} field's vectors, column or spelling")
        self.pool = PostingsByTerm()

    def add_document(self, **fields):
        self._check_state()
        schema, perdocwriter, docnum, pool = self.schema, self.perdocwriter, self.docnum, self.pool.fields
        self._check_fields(schema, fields)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in sorted(fields):
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = _add_postings(pool[fieldname], field, value, docnum) if field.indexed else 0
                perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def finish_segment(self):
        """Write out this writer's segment without committing it (another writer commits it)."""
        self._check_state()
        return self._finalize_segment()

    def commit_with(self, segments: list) -> None:
        """Commit the segments written into the same new index (by ``finish_segment``, this writer's or
        others'); anything else this writer was given is dropped."""
        self._check_state()
        try:
            self._close_segment()
            self._commit_toc(segments)
        finally:
            self._finish()

    def _flush_segment(self):
        self.perdocwriter.close()
        write_postings(self.fieldwriter, self.schema, self.pool.fields)
        self.fieldwriter.close()


def _add_postings(terms: defaultdict[str, TermPostings], field, value, docnum: int) -> int:
    """Add a document's postings in one field; its length in that field (0 if not scorable).

    This package's text fields are analysed without a token object per word (and once for fields given
    the same text object, see ``analyzer.analysed_terms``); other fields as Whoosh analyses them."""
    analyzer, format_ = field.analyzer, field.format
    length = 0
    if isinstance(analyzer, MixedTokenizer) and type(format_) is CompactPositions:
        encode = format_.encode
        for term, positions in analyzer.index_positions(value).items():
            postings = terms[term]
            postings.docnums.append(docnum)
            postings.frequencies.append(len(positions))
            postings.values.append(encode(positions))
            length += len(positions)
    elif isinstance(analyzer, MixedTokenizer) and type(format_) is Frequency:
        for term, count in analyzer.index_counts(value).items():
            postings = terms[term]
            postings.docnums.append(docnum)
            postings.frequencies.append(count)
            length += count
    else:
        keep_values = type(format_) is not Frequency
        for tbytes, frequency, weight, vbytes in field.index(value):
            if weight != frequency * format_.field_boost:
                raise ValueError(f"BulkSegmentWriter writes no boosts given with the {field} field's words")
            postings = terms[tbytes.decode("utf-8")]
            postings.docnums.append(docnum)
            postings.frequencies.append(frequency)
            if keep_values:
                postings.values.append(vbytes)
            length += frequency
    return length if field.scorable else 0


def write_postings(fieldwriter, schema, fields: dict[str, dict[str, TermPostings]]) -> None:
    """Every term's postings, in (field, term) order, through the codec's writer a block at a time.
    (Text sorts as its UTF-8 bytes do, the order Whoosh keeps terms in.)"""
    for fieldname in sorted(fields):
        terms = fields[fieldname]
        if not terms:
            continue
        field = schema[fieldname]
        boost = field.format.field_boost
        frequency_values = type(field.format) is Frequency
        fieldwriter.start_field(fieldname, field)
        for term in sorted(terms):
            postings = terms[term]
            fieldwriter.start_term(term.encode("utf-8"))
            writer = fieldwriter._postwriter  # noqa: SLF001 (whoosh-reloaded is pinned exactly)
            size = writer._blocklimit  # noqa: SLF001
            count = len(postings.docnums)
            for start in range(0, count, size):
                # The block buffers add_posting would have filled, a block at once.
                frequencies = postings.frequencies[start : start + size]
                writer._ids = postings.docnums[start : start + size]  # noqa: SLF001
                writer._weights = array("f", map(mul, frequencies, repeat(boost)))  # noqa: SLF001
                if frequency_values:
                    writer._values = list(map(pack_uint, frequencies))  # noqa: SLF001
                else:
                    writer._values = postings.values[start : start + size]  # noqa: SLF001
                writer._maxweight = max(writer._weights)  # noqa: SLF001
                if start + size < count:
                    writer._write_block()  # noqa: SLF001 (finish_term writes the last block)
            fieldwriter.finish_term()
        fieldwriter.finish_field()

"""The rebuild's segment writer: the same segments Whoosh's writer makes, with far fewer Python steps
per posting (a rebuild writes about 190 postings per provision).

Whoosh's writer sends every posting through an external sort (pickled to a run file, read back and
merged), then through its posting writer one call at a time, with a token object per word. Here text
fields are analysed straight into terms and positions; the postings are kept per term in memory (a
rebuild's document numbers arrive in order, so only the terms need sorting); and each term's postings
go to the codec a block at a time. Live updates keep Whoosh's own writer (``writing.writing``).
"""

from __future__ import annotations

from array import array
from collections import defaultdict

from whoosh.formats import Frequency
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from search.backends.whoosh.analyzer import MixedTokenizer
from search.backends.whoosh.schema import CompactPositions


class TermPostings:
    """One term's postings in one field, in document order."""

    __slots__ = ("docnums", "weights", "values")

    def __init__(self):
        self.docnums = array("I")
        self.weights = array("f")
        self.values: list[bytes] = []


class PostingsByTerm:
    """Stands in for Whoosh's posting pool in a ``BulkSegmentWriter`` (which fills ``terms``)."""

    def __init__(self):
        self.terms: defaultdict[tuple[str, bytes], TermPostings] = defaultdict(TermPostings)
        self.fieldnames: set[str] = set()

    def cleanup(self):
        self.terms.clear()


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
        schema, perdocwriter, docnum, terms = self.schema, self.perdocwriter, self.docnum, self.pool.terms
        self._check_fields(schema, fields)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in sorted(fields):
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    self.pool.fieldnames.add(fieldname)
                    for tbytes, frequency, weight, vbytes in self._postings(field, value):
                        length += frequency
                        postings = terms[fieldname, tbytes]
                        postings.docnums.append(docnum)
                        postings.weights.append(weight)
                        if vbytes:
                            postings.values.append(vbytes)
                    if not field.scorable:
                        length = 0
                perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _postings(self, field, value) -> list[tuple[bytes, int, float, bytes]]:
        """What ``field.index(value)`` gives, for this package's text fields without a token object per
        word (and from one analysis for fields given the same text object, see ``analyzer.analysed_terms``)."""
        analyzer, format_ = field.analyzer, field.format
        if not isinstance(analyzer, MixedTokenizer) or type(format_) not in (Frequency, CompactPositions):
            return list(field.index(value))
        boost = format_.field_boost
        if isinstance(format_, CompactPositions):
            return [
                (term.encode("utf-8"), len(positions), len(positions) * boost, format_.encode(positions))
                for term, positions in analyzer.index_positions(value).items()
            ]
        return [
            (term.encode("utf-8"), count, count * boost, pack_uint(count))  # Frequency's posting value
            for term, count in analyzer.index_counts(value).items()
        ]

    def finish_segment(self):
        """Write out this writer's segment without committing it (another writer commits it)."""
        self._check_state()
        return self._finalize_segment()

    def commit_with(self, segments: list) -> None:
        """Commit this writer's segment and those other writers wrote into the same new index."""
        self._check_state()
        try:
            if self._added:
                segments = [self._finalize_segment(), *segments]
            else:
                self._close_segment()
            self._commit_toc(segments)
        finally:
            self._finish()

    def _flush_segment(self):
        self.perdocwriter.close()
        write_postings(self.fieldwriter, self.schema, self.pool.terms)
        self.fieldwriter.close()


def write_postings(fieldwriter, schema, terms: dict[tuple[str, bytes], TermPostings]) -> None:
    """Every term's postings, in (field, term) order, through the codec's writer a block at a time."""
    current_field = None
    for fieldname, tbytes in sorted(terms):
        if fieldname != current_field:
            if current_field is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            current_field = fieldname
        postings = terms[fieldname, tbytes]
        fieldwriter.start_term(tbytes)
        writer = fieldwriter._postwriter  # noqa: SLF001 (whoosh-reloaded is pinned exactly)
        size = writer._blocklimit  # noqa: SLF001
        count = len(postings.docnums)
        for start in range(0, count, size):
            # The block buffers add_posting would have filled, a block at once.
            writer._ids = postings.docnums[start : start + size]  # noqa: SLF001
            writer._weights = postings.weights[start : start + size]  # noqa: SLF001
            writer._values = postings.values[start : start + size]  # noqa: SLF001
            writer._maxweight = max(writer._weights)  # noqa: SLF001
            if start + size < count:
                writer._write_block()  # noqa: SLF001 (finish_term writes the last block)
        fieldwriter.finish_term()
    if current_field is not None:
        fieldwriter.finish_field()

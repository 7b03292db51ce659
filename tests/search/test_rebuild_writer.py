"""The rebuild's own segment writer writes what Whoosh's writer writes, and a rebuild split over two
processes holds the same entries as one written by one process."""

import os

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from search.backends import get_backend
from search.backends.whoosh import writing
from search.backends.whoosh.bulk import BulkSegmentWriter
from search.backends.whoosh.postings import read_postings
from search.backends.whoosh.schema import CODEC, build_schema, index_fields
from search.indexing import rebuild_index
from search.query.analysis import has_cjk
from search.records import iter_records
from search.service import search
from tests.helpers import whoosh_at

QUERIES = ["battery recycling", '"hazardous waste"', "危险废物", "recycl*", "waste -battery", "permit"]


def _postings(reader):
    """Every posting of every term, as Whoosh's own reader reads them."""
    found = {}
    for field, term in reader.all_terms():
        matcher = reader.postings(field, term)
        postings = []
        while matcher.is_active():
            postings.append((matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        found[field, term] = (postings, reader.doc_frequency(field, term), reader.frequency(field, term))
    return found


def _written_by(tmp_path, name, writer_for, records):
    (tmp_path / name).mkdir()
    ix = whoosh_index.create_in(str(tmp_path / name), build_schema())
    writer = writer_for(ix)
    for record in records:
        writer.add_document(**index_fields(record))
    if isinstance(writer, BulkSegmentWriter):
        writer.commit_with([writer.finish_segment()])
    else:
        writer.commit()
    return ix.reader()


def test_the_rebuild_writer_writes_the_postings_stored_fields_and_lengths_whooshs_writer_writes(tmp_path, db):
    records = list(iter_records())
    assert any(has_cjk(record["heading"] + record["title"]) for record in records), "Chinese text to analyse"
    plain = _written_by(tmp_path, "plain", lambda ix: ix.writer(codec=CODEC), records)
    bulk = _written_by(tmp_path, "bulk", lambda ix: BulkSegmentWriter(ix, codec=CODEC), records)
    assert _postings(bulk) == _postings(plain)
    assert list(bulk.all_stored_fields()) == list(plain.all_stored_fields())
    for name in plain.schema.names():
        assert bulk.field_length(name) == plain.field_length(name)
        assert [bulk.doc_field_length(d, name) for d in range(len(records))] == [
            plain.doc_field_length(d, name) for d in range(len(records))
        ]


def test_postings_written_by_whooshs_own_codec_read_as_the_codecs_own(tmp_path, db):
    """Blocks of Whoosh's codec (pickled, compressed, small) and of ours (arrays) read the same, through
    Whoosh's matchers and through ``read_postings``."""
    records = list(iter_records())[:300]
    ours = _written_by(tmp_path, "ours", lambda ix: ix.writer(codec=CODEC), records)
    whooshs = _written_by(tmp_path, "whooshs", lambda ix: ix.writer(codec=W3Codec(blocklimit=8)), records)
    assert _postings(ours) == _postings(whooshs)
    for field, term, positions in [
        ("all", "batteri", False),
        ("allpairs", "wast batteri", True),
        ("alltriples", "carbon peak neutral", False),
        ("industry", "steel", False),
    ]:
        assert read_postings(ours, field, term, positions) == read_postings(whooshs, field, term, positions)
        assert len(read_postings(ours, field, term).ids) > 8, "more than one block"
    assert len(read_postings(ours, "allpairs", "wast batteri", positions=True).values) > 8, "positions read"


def _answers(backend):
    results = [search(query, backend=backend) for query in QUERIES]
    return [
        (
            r.total,
            sorted(hit.key for hit in r.hits),
            {k: [(v.value, v.count) for v in vs] for k, vs in r.facets.items()},
        )
        for r in results
    ]


def test_a_rebuild_split_over_two_processes_holds_what_one_process_writes(own_index, tmp_path, settings, monkeypatch):
    expected_digests, expected_answers = own_index.digests(), _answers(own_index)
    assert own_index.segment_count() == 1
    monkeypatch.setattr(writing, "PARALLEL_REBUILD_FROM", 1)
    monkeypatch.setattr(writing, "REBUILD_PROCS", 2)
    monkeypatch.setattr(writing, "HELPER_BATCH", 7)  # many batches each way from a small corpus
    settings.SEARCH_BACKENDS = whoosh_at(tmp_path / "two")
    backend = get_backend()
    rebuild_index(backend)
    assert backend.segment_count() == 2
    assert backend.digests() == expected_digests
    assert _answers(backend) == expected_answers


def test_a_failing_helper_process_fails_the_rebuild_and_the_index_in_use_stays(own_index, monkeypatch):
    before = own_index.folder.resolved()
    parent = os.getpid()
    add_document = BulkSegmentWriter.add_document

    def failing_in_the_helper(self, **fields):
        if os.getpid() != parent:
            raise ValueError("the helper's disk is full")
        add_document(self, **fields)

    monkeypatch.setattr(BulkSegmentWriter, "add_document", failing_in_the_helper)
    monkeypatch.setattr(writing, "PARALLEL_REBUILD_FROM", 1)
    monkeypatch.setattr(writing, "REBUILD_PROCS", 2)
    monkeypatch.setattr(writing, "HELPER_BATCH", 7)
    with pytest.raises(RuntimeError, match="the helper's disk is full"):
        rebuild_index(own_index)
    assert own_index.folder.resolved() == before
    assert search("battery", backend=own_index).total > 0

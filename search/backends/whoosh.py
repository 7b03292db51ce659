"""The embedded Whoosh backend. The only module that imports whoosh.

Layout of ``PATH``: ``gen-<n>/`` directories, each a complete index, and a ``current`` symlink to the
one in use. ``rebuild`` writes a new generation and swaps the link atomically (``os.replace``), so a
search never sees a half-built index. Whoosh pickles the analyzer into the index, so the analyzer
classes below must keep their import path (``search.backends.whoosh``).

Whoosh stores and reads the postings; the query work is done here, because Whoosh's matcher trees
cost several Python calls per posting. Every text field is also indexed into one match field, so a
word is one posting list. Matching is set algebra on block-read posting lists per segment (a phrase is
checked on positions only where everything else matched); facet counts are intersections with
per-segment value sets; only the matched documents are ranked (BM25 on the match field plus the boosts
of the small fields, see ``_top_scored``); only the page shown is highlighted. One searcher is shared
per index generation, and saves never wait for a segment merge.
"""

from __future__ import annotations

import heapq
import html
import logging
import math
import os
import re
import shutil
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import NamedTuple

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import Composable, Token, Tokenizer
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3LeafMatcher
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import _INT_SIZE, Positions
from whoosh.index import LockError
from whoosh.lang.porter import stem as porter_stem
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.system import pack_uint
from whoosh.writing import CLEAR, SegmentWriter

from search.analysis import LATIN_WORD_RE, STOP_WORDS, Word, fold, has_cjk, words
from search.backends.base import (
    FacetValue,
    Record,
    SearchBackend,
    SearchHit,
    SearchPlan,
    SearchResults,
    Suggestion,
)
from search.documents import FACET_FIELDS, FIELD_LABELS, TEXT_FIELDS, result_url
from search.query import Clause

logger = logging.getLogger(__name__)

WRITE_TIMEOUT = 60.0  # seconds a writer waits for another process's lock before giving up
SMALL_SEGMENT = 2000  # live commits only ever fold together segments smaller than this
MAX_SMALL_SEGMENTS = 6
REBUILD_PROCS = min(2, os.cpu_count() or 1)


@lru_cache(maxsize=100000)
def stem(word: str) -> str:
    return porter_stem(word)


def _term(word: Word) -> str:
    return word.text if word.cjk else stem(word.text)


# The last text analysed: the match and positions fields receive the same string object in turn.
_last_analysis: tuple = (None, None, None, [])


class MixedTokenizer(Tokenizer):
    """Mixed English/Chinese words with sequential positions (see ``search.analysis``); sub-words of
    long Chinese words at the same position at index time only. Lower-cases and drops stop words."""

    def __init__(self, subwords: bool = True, stem_words: bool = True):
        self.subwords = subwords
        self.stem_words = stem_words

    def __eq__(self, other):
        return (
            other.__class__ is self.__class__
            and other.subwords == self.subwords
            and other.stem_words == self.stem_words
        )

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value.lower()
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        subwords = self.subwords and mode != "query"
        global _last_analysis
        cached = _last_analysis  # one read: another thread may replace it meanwhile
        if cached[0] is value and cached[1:3] == (subwords, start_pos):
            analysed = cached[3]
        else:
            analysed = list(words(value, subwords=subwords, start_pos=start_pos))
            _last_analysis = (value, subwords, start_pos, analysed)
        for word in analysed:
            token.text = _term(word) if self.stem_words else word.text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word.text
            if positions:
                token.pos = word.pos
            if chars:
                token.startchar = start_char + word.start
                token.endchar = start_char + word.end
            yield token


def MixedAnalyzer(subwords: bool = True, stem_words: bool = True) -> Composable:  # noqa: N802 (Whoosh style)
    return MixedTokenizer(subwords=subwords, stem_words=stem_words)


class CompactPositions(Positions):
    """Positions stored as a plain array of 32-bit integers instead of a pickled list: a phrase query
    decodes the positions of every candidate document, and unpickling was most of its time."""

    def encode(self, poslist):
        return pack_uint(len(poslist)) + array("I", poslist).tobytes()

    def decode_positions(self, valuestring):
        return decode_compact_positions(valuestring)


def decode_compact_positions(valuestring: bytes) -> list[int]:
    positions = array("I")
    positions.frombytes(valuestring[_INT_SIZE:])
    return positions.tolist()


def _compact_positions(field):
    field.format = CompactPositions(field_boost=field.format.field_boost)
    return field


# Matching runs on one field that holds every text field (one posting list per word instead of six);
# the other text fields are small and only add their boosts to the score of what matched.
MATCH_FIELD = "all"
# The same text again with positions, read only to check phrases: keeping positions out of the match
# field's postings makes every other read much cheaper (it dominated the time of a search).
POSITIONS_FIELD = "allpos"
BOOST_FIELDS = [name for name in TEXT_FIELDS if name != "body"]  # body's boost applies to MATCH_FIELD
MAX_PREFIX_TERMS = 256


def build_schema() -> Schema:
    fields = {
        "key": ID(unique=True, stored=True),
        "digest": STORED(),
        "data": STORED(),
        "complete": TEXT(analyzer=MixedAnalyzer(subwords=True, stem_words=False), phrase=False),
    }
    fields[MATCH_FIELD] = TEXT(analyzer=MixedAnalyzer(), phrase=False)
    fields[POSITIONS_FIELD] = _compact_positions(TEXT(analyzer=MixedAnalyzer(), phrase=True))
    for name in BOOST_FIELDS:
        # Only membership is read from these (see _top_scored). They keep Whoosh's length column: without
        # one, its writer looks for the column file on disk once per posting.
        fields[name] = TEXT(analyzer=MixedAnalyzer(), phrase=False)
    for name in FACET_FIELDS:
        fields[name] = KEYWORD(lowercase=False, commas=True, scorable=False)
    return Schema(**fields)


class _FieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        # Ranking reads document lengths from the length column (_field_lengths), never from the
        # postings; looking one up for every posting written was about a third of a rebuild.
        super().add_postings(schema, None, items)


class _Codec(W3Codec):
    """Whoosh's own codec, writing postings without per-posting document lengths.

    Segments remember their codec, so this class's import path is part of the index format: a
    rename needs a `rebuild_index`. Indexes written by the plain codec stay readable.
    """

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)


CODEC = _Codec()


def _document(record: Record) -> dict:
    fields = {
        "key": record["key"],
        "digest": record["digest"],
        "data": {**record["data"], "kind": record["kind"]},
        "complete": "\n".join(record[name] for name in ("heading", "glossary"))
        if record["kind"] != "provision"
        else record["heading"],
    }
    # One string object for both fields: the tokenizer analyses it once (see MixedTokenizer).
    fields[MATCH_FIELD] = fields[POSITIONS_FIELD] = "\n".join(record[name] for name in TEXT_FIELDS)
    for name in BOOST_FIELDS:
        fields[name] = record[name]
    for name in FACET_FIELDS:
        fields[name] = ",".join(value.replace(",", " ") for value in record["facets"].get(name, []))
    return fields


class _Generation:
    """An open index generation and its shared searcher, with the facet arrays derived from it."""

    def __init__(self, path: Path):
        self.path = path
        self.index = whoosh_index.open_dir(str(path))
        self.searcher = self.index.searcher(weighting=BM25F())
        self.lock = threading.Lock()
        self.facets: dict[str, list] | None = None

    @property
    def token(self):
        return (str(self.path), self.searcher.reader().generation())

    def refresh(self) -> None:
        if not self.searcher.up_to_date():
            # A fresh searcher: Whoosh's refresh() reuses segment readers that miss new deletions.
            old = self.searcher
            self.searcher = self.index.searcher(weighting=BM25F())
            old.close()
            self.facets = None


_segment_facets: dict[str, _SegmentFacets] = {}


def _segment_key(reader) -> str | None:
    """The segment's folder and id. Whoosh draws ids from the global `random`, which tests (hypothesis)
    reseed, so the same id can turn up in two index folders; within one folder ids never repeat."""
    segment = reader.segment() if callable(getattr(reader, "segment", None)) else None
    if segment is None:
        return None
    storage = getattr(reader, "_storage", None)
    storage = getattr(storage, "b", storage)  # a compound segment reads through an overlay on the folder
    return f"{getattr(storage, 'folder', '')}/{segment.segment_id()}"


class _SegmentFacets(NamedTuple):
    sets: dict[str, dict[str, set[int]]]  # facet → value → document numbers (for filtering)
    values: dict[str, list[tuple[str, ...]]]  # facet → document number → its values (for counting)


def _segment_facets_of(reader) -> _SegmentFacets:
    """A segment's facet values both ways, deleted documents included (``execute`` removes them): apart
    from its deletions a segment never changes, so they are cached by segment id."""
    key = _segment_key(reader)
    cached = _segment_facets.get(key) if key else None
    if cached is None:
        size = reader.doc_count_all()
        sets: dict[str, dict[str, set[int]]] = {}
        values: dict[str, list[tuple[str, ...]]] = {}
        for name in FACET_FIELDS:
            sets[name] = {term: set(_read_postings(reader, name, term).ids) for term in reader.field_terms(name)}
            per_doc: list[tuple[str, ...]] = [()] * size
            for term, docnums in sets[name].items():
                for docnum in docnums:
                    per_doc[docnum] = (*per_doc[docnum], term)
            values[name] = per_doc
        cached = _SegmentFacets(sets, values)
        if key:
            if len(_segment_facets) > 200:
                _segment_facets.clear()
            _segment_facets[key] = cached
    return cached


class _Postings(NamedTuple):
    ids: list[int]
    weights: list[float]  # term frequencies
    values: list  # encoded positions (match field only), decoded on demand


def _read_postings(reader, field: str, term: str) -> _Postings:
    """A term's postings in one segment, read a block at a time: Whoosh's own iterators take several
    Python calls per posting, which was most of a query's time on a large index.

    Deleted documents are included (the caller removes them once per segment, see ``_deleted``): in a
    segment with deletions Whoosh wraps the postings in a filter that would force the slow path."""
    ids: list[int] = []
    weights: list[float] = []
    values: list = []
    if (field, term) not in reader:
        return _Postings(ids, weights, values)
    keep_values = field == POSITIONS_FIELD
    matcher = reader.postings(field, term)
    if isinstance(matcher, FilterMatcher):  # the segment's deletions; its child is the codec's reader
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher):
        # The codec's block reader (whoosh-reloaded is pinned exactly, so these internals are fixed).
        while matcher.is_active():
            matcher._read_ids()  # noqa: SLF001
            matcher._read_weights()  # noqa: SLF001
            ids.extend(matcher._ids)  # noqa: SLF001
            weights.extend(matcher._weights)  # noqa: SLF001
            if keep_values:
                matcher._read_values()  # noqa: SLF001
                values.extend(matcher._values)  # noqa: SLF001
            matcher._next_block()  # noqa: SLF001
    else:  # short posting lists are stored inline with the term
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if keep_values:
                values.append(matcher.value())
            matcher.next()
    return _Postings(ids, weights, values)


def _deleted(reader) -> frozenset[int]:
    """The segment's deleted document numbers (read once per reader: a new searcher has new readers)."""
    return reader.deleted_docs_set if reader.has_deletions() else frozenset()


_segment_lengths: dict[str, list[int]] = {}


def _field_lengths(reader) -> list[int]:
    """The match field's length (in words) of each document of a segment, cached per segment."""
    key = _segment_key(reader)
    lengths = _segment_lengths.get(key) if key else None
    if lengths is None:
        lengths = [reader.doc_field_length(docnum, MATCH_FIELD, 0) or 0 for docnum in range(reader.doc_count_all())]
        if key:
            if len(_segment_lengths) > 200:
                _segment_lengths.clear()
            _segment_lengths[key] = lengths
    return lengths


def _expand_prefix(reader, prefix: str) -> list[str]:
    terms = []
    for term in reader.expand_prefix(MATCH_FIELD, prefix):
        terms.append(term.decode() if isinstance(term, bytes) else term)
        if len(terms) >= MAX_PREFIX_TERMS:
            break
    return terms


class _SegmentMatch:
    """Evaluates a query tree on one segment with set operations on posting lists: far fewer Python
    steps than Whoosh's matcher trees, and a phrase is checked only where everything else matched."""

    def __init__(self, reader, offset: int, deadline: float | None):
        self.reader = reader
        self.offset = offset
        self.deadline = deadline
        self.timed_out = False
        self.postings: dict = {}  # (field, term) → read once per search

    def read(self, field: str, term: str) -> _Postings:
        key = (field, term)
        if key not in self.postings:
            self.postings[key] = _read_postings(self.reader, field, term)
        return self.postings[key]

    def docs(self, node, within: set[int] | None = None) -> set[int]:
        kind = node[0]
        if kind == "term":
            found = self._postings(node[1])
        elif kind == "prefix":
            found = set()
            for term in _expand_prefix(self.reader, node[1]):
                found |= self._postings(term)
        elif kind == "phrase":
            return self._phrase(node[1], within)
        elif kind == "and":
            # Terms narrow the set first; phrases are then checked only on what is left.
            children = sorted(node[1], key=lambda child: child[0] == "phrase")
            found = within
            for child in children:
                found = self.docs(child, found)
                if not found:
                    return set()
            return set(found)
        else:  # "or"
            found = set()
            for child in node[1]:
                found |= self.docs(child, within)
            return found
        return found & within if within is not None else found

    def _postings(self, term: str) -> set[int]:
        return set(self.read(MATCH_FIELD, term)[0])

    def _phrase(self, terms: list[str], within: set[int] | None) -> set[int]:
        """Documents with the words in this order: candidates have every word; their positions are then
        decoded (only theirs) from block-read postings."""
        candidates = within
        for term in terms:
            candidates = self._postings(term) if candidates is None else candidates & self._postings(term)
            if not candidates:
                return set()
        decode = decode_compact_positions
        encoded = []
        for term in terms:
            postings = self.read(POSITIONS_FIELD, term)
            encoded.append(dict(zip(postings.ids, postings.values, strict=True)))
        found = set()
        for count, docnum in enumerate(candidates):
            if self.deadline is not None and not count & 255 and time.perf_counter() > self.deadline:
                self.timed_out = True
                break
            # Shift each later word's positions back by its distance: a phrase starts where all agree.
            starts = set(decode(encoded[0][docnum]))
            for step, values in enumerate(encoded[1:], 1):
                starts.intersection_update([position - step for position in decode(values[docnum])])
                if not starts:
                    break
            else:
                found.add(docnum)
        return found


class Backend(SearchBackend):
    def __init__(self, name: str, params: dict):
        super().__init__(name, params)
        self.path = Path(params.get("PATH") or params.get("path"))
        self._generation: _Generation | None = None
        self._open_lock = threading.Lock()

    # -- locations ----------------------------------------------------------------------------------
    @property
    def _current(self) -> Path:
        return self.path / "current"

    def exists(self) -> bool:
        target = self._current
        return target.exists() and whoosh_index.exists_in(str(target.resolve()))

    def _resolved(self) -> Path | None:
        try:
            return self.path / os.readlink(self._current)
        except OSError:
            return None

    def _ensure(self) -> Path:
        """Create an empty index if there is none (so that live updates and searches just work)."""
        resolved = self._resolved()
        if resolved is not None and whoosh_index.exists_in(str(resolved)):
            return resolved
        with self._open_lock:
            resolved = self._resolved()
            if resolved is not None and whoosh_index.exists_in(str(resolved)):
                return resolved
            new = self._new_generation_dir()
            whoosh_index.create_in(str(new), build_schema())
            try:
                self._swap(new)
            except FileExistsError:
                shutil.rmtree(new, ignore_errors=True)
            return self._resolved()

    def _new_generation_dir(self) -> Path:
        self.path.mkdir(parents=True, exist_ok=True)
        new = self.path / f"gen-{time.time_ns()}-{os.getpid()}"
        new.mkdir()
        return new

    def _swap(self, new: Path) -> None:
        link = self.path / f".current-{os.getpid()}-{threading.get_ident()}"
        if link.is_symlink():
            link.unlink()
        os.symlink(new.name, link)
        os.replace(link, self._current)

    def _open(self) -> _Generation:
        generation = self._generation
        resolved = self._resolved()
        if generation is None or generation.path != resolved:
            resolved = self._ensure()
        if generation is None or generation.path != resolved:
            with self._open_lock:
                generation = self._generation
                if generation is None or generation.path != resolved:
                    generation = _Generation(resolved)
                    old, self._generation = self._generation, generation
                    if old is not None:
                        old.searcher.close()
        else:
            with generation.lock:
                generation.refresh()
        return generation

    def generation(self):
        return self._open().token

    # -- writing ------------------------------------------------------------------------------------
    def _writer(self, ix) -> SegmentWriter:
        try:
            return ix.writer(timeout=WRITE_TIMEOUT, delay=0.01, codec=CODEC)
        except LockError:
            raise LockError(f"the search index at {self.path} stayed locked for {WRITE_TIMEOUT:.0f} s") from None

    @contextmanager
    def _writing(self):
        """A writer on the current generation, committed (never merging) on success, cancelled on error.

        A save never waits for a merge: when small segments pile up, they are folded together in a
        background thread after the commit."""
        ix = whoosh_index.open_dir(str(self._ensure()))
        writer = self._writer(ix)
        try:
            yield writer
            writer.commit(merge=False)
        except BaseException:
            writer.cancel()
            raise
        if sum(segment.doc_count_all() < SMALL_SEGMENT for segment in ix._segments()) > MAX_SMALL_SEGMENTS:  # noqa: SLF001
            threading.Thread(target=self._merge_small_segments, args=(ix,), daemon=True).start()

    def _merge_small_segments(self, ix) -> None:
        try:
            writer = ix.writer(timeout=0, codec=CODEC)  # another writer is busy: it will trigger the merge
        except LockError:
            return
        try:
            writer.commit(mergetype=_merge_small_only)
        except Exception:
            writer.cancel()
            logger.exception("merging small search-index segments failed")

    def index(self, records: Iterable[Record]) -> int:
        count = 0
        with self._writing() as writer:
            for record in records:
                writer.update_document(**_document(record))
                count += 1
        return count

    def remove(self, keys: Iterable[str]) -> int:
        with self._writing() as writer:
            return sum(writer.delete_by_term("key", key) for key in keys)

    def refresh(self, keys: set[str], load: Callable[[set[str]], list[Record]]) -> None:
        with self._writing() as writer:
            found = set()
            for record in load(set(keys)):
                writer.update_document(**_document(record))
                found.add(record["key"])
            for key in set(keys) - found:
                writer.delete_by_term("key", key)

    def rebuild(self, records: Iterable[Record], total: int, progress=None) -> None:
        new = self._new_generation_dir()
        try:
            ix = whoosh_index.create_in(str(new), build_schema())
            # Two processes analyse in parallel (the machine has two cores); each leaves one segment.
            writer = (
                ix.writer(procs=REBUILD_PROCS, limitmb=256, multisegment=True, codec=CODEC)
                if total >= 2000
                else ix.writer(limitmb=256, codec=CODEC)
            )
            done = 0
            for record in records:
                writer.add_document(**_document(record))
                done += 1
                if progress and (done % 200 == 0 or done == total):
                    progress(done, total)
            if progress and done % 200:
                progress(done, total)
            if total >= 2000:
                writer.commit()
            else:
                writer.commit(mergetype=CLEAR)
            ix.close()
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        previous = self._resolved()
        self._swap(new)
        # Keep the previous generation: a process may still be reading it until its next search.
        for old in self.path.glob("gen-*"):
            if old not in (new, previous):
                shutil.rmtree(old, ignore_errors=True)

    def digests(self) -> dict[str, str]:
        searcher = self._open().searcher
        return {fields["key"]: fields.get("digest", "") for fields in searcher.all_stored_fields()}

    def segment_count(self) -> int:
        return len(self._open().index._segments())  # noqa: SLF001

    # -- reading ------------------------------------------------------------------------------------
    def analyze(self, text: str) -> list[str]:
        return [_term(word) for word in words(text)]

    @staticmethod
    def _clause_tree(clause: Clause):
        """A clause as a tree of ("term"|"phrase"|"prefix"|"and"|"or", …) nodes on MATCH_FIELD."""
        analyzed = list(words(clause.text))
        if not analyzed:
            return None
        if clause.prefix and len(analyzed) == 1 and not analyzed[0].cjk:
            return ("prefix", analyzed[0].text)
        terms = [_term(word) for word in analyzed]
        if clause.phrase or (len(terms) > 1 and not has_cjk(clause.text)):
            units = [terms]
        else:
            units = _units(analyzed)
        nodes = [("term", unit[0]) if len(unit) == 1 else ("phrase", unit) for unit in units]
        return nodes[0] if len(nodes) == 1 else ("and", nodes)

    def _group_tree(self, group: list[Clause]):
        nodes = [node for node in map(self._clause_tree, group) if node is not None]
        if not nodes:
            return None
        return nodes[0] if len(nodes) == 1 else ("or", nodes)

    def execute(self, plan: SearchPlan) -> SearchResults:
        deadline = time.perf_counter() + plan.time_limit if plan.time_limit else None
        generation = self._open()
        searcher = generation.searcher
        results = SearchResults(query=plan.parsed.display(), total=0, page=plan.page, page_size=plan.page_size, hits=[])
        group_trees = [tree for tree in map(self._group_tree, plan.groups) if tree is not None]
        excluded = [tree for tree in map(self._clause_tree, plan.parsed.excluded) if tree is not None]
        main = None
        if group_trees:
            main = group_trees[0] if len(group_trees) == 1 else ("and", group_trees)

        leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
        segments = [_SegmentMatch(reader, offset, deadline) for reader, offset in leaves]

        def matching(tree) -> list[set[int]]:
            per_leaf = []
            for segment in segments:
                reader = segment.reader
                within = None
                if plan.filters:
                    facet_sets = _segment_facets_of(reader).sets
                    for name, values in plan.filters.items():
                        accepted = set().union(*(facet_sets[name].get(value, ()) for value in values))
                        within = accepted if within is None else within & accepted
                if tree is None:
                    docs = set(range(reader.doc_count_all())) if within is None else within
                else:
                    docs = segment.docs(tree, within)
                if docs and excluded:
                    docs = docs - segment.docs(("or", excluded))
                if docs and reader.has_deletions():
                    docs = docs - _deleted(reader)
                results.timed_out |= segment.timed_out
                per_leaf.append(docs)
            return per_leaf

        per_leaf = matching(main)
        if not any(per_leaf) and plan.any_word_fallback and len(group_trees) > 1:
            main = ("or", group_trees)
            per_leaf = matching(main)
            results.any_word = any(per_leaf)
        docs: set[int] = set()
        for leaf_docs, (_reader, offset) in zip(per_leaf, leaves, strict=True):
            docs.update(offset + docnum for docnum in leaf_docs)
        results.total = len(docs)

        pinned_docnums = []
        for key in plan.pinned:
            docnum = searcher.document_number(key=key)
            if docnum is not None and docnum not in pinned_docnums and not self._excluded(docnum, excluded, segments):
                pinned_docnums.append(docnum)

        for name in plan.facets:
            counts: Counter = Counter()
            for leaf_docs, (reader, _offset) in zip(per_leaf, leaves, strict=True):
                if not leaf_docs:
                    continue
                # Each matched document's values, looked up and counted at C speed.
                counts.update(chain.from_iterable(map(_segment_facets_of(reader).values[name].__getitem__, leaf_docs)))
            selected = set(plan.filters.get(name, []))
            if name == "year":
                ordered = sorted(counts.items(), key=lambda item: item[0], reverse=True)
            else:
                ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            results.facets[name] = [
                FacetValue(value=value, label=value, count=count, selected=value in selected)
                for value, count in ordered
            ]

        # Pinned entries come first whether or not the words matched them; the rest in score order.
        offset = (plan.page - 1) * plan.page_size
        page_hits: list[tuple[int, float, bool]] = [(d, 0.0, True) for d in pinned_docnums][
            offset : offset + plan.page_size
        ]
        skip = max(0, offset - len(pinned_docnums))
        wanted = plan.page_size - len(page_hits)
        if docs and wanted > 0:
            limit = skip + wanted + len(pinned_docnums)
            if main is None:
                scored = [(docnum, 0.0) for docnum in sorted(docs)[:limit]]
            else:
                scored = _top_scored(searcher, segments, leaves, per_leaf, main, plan.boosts, limit)
            ranked = [(docnum, score, False) for docnum, score in scored if docnum not in pinned_docnums]
            page_hits += ranked[skip : skip + wanted]
        if pinned_docnums:
            results.total = len(docs | set(pinned_docnums))
        if results.timed_out:
            results.notes.append("the search took too long; these are the best results found in time")
        highlighter = _Highlighter(plan)
        for docnum, score, pinned in page_hits:
            stored = searcher.stored_fields(docnum)
            data = stored["data"]
            snippet, matched_in = highlighter.explain(data)
            results.hits.append(
                SearchHit(
                    key=stored["key"],
                    kind=data["kind"],
                    title=data.get("title") or data.get("title_zh") or "",
                    document=data.get("document", ""),
                    document_slug=data.get("document_slug", ""),
                    num=data.get("num", ""),
                    url=result_url(data["kind"], data),
                    snippet=snippet,
                    score=round(float(score), 4),
                    matched_in=(["document number"] if pinned else []) + matched_in,
                    pinned=pinned,
                )
            )
        return results

    @staticmethod
    def _excluded(docnum: int, excluded: list, segments: list) -> bool:
        """Whether an excluded word removes this (pinned) entry."""
        if not excluded:
            return False
        for segment in segments:
            if segment.offset <= docnum < segment.offset + segment.reader.doc_count_all():
                return bool(segment.docs(("or", excluded), {docnum - segment.offset}))
        return False

    def correct(self, typed: list[str]) -> dict[str, str]:
        searcher = self._open().searcher
        reader = searcher.reader()
        corrections = {}
        for word in typed:
            folded = word.lower()
            if len(folded) < 4 or has_cjk(folded) or not folded.isalpha():
                continue
            typed_stem = stem(folded)
            if reader.doc_frequency(MATCH_FIELD, typed_stem) > 0:
                continue
            # The vocabulary is stemmed; the typed word's ending goes back onto the corrected stem
            # (recyling → recyl|ing → recycl|ing → recycling).
            suggestions = searcher.suggest(MATCH_FIELD, typed_stem, limit=1, maxdist=2, prefix=1)
            if suggestions:
                ending = folded[len(typed_stem) :] if folded.startswith(typed_stem) else ""
                corrections[word] = suggestions[0] + ending
        return corrections

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        typed = list(words(prefix[:100]))
        if not typed:
            return []
        searcher = self._open().searcher
        parts: list[wq.Query] = [wq.Term("complete", word.text) for word in typed[:-1]]
        last = typed[-1].text
        parts.append(wq.Or([wq.Term("complete", last, boost=2.0), wq.Prefix("complete", last)]))
        query = parts[0] if len(parts) == 1 else wq.And(parts)
        kind_boost = wq.Or([wq.Term("kind", "glossary", boost=3.0), wq.Term("kind", "document", boost=3.0)])
        hits = searcher.search(wq.AndMaybe(query, kind_boost), limit=limit)
        out = []
        for hit in hits:
            data = hit["data"]
            label = data.get("title") or data.get("title_zh") or ""
            if has_cjk(prefix) and data.get("title_zh"):
                label = data["title_zh"]
            out.append(
                Suggestion(
                    label=label,
                    kind=data["kind"],
                    url=result_url(data["kind"], data),
                    document=data.get("document", ""),
                )
            )
        return out


def _merge_small_only(writer, segments):
    """A merge policy for live commits: fold the small segments into one, leave the large ones alone."""
    from whoosh.reading import SegmentReader

    keep, small = [], []
    for segment in segments:
        (small if segment.doc_count_all() < SMALL_SEGMENT else keep).append(segment)
    for segment in small:
        reader = SegmentReader(writer.storage, writer.schema, segment, generation=writer.generation)
        writer.add_reader(reader)
        reader.close()
    return keep


BM25_K1, BM25_B = 1.2, 0.75


def _tree_terms(tree, reader) -> list[str]:
    """The words a query tree looks for (prefixes expanded in this segment), for scoring."""
    kind = tree[0]
    if kind == "term":
        return [tree[1]]
    if kind == "phrase":
        return list(tree[1])
    if kind == "prefix":
        return _expand_prefix(reader, tree[1])
    return [term for child in tree[1] for term in _tree_terms(child, reader)]


def _top_scored(searcher, segments, leaves, per_leaf, tree, boosts, limit: int) -> list[tuple[int, float]]:
    """Rank only the documents that matched: BM25 on the match field at the body boost, plus, for each
    word found in a small field (heading, number, glossary, title, meta), that field's boost × idf."""
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

    scored: list[tuple[int, float]] = []
    for segment, leaf_docs, (reader, offset) in zip(segments, per_leaf, leaves, strict=True):
        if not leaf_docs:
            continue
        lengths = _field_lengths(reader)
        # Length normalisation once per matched document, not once per (word, document).
        norms = {docnum: BM25_K1 * (1 - BM25_B + BM25_B * lengths[docnum] / average_length) for docnum in leaf_docs}
        scores = dict.fromkeys(leaf_docs, 0.0)
        for term in dict.fromkeys(_tree_terms(tree, reader)):
            weight = idf(term) * body_boost * (BM25_K1 + 1)
            postings = segment.read(MATCH_FIELD, term)
            frequencies = dict(zip(postings.ids, postings.weights, strict=True))
            # Walk whichever is shorter: the matched documents or the word's postings.
            if len(leaf_docs) < len(frequencies):
                pairs = ((docnum, frequencies.get(docnum)) for docnum in leaf_docs)
            else:
                pairs = ((docnum, frequency) for docnum, frequency in frequencies.items() if docnum in norms)
            for docnum, frequency in pairs:
                if frequency:
                    scores[docnum] += weight * frequency / (frequency + norms[docnum])
            for name, boost in field_boosts:
                bonus = boost * idf(term)
                for docnum in leaf_docs.intersection(segment.read(name, term).ids):
                    scores[docnum] += bonus
        scored.extend((offset + docnum, score) for docnum, score in scores.items())
    return heapq.nlargest(limit, scored, key=lambda pair: (pair[1], -pair[0]))


def _units(analyzed: list[Word]) -> list[list[str]]:
    """Dictionary words of a typed Chinese run on their own; other neighbours (single characters,
    numbers as in 88号) kept together as a phrase."""
    units: list[list[str]] = []
    run: list[str] = []
    for word in analyzed:
        if word.cjk and len(word.text) > 1:
            if run:
                units.append(run)
                run = []
            units.append([word.text])
        else:
            run.append(_term(word))
    if run:
        units.append(run)
    return units


_MARKDOWN = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|\*\*?|__|`|^\s*(?:#+|>)\s*", re.MULTILINE)


class _Highlighter:
    """Marks query terms in the stored text of the hits shown (only those, never every match)."""

    def __init__(self, plan: SearchPlan):
        self.length = plan.snippet_length
        self.original: set[str] = set()
        self.synonyms: dict[str, str] = {}  # term → the synonym it came from
        self.prefixes: list[str] = []
        for group in plan.groups:
            for clause in group:
                if clause.prefix:
                    self.prefixes.append(clause.text)
                    continue
                terms = [_term(word) for word in words(clause.text)]
                if clause in plan.synonym_clauses:
                    for term in terms:
                        self.synonyms.setdefault(term, clause.text)
                else:
                    self.original.update(terms)
        self.terms = self.original | set(self.synonyms)
        self.cjk_terms = [term for term in self.terms if has_cjk(term)]
        self.prefix_tuple = tuple(fold(prefix) for prefix in self.prefixes)
        # Porter stemming only rewrites endings: a word can only stem to a query term if it starts with
        # the same two letters. Checking that first spares stemming nearly every word of a text.
        self.heads = {term[:2] for term in self.terms if not has_cjk(term)} | {p[:2] for p in self.prefix_tuple}

    def _matches(self, text: str) -> list[tuple[int, int, str]]:
        folded = fold(text)
        found = []
        if self.heads:
            for match in LATIN_WORD_RE.finditer(folded):
                word = match.group()
                if word[:2] not in self.heads or word in STOP_WORDS:
                    continue
                term = stem(word)
                if term in self.terms or (self.prefix_tuple and word.startswith(self.prefix_tuple)):
                    found.append((match.start(), match.end(), term))
        for term in self.cjk_terms:
            start = folded.find(term)
            while start != -1:
                found.append((start, start + len(term), term))
                start = folded.find(term, start + len(term))
        if self.cjk_terms:
            found.sort()
        return found

    def explain(self, data: dict) -> tuple[str, list[str]]:
        text = _MARKDOWN.sub(lambda m: m.group(1) or "", data.get("text") or "")
        text = " ".join(text.split())
        matches = self._matches(text)
        matched_in = []
        heading = " ".join(filter(None, [data.get("title"), data.get("title_zh")]))
        heading_matches = self._matches(heading)
        if heading_matches:
            matched_in.append(FIELD_LABELS["heading"])
        if matches:
            matched_in.append(FIELD_LABELS["body"])
        if data.get("document") and self._matches(data["document"]):
            matched_in.append(FIELD_LABELS["title"])
        used_synonyms = {self.synonyms[t] for _, _, t in matches + heading_matches if t in self.synonyms}
        used_original = {t for _, _, t in matches + heading_matches if t in self.original}
        for synonym in sorted(used_synonyms):
            if not used_original:
                matched_in.append(f"glossary synonym “{synonym}”")
        if not matches and not text:
            text, matches = heading, heading_matches
        return self._snippet(text, matches), matched_in

    def _snippet(self, text: str, matches: list[tuple[int, int, str]]) -> str:
        length = self.length
        if not matches:
            cut = text[:length]
            return html.escape(cut) + ("…" if len(text) > length else "")
        best_start, best_score = 0, -1
        for start, _end, _term_text in matches:
            window_start = max(0, start - length // 5)
            distinct = {t for s, e, t in matches if s >= window_start and e <= window_start + length}
            if len(distinct) > best_score:
                best_start, best_score = window_start, len(distinct)
        if best_start > 0:
            space = text.rfind(" ", 0, best_start + 1)
            if space != -1 and best_start - space < 15:
                best_start = space + 1
        end = min(len(text), best_start + length)
        out = ["…"] if best_start > 0 else []
        cursor = best_start
        last_end = best_start
        for start, stop, _t in sorted(matches):
            if start < cursor or start < last_end or stop > end:
                continue
            out.append(html.escape(text[cursor:start]))
            out.append(f"<mark>{html.escape(text[start:stop])}</mark>")
            cursor = last_end = stop
        out.append(html.escape(text[cursor:end]))
        if end < len(text):
            out.append("…")
        return "".join(out)

"""The embedded Whoosh backend: ``search.backends.base.SearchBackend`` on an index folder.

Whoosh stores and reads the postings; the query work is done in this package, because Whoosh's
matcher trees cost several Python calls per posting. Matching is set algebra on block-read posting
lists per segment (``matching``); facet counts are intersections with per-segment value sets
(``facets``); only the matched documents are ranked (``ranking``); only the page shown is
highlighted (``search.backends.highlighting``).
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh import query as wq

from search.backends.base import Progress, Record, SearchBackend
from search.backends.highlighting import Highlighter
from search.backends.whoosh import facets
from search.backends.whoosh.analyzer import index_terms, stem
from search.backends.whoosh.generations import IndexFolder, unreadable_as_unavailable
from search.backends.whoosh.matching import SegmentMatch, clause_tree, group_tree
from search.backends.whoosh.postings import deleted
from search.backends.whoosh.ranking import top_scored
from search.backends.whoosh.schema import COMPLETION_FIELD, MATCH_FIELD, index_fields
from search.backends.whoosh.writing import build_generation, writing
from search.notes import Note
from search.query.analysis import has_cjk, words
from search.results import MatchedIn, SearchHit, SearchPlan, SearchResults, Suggestion

MIN_CORRECTED_LENGTH = 4  # shorter words are too often abbreviations to "correct"
MAX_SUGGEST_PREFIX = 100
FAVOURED_SUGGESTION_KINDS = ("glossary", "document")  # autocomplete offers terms and documents first


class Backend(SearchBackend):
    def __init__(self, name: str, params: dict):
        super().__init__(name, params)
        self.path = Path(params.get("PATH") or params.get("path"))
        self.folder = IndexFolder(self.path)

    # -- writing ------------------------------------------------------------------------------------
    def index(self, records: Iterable[Record]) -> int:
        count = 0
        with writing(self.folder) as writer:
            for record in records:
                writer.update_document(**index_fields(record))
                count += 1
        return count

    def remove(self, keys: Iterable[str]) -> int:
        with writing(self.folder) as writer:
            return sum(writer.delete_by_term("key", key) for key in keys)

    def refresh(self, keys: set[str], load: Callable[[set[str]], list[Record]]) -> None:
        with writing(self.folder) as writer:
            found = set()
            for record in load(set(keys)):
                writer.update_document(**index_fields(record))
                found.add(record["key"])
            for key in set(keys) - found:
                writer.delete_by_term("key", key)

    def rebuild(self, records: Iterable[Record], total: int, progress: Progress | None = None) -> None:
        build_generation(self.folder, records, total, progress)

    def _digests(self) -> dict[str, str]:
        searcher = self.folder.open().searcher
        return {fields["key"]: fields.get("digest", "") for fields in searcher.all_stored_fields()}

    def exists(self) -> bool:
        return self.folder.exists()

    def _generation(self):
        return self.folder.open().token

    # A damaged or vanished file is reported as such (IndexUnavailableError), never as a crash.
    def digests(self) -> dict[str, str]:
        with unreadable_as_unavailable(self.path):
            return self._digests()

    def generation(self):
        with unreadable_as_unavailable(self.path):
            return self._generation()

    def execute(self, plan: SearchPlan) -> SearchResults:
        with unreadable_as_unavailable(self.path):
            return self._execute(plan)

    def correct(self, typed: list[str]) -> dict[str, str]:
        with unreadable_as_unavailable(self.path):
            return self._correct(typed)

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        with unreadable_as_unavailable(self.path):
            return self._suggest(prefix, limit)

    def segment_count(self) -> int:
        return len(self.folder.open().index._segments())  # noqa: SLF001

    # -- reading ------------------------------------------------------------------------------------
    def analyze(self, text: str) -> list[str]:
        return index_terms(text)

    def _execute(self, plan: SearchPlan) -> SearchResults:
        deadline = time.perf_counter() + plan.time_limit if plan.time_limit else None
        searcher = self.folder.open().searcher
        results = SearchResults(query=plan.parsed.display(), total=0, page=plan.page, page_size=plan.page_size, hits=[])
        group_trees = [tree for tree in map(group_tree, plan.groups) if tree is not None]
        excluded = [tree for tree in map(clause_tree, plan.parsed.excluded) if tree is not None]
        main = None
        if group_trees:
            main = group_trees[0] if len(group_trees) == 1 else ("and", group_trees)
        segments = [SegmentMatch(leaf.reader(), offset, deadline) for leaf, offset in searcher.leaf_searchers()]

        def matching(tree) -> list[set[int]]:
            per_leaf = []
            for segment in segments:
                reader = segment.reader
                within = facets.accepted(reader, plan.filters)
                if tree is None:
                    docs = set(range(reader.doc_count_all())) if within is None else within
                else:
                    docs = segment.docs(tree, within)
                if docs and excluded:
                    docs = docs - segment.docs(("or", excluded))
                if docs and reader.has_deletions():
                    docs = docs - deleted(reader)
                results.timed_out |= segment.timed_out
                per_leaf.append(docs)
            return per_leaf

        per_leaf = matching(main)
        if not any(per_leaf) and plan.any_word_fallback and len(group_trees) > 1:
            main = ("or", group_trees)
            per_leaf = matching(main)
            results.any_word = any(per_leaf)
        results.total = sum(map(len, per_leaf))  # segments never share a document

        pinned_docnums = []
        for key in plan.pinned:
            docnum = searcher.document_number(key=key)
            if docnum is not None and docnum not in pinned_docnums and not _excluded(docnum, excluded, segments):
                pinned_docnums.append(docnum)

        readers = [segment.reader for segment in segments]
        for name in plan.facets:
            results.facets[name] = facets.facet_values(name, per_leaf, readers, plan.filters.get(name, []))

        # Pinned entries come first whether or not the words matched them; the rest in score order.
        offset = (plan.page - 1) * plan.page_size
        page_hits: list[tuple[int, float, bool]] = [(d, 0.0, True) for d in pinned_docnums][
            offset : offset + plan.page_size
        ]
        skip = max(0, offset - len(pinned_docnums))
        wanted = plan.page_size - len(page_hits)
        if results.total and wanted > 0:
            limit = skip + wanted + len(pinned_docnums)
            if main is None:
                scored = [(docnum, 0.0) for docnum in _first_docnums(segments, per_leaf, limit)]
            else:
                scored = top_scored(
                    searcher,
                    segments,
                    per_leaf,
                    main,
                    plan.boosts,
                    limit,
                    groups=group_trees,
                    coordination=plan.coordination,
                    status_weights=plan.status_weights,
                    synonym_terms=_synonym_terms(plan),
                )
            ranked = [(docnum, score, False) for docnum, score in scored if docnum not in pinned_docnums]
            page_hits += ranked[skip : skip + wanted]
        results.total += sum(not _matched(docnum, segments, per_leaf) for docnum in pinned_docnums)
        if results.timed_out:
            results.notes.append(Note("timed_out_partial"))
        highlighter = Highlighter(plan, stem)
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
                    url=data.get("url", ""),
                    snippet=snippet,
                    score=round(float(score), 4),
                    matched_in=([MatchedIn("document_number")] if pinned else []) + matched_in,
                    pinned=pinned,
                    status=data.get("status", ""),
                    status_label=data.get("status_label", ""),
                    status_badge=data.get("status_badge", ""),
                    eid=data.get("eid", ""),
                    citation=data.get("citation") or data.get("num", ""),
                    part=data.get("part", ""),
                    position=data.get("position", 0),
                )
            )
        return results

    def _correct(self, typed: list[str]) -> dict[str, str]:
        searcher = self.folder.open().searcher
        reader = searcher.reader()
        corrections = {}
        for word in typed:
            folded = word.lower()
            if len(folded) < MIN_CORRECTED_LENGTH or has_cjk(folded) or not folded.isalpha():
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

    def _suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        typed = list(words(prefix[:MAX_SUGGEST_PREFIX]))
        if not typed:
            return []
        searcher = self.folder.open().searcher
        parts: list[wq.Query] = [wq.Term(COMPLETION_FIELD, word.text) for word in typed[:-1]]
        last = typed[-1].text
        parts.append(wq.Or([wq.Term(COMPLETION_FIELD, last, boost=2.0), wq.Prefix(COMPLETION_FIELD, last)]))
        query = parts[0] if len(parts) == 1 else wq.And(parts)
        kind_boost = wq.Or([wq.Term("kind", kind, boost=3.0) for kind in FAVOURED_SUGGESTION_KINDS])
        out = []
        for hit in searcher.search(wq.AndMaybe(query, kind_boost), limit=limit):
            data = hit["data"]
            label = data.get("title") or data.get("title_zh") or ""
            if has_cjk(prefix) and data.get("title_zh"):
                label = data["title_zh"]
            out.append(
                Suggestion(label=label, kind=data["kind"], url=data.get("url", ""), document=data.get("document", ""))
            )
        return out


def _synonym_terms(plan: SearchPlan) -> set[str]:
    """Index terms that only the synonyms added to the query bring (not typed)."""
    typed, added = set(), set()
    for group in plan.groups:
        for clause in group:
            (added if clause in plan.synonym_clauses else typed).update(index_terms(clause.text))
    return added - typed


def _first_docnums(segments: list[SegmentMatch], per_leaf: list[set[int]], limit: int) -> list[int]:
    """The ``limit`` lowest global numbers of the matched documents (segments are in number order)."""
    first: list[int] = []
    for segment, leaf_docs in zip(segments, per_leaf, strict=True):
        if len(first) >= limit:
            break
        first += [segment.offset + docnum for docnum in heapq.nsmallest(limit - len(first), leaf_docs)]
    return first


def _matched(docnum: int, segments: list[SegmentMatch], per_leaf: list[set[int]]) -> bool:
    return any(
        segment.contains(docnum) and docnum - segment.offset in leaf_docs
        for segment, leaf_docs in zip(segments, per_leaf, strict=True)
    )


def _excluded(docnum: int, excluded: list, segments: list[SegmentMatch]) -> bool:
    """Whether an excluded word removes this (pinned) entry."""
    if not excluded:
        return False
    for segment in segments:
        if segment.contains(docnum):
            return bool(segment.docs(("or", excluded), {docnum - segment.offset}))
    return False

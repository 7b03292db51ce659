"""Query-time knowledge read from the database: glossary synonyms, document numbers, provision
numbers and facet labels.

Read once per index generation: every change to a glossary term, document or provision reindexes
its entry, which changes the generation, so an edit in the admin takes effect on the next search
in every process without a reindex of anything else.

Only published documents and provisions are known here (as in the index): a draft's number or
reference names nothing, and does not make a published provision's reference ambiguous.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from regulations.models import Document, GlossaryTerm, Industry, Provision, Publication, Topic
from search.backends.base import SearchBackend
from search.query.analysis import fold, normalize_docnum
from search.query.parser import Clause, ParsedQuery
from search.records import label_maps
from search.results import Expansion, SearchResults

Analyze = Callable[[str], list[str]]  # text → the index's terms (the backend's ``analyze``)

MAX_NAME_WORDS = 8
_NUM_STRIP = re.compile(r"[\s()（）〔〕\[\]、.．。:：第条章节]")
_SUFFIX_RE = re.compile(r"(?<![0-9])([0-9]{1,4})号")
_TOKEN_SPLIT = re.compile(r"\s+")


@dataclass
class Catalog:
    synonyms: dict[tuple[str, ...], tuple[int, str]] = field(default_factory=dict)  # terms → (group, name)
    groups: dict[int, list[str]] = field(default_factory=dict)  # group → names, in glossary order
    docnums: dict[str, int] = field(default_factory=dict)  # normalized number → document pk
    folded_docnums: dict[str, int] = field(default_factory=dict)  # folded number (brackets kept) → pk
    provision_refs: dict[int, dict[str, list[int]]] = field(default_factory=dict)  # doc pk → ref → provisions
    eids: dict[str, list[int]] = field(default_factory=dict)  # identifier → provisions (in any document)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    reverse_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # facet → folded label → value

    # -- synonyms -----------------------------------------------------------------------------------
    def expand(self, analyze: Analyze, parsed: ParsedQuery) -> tuple[list[list[Clause]], set[Clause], list[Expansion]]:
        """Extend the query's groups with glossary synonyms. Runs of plain words that spell a glossary
        name (after analysis, so "power batteries" matches "power battery") become one group: the
        words as a phrase, OR each other name of the term."""
        groups = [list(group) for group in parsed.groups]
        expansions: list[Expansion] = []
        synonym_clauses: set[Clause] = set()
        if not self.synonyms or not groups:
            return groups, synonym_clauses, expansions
        analyzed = []
        for group in groups:
            clause = group[0]
            if len(group) == 1 and not clause.prefix:
                analyzed.append(tuple(analyze(clause.text)))
            else:
                analyzed.append(None)
        out: list[list[Clause]] = []
        i = 0
        while i < len(groups):
            match = None
            if analyzed[i]:
                terms: tuple[str, ...] = ()
                for j in range(i, min(len(groups), i + MAX_NAME_WORDS)):
                    if not analyzed[j]:
                        break
                    terms += analyzed[j]
                    if terms in self.synonyms:
                        match = (j, self.synonyms[terms])
            if match is None:
                out.append(groups[i])
                i += 1
                continue
            j, (group_id, _name) = match
            typed = " ".join(groups[k][0].text for k in range(i, j + 1))
            alternatives = [Clause(typed, phrase=j > i or groups[i][0].phrase)]
            added = []
            seen_terms = {tuple(analyze(typed))}
            for name in self.groups[group_id]:
                name_terms = tuple(analyze(name))
                if not name_terms or name_terms in seen_terms:
                    continue
                seen_terms.add(name_terms)
                clause = Clause(fold(name), phrase=len(name_terms) > 1)
                alternatives.append(clause)
                synonym_clauses.add(clause)
                added.append(name)
            out.append(alternatives)
            if added:
                expansions.append(Expansion(matched=typed, synonyms=added))
            i = j + 1
        return out, synonym_clauses, expansions

    # -- document numbers and provision references --------------------------------------------------
    def pinned_keys(self, parsed: ParsedQuery) -> list[str]:
        text = fold(parsed.raw)[:300]
        whole = normalize_docnum(text)
        documents: list[int] = []
        for number, pk in self.docnums.items():
            if len(number) >= 4 and number in whole and pk not in documents:
                documents.append(pk)
        if not documents:
            for suffix in _SUFFIX_RE.findall(text):
                for number, pk in self.folded_docnums.items():
                    if re.search(rf"(?<![0-9]){suffix}号$", number) and pk not in documents:
                        documents.append(pk)
            for chunk in _TOKEN_SPLIT.split(text):
                chunk = normalize_docnum(chunk)
                if "/" in chunk and any(ch.isdigit() for ch in chunk) and len(chunk) >= 6:
                    documents += [pk for number, pk in self.docnums.items() if chunk in number and pk not in documents]
        if len(documents) > 3:
            return []
        keys = []
        words = [c for c in _TOKEN_SPLIT.split(text) if c]
        # "Art. 7" and "（七） 2." are typed as two chunks: try neighbours joined as well.
        chunks = words + [first + second for first, second in zip(words, words[1:], strict=False)]
        if not documents:
            # An identifier on its own (part_2__sec_7__item_2) names a provision when only one has it.
            for chunk in words:
                if "_" in chunk and len(self.eids.get(chunk, [])) == 1:
                    keys.append(f"provision:{self.eids[chunk][0]}")
            return keys[:3]
        found: dict[str, int] = {}  # provision key → length of the longest reference that named it
        for pk in documents:
            refs = self.provision_refs.get(pk, {})
            for chunk in chunks:
                ref = _NUM_STRIP.sub("", chunk)
                for matched in (chunk, ref):
                    for provision_pk in refs.get(matched, []) if matched else []:
                        key = f"provision:{provision_pk}"
                        found[key] = max(found.get(key, 0), len(matched))
        # The most specific reference first: （七） 2. names item 2 before section （七）.
        keys = sorted(found, key=lambda key: -found[key])[:3]
        return keys + [f"document:{pk}" for pk in documents]

    # -- filters and labels -------------------------------------------------------------------------
    def normalize_filters(self, filters: dict[str, list[str]]) -> dict[str, list[str]]:
        """Accept labels (any case, English or Chinese) as well as values."""
        out: dict[str, list[str]] = {}
        for name, values in filters.items():
            known = self.labels.get(name, {})
            reverse = self.reverse_labels.get(name, {})
            for value in values:
                if name == "kind":
                    value = value.lower().rstrip("s")
                    value = {"term": "glossary", "glossary term": "glossary"}.get(value, value)
                folded = fold(value).strip()
                if value not in known:
                    value = reverse.get(folded, folded if folded in known else value)
                if value not in out.setdefault(name, []):
                    out[name].append(value)
        return out

    def label_facets(self, results: SearchResults) -> None:
        for name, values in results.facets.items():
            labels = self.labels.get(name, {})
            for value in values:
                value.label = labels.get(value.value, value.value)


def build_catalog(analyze: Analyze) -> Catalog:
    catalog = Catalog()
    for group_id, term in enumerate(GlossaryTerm.objects.all()):
        names = term.all_names
        catalog.groups[group_id] = names
        for name in names:
            terms = tuple(analyze(name))
            if terms and len(terms) <= MAX_NAME_WORDS:
                catalog.synonyms.setdefault(terms, (group_id, name))
    for pk, number in Document.objects.published().exclude(doc_number="").values_list("pk", "doc_number"):
        catalog.docnums[normalize_docnum(number)] = pk
        catalog.folded_docnums[fold(number)] = pk
    # Every provision's number (a published item under a draft section is still cited with its number),
    # but only published provisions of published documents are references.
    rows = list(
        Provision.objects.values_list(
            "pk", "document_id", "parent_id", "num", "eid", "publication", "document__publication"
        )
    )
    stripped_of = {row[0]: _NUM_STRIP.sub("", fold(row[3])) for row in rows}
    parent_of = {row[0]: row[2] for row in rows}
    published = Publication.PUBLISHED
    for pk, document_id, _parent, _num, eid, publication, document_publication in rows:
        if publication != published or document_publication != published:
            continue
        refs = catalog.provision_refs.setdefault(document_id, {})
        refs.setdefault(eid, []).append(pk)
        catalog.eids.setdefault(eid, []).append(pk)
        # The number alone ("七"), and with its ancestors' numbers ("七2" for （七）2.), as people cite it.
        ref, node = "", pk
        while node is not None and stripped_of.get(node):
            ref = stripped_of[node] + ref
            refs.setdefault(ref, [])
            if pk not in refs[ref]:
                refs[ref].append(pk)
            node = parent_of.get(node)
    # A number shared by several provisions of one document (（一） under each part) is no reference.
    for refs in catalog.provision_refs.values():
        for ref in [ref for ref, pks in refs.items() if len(pks) > 1]:
            del refs[ref]
    catalog.labels = label_maps()
    for name, labels in catalog.labels.items():
        catalog.reverse_labels[name] = {fold(label): value for value, label in labels.items()}
    for industry in Industry.objects.only("slug", "name_zh", "aliases"):
        for alias in [industry.name_zh, *(industry.aliases or [])]:
            if alias:
                catalog.reverse_labels["industry"].setdefault(fold(alias), industry.slug)
    for topic in Topic.objects.only("slug", "name_zh"):
        if topic.name_zh:
            catalog.reverse_labels["topic"].setdefault(fold(topic.name_zh), topic.slug)
    return catalog


_catalogs: dict[str, tuple[object, Catalog]] = {}
_lock = threading.Lock()
_local_version = 0


def invalidate() -> None:
    """Called by the signal handlers, for changes that do not touch the index (an industry's name)."""
    global _local_version
    _local_version += 1


def get_catalog(backend: SearchBackend) -> Catalog:
    token = (backend.generation(), _local_version)
    cached = _catalogs.get(backend.name + repr(backend.params))
    if cached is not None and cached[0] == token:
        return cached[1]
    with _lock:
        catalog = build_catalog(backend.analyze)
        _catalogs[backend.name + repr(backend.params)] = (token, catalog)
    return catalog

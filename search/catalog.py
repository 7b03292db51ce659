"""Query-time knowledge read from the database: glossary synonyms, document numbers, provision
numbers and facet labels.

Read once per catalog version (search.models.CatalogVersion) and day: a commit that changes what is read
here (a document, a legal event, a glossary term, an industry or topic, a provision's number, heading or
publication; search.signals) replaces the version, so the edit takes effect on the next search in every
process. An edit of a provision's text alone leaves the catalog as it is: with editors at work the index
changes every second, and a catalog rebuilt for each index write would cost every search after it.

Only published documents and provisions are known here (as in the index): a draft's number or
reference names nothing, and does not make a published provision's reference ambiguous.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils import timezone

from regulations.models import Document, GlossaryTerm, Industry, Provision, Publication, Topic
from regulations.models.validity import IN_FORCE_STATUSES
from search.backends.base import SearchBackend
from search.models import CatalogVersion
from search.query.analysis import fold, normalize_docnum, words
from search.query.parser import Clause, ParsedQuery
from search.query.references import Reference, article_numbers, provision_numbers, typed_references
from search.records import label_maps
from search.results import Expansion, SearchResults

THESAURUS_FILE = Path(__file__).with_name("thesaurus.yaml")
MAX_PINNED_PROVISIONS = 3
MAX_BEST_BETS = 2
_NAME_QUALIFIERS = re.compile(r"[(（][^)）]*[)）]|^中华人民共和国|of the people's republic of china", re.IGNORECASE)

Analyze = Callable[[str], list[str]]  # text → the index's terms (the backend's ``analyze``)

MAX_NAME_WORDS = 8
_SUFFIX_RE = re.compile(r"(?<![0-9])([0-9]{1,4})号")
_TOKEN_SPLIT = re.compile(r"\s+")


@dataclass
class Catalog:
    synonyms: dict[tuple[str, ...], tuple[int, str]] = field(default_factory=dict)  # terms → (group, name)
    groups: dict[int, list[str]] = field(default_factory=dict)  # group → names, in glossary order
    docnums: dict[str, int] = field(default_factory=dict)  # normalized number → document pk
    folded_docnums: dict[str, int] = field(default_factory=dict)  # folded number (brackets kept) → pk
    eids: dict[str, list[int]] = field(default_factory=dict)  # identifier → provisions (in any document)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    group_terms: dict[int, str] = field(default_factory=dict)  # group → its glossary entry's key (not thesaurus)
    defined_names: dict[int, set[str]] = field(default_factory=dict)  # group → the term's own names, abbreviations
    canonical: dict[str, str] = field(default_factory=dict)  # a thesaurus word → its group's first word
    document_names: list[tuple[frozenset[str], int]] = field(default_factory=list)  # name terms, document pk
    in_force: set[int] = field(default_factory=set)  # documents in force today (best bets prefer them)
    outline_paths: dict[tuple[int, ...], list[tuple[int, int]]] = field(default_factory=dict)  # → (doc, pk)
    articles: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # article number → (doc, pk)
    document_slugs: dict[str, int] = field(default_factory=dict)
    outline_suffixes: dict[tuple[int, ...], list[tuple[int, int]]] = field(default_factory=dict)  # "（七）2"
    analyze: Analyze | None = None
    own_numbers: dict[tuple[int, bool], list[tuple[int, int]]] = field(default_factory=dict)  # (n, in Chinese)
    surface: dict[str, str] = field(default_factory=dict)  # an index term → the word people write for it
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
            j, (group_id, matched_name) = match
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
                # A definition is shown for the term's own names, not for a looser synonym ("recycling").
                named = matched_name in self.defined_names.get(group_id, ())
                expansions.append(
                    Expansion(matched=typed, synonyms=added, term=self.group_terms.get(group_id, "") if named else "")
                )
            i = j + 1
        return out, synonym_clauses, expansions

    # -- what a query names: documents (by number or title) and provisions (by reference) -----------
    def pinned_keys(self, parsed: ParsedQuery, filters: dict[str, list[str]] | None = None) -> list[str]:
        """Index keys to put first: the provisions the query cites, then the documents it names (a best
        bet). A reference is looked up in the documents the query names or the filter chooses, else in
        the whole corpus, where it counts only when it names few provisions."""
        text = fold(parsed.raw)[:300]
        documents = self.documents_numbered(text) or self.documents_named(parsed)
        chosen = [
            self.document_slugs[slug] for slug in (filters or {}).get("document", []) if slug in self.document_slugs
        ]
        provisions = self.provisions_cited(typed_references(parsed.raw[:300]), documents or chosen)
        if not provisions and not documents:
            # An identifier on its own (part_2__sec_7__item_2) names a provision when only one has it.
            for chunk in _TOKEN_SPLIT.split(text):
                if "_" in chunk and len(self.eids.get(chunk, [])) == 1:
                    provisions.append(self.eids[chunk][0])
        return [f"provision:{pk}" for pk in provisions[:MAX_PINNED_PROVISIONS]] + [f"document:{pk}" for pk in documents]

    def document_numbered_exactly(self, text: str) -> int | None:
        """The document whose number is the whole query (brackets and spaces aside), if one is."""
        return self.docnums.get(normalize_docnum(text)) if text.strip() else None

    def documents_numbered(self, text: str) -> list[int]:
        """Documents whose number the query contains (brackets and spaces aside), or a "…88号" suffix."""
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
        return documents if len(documents) <= 3 else []

    def documents_named(self, parsed: ParsedQuery) -> list[int]:
        """Documents one of whose names (title, short title, alternative title, in either language) is
        all in the query; the longest name wins, and of equally long ones those in force come first."""
        if self.analyze is None:
            return []
        typed = frozenset(
            self.canonical_terms(" ".join(clause.text for group in parsed.groups for clause in group[:1]))
        )
        if not typed:
            return []
        best: dict[int, int] = {}
        for name, pk in self.document_names:
            if name <= typed and (len(name) >= 2 or name == typed):
                best[pk] = max(best.get(pk, 0), len(name))
        if not best:
            return []
        longest = max(best.values())
        named = [pk for pk, length in best.items() if length == longest]
        return sorted(named, key=lambda pk: pk not in self.in_force)[:MAX_BEST_BETS]

    def canonical_terms(self, text: str) -> list[str]:
        return [self.canonical.get(term, term) for term in self.analyze(text)] if self.analyze else []

    def provisions_cited(self, references: list[Reference], documents: list[int]) -> list[int]:
        """Provisions that typed references name: an article number, or outline numbers ("2.7.2" from
        the top, "（七）2" from a section down), in ``documents`` when there are any."""
        found: list[int] = []
        for reference in references:
            if reference.kind == "single":
                if not documents:
                    continue  # "（七）" alone names a section in too many documents
                scripts = [True, False] if reference.chinese is None else [reference.chinese]
                candidates = [self.own_numbers.get((reference.numbers[0], script), []) for script in scripts]
            elif reference.kind == "article":
                candidates = [self.articles.get(reference.numbers[0], [])]
            else:
                candidates = [
                    self.outline_paths.get(reference.numbers, []),
                    self.outline_suffixes.get(reference.numbers, []),
                ]
            for level in candidates:
                matches = [(doc, pk) for doc, pk in level if not documents or doc in documents]
                if matches:
                    if len(matches) <= MAX_PINNED_PROVISIONS:
                        matches.sort(key=lambda match: match[0] not in self.in_force)
                        found += [pk for _doc, pk in matches if pk not in found]
                    break
        return found

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
    catalog = Catalog(analyze=analyze)
    terms = list(GlossaryTerm.objects.all())
    groups = [(term.all_names, f"glossary:{term.pk}") for term in terms]
    for group_id, term in enumerate(terms):
        catalog.defined_names[group_id] = {term.term_en, term.term_zh, *term.abbreviations}
    groups += [([str(name) for name in names], "") for names in load_thesaurus()]
    for group_id, (names, key) in enumerate(groups):
        catalog.groups[group_id] = names
        catalog.group_terms[group_id] = key
        for name in names:
            terms = tuple(analyze(name))
            if terms and len(terms) <= MAX_NAME_WORDS:
                catalog.synonyms.setdefault(terms, (group_id, name))
        if not key:  # a thesaurus group: its single words are one word when documents are named
            single = [terms[0] for terms in map(analyze, names) if len(terms) == 1]
            for term in single[1:]:
                catalog.canonical.setdefault(term, single[0])
    titles = _read_documents(catalog)
    headings = _read_provisions(catalog)
    _learn_surface(catalog, [name for names, _key in groups for name in names] + titles + headings)
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


def load_thesaurus(path: Path = THESAURUS_FILE) -> list[list[str]]:
    groups = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not all(isinstance(group, list) and len(group) >= 2 for group in groups):
        raise ValueError(f"{path.name}: each entry must be a list of at least two words or phrases.")
    return groups


def _read_documents(catalog: Catalog) -> list[str]:
    """Numbers, names and statuses of the published documents; their names are returned."""
    all_names = []
    for document in Document.objects.published().with_events():
        catalog.document_slugs[document.slug] = document.pk
        if document.validity().code in IN_FORCE_STATUSES:
            catalog.in_force.add(document.pk)
        if document.doc_number:
            catalog.docnums[normalize_docnum(document.doc_number)] = document.pk
            catalog.folded_docnums[fold(document.doc_number)] = document.pk
        names = [document.title_en, document.title_zh, document.short_title, *document.alternative_titles]
        all_names += names
        seen = set()
        # Each name as written, and without what people leave out: "(2024 Edition)", 中华人民共和国.
        for name in names + [_NAME_QUALIFIERS.sub(" ", name) for name in names]:
            terms = frozenset(catalog.canonical_terms(name))
            if terms and terms not in seen:
                seen.add(terms)
                catalog.document_names.append((terms, document.pk))
    return all_names


def _read_provisions(catalog: Catalog) -> None:
    """Outline numbers and article numbers of the published provisions of published documents (a
    published item under a draft section is still cited with the section's number)."""
    rows = list(
        Provision.objects.values_list(
            "pk", "document_id", "parent_id", "num", "eid", "publication", "document__publication", "heading_en"
        )
    )
    numbers_of = {row[0]: provision_numbers(row[3]) for row in rows}
    parent_of = {row[0]: row[2] for row in rows}
    published = Publication.PUBLISHED
    headings = []
    for pk, document_id, _parent, num, eid, publication, document_publication, heading in rows:
        if publication != published or document_publication != published:
            continue
        headings.append(heading)
        catalog.eids.setdefault(eid, []).append(pk)
        for article in article_numbers(num):
            catalog.articles.setdefault(article, []).append((document_id, pk))
        own = numbers_of.get(pk)
        if own is not None and len(own) == 1:
            written_in_chinese = not any(char.isdigit() for char in num)
            catalog.own_numbers.setdefault((own[0], written_in_chinese), []).append((document_id, pk))
        path = _outline_path(pk, numbers_of, parent_of)
        if path is None or len(path) < 2:
            continue
        catalog.outline_paths.setdefault(path, []).append((document_id, pk))
        for start in range(1, len(path) - 1):
            catalog.outline_suffixes.setdefault(path[start:], []).append((document_id, pk))
    return headings


def _learn_surface(catalog: Catalog, texts: list[str]) -> None:
    """For each index term of the headings, titles and glossary names, the word written most often for
    it: a spelling correction is shown as that word, never as a stem."""
    counts: dict[str, dict[str, int]] = {}
    terms_of: dict[str, list[str]] = {}
    for text in texts:
        for word in words(text or ""):
            if word.cjk:
                continue
            if word.text not in terms_of:
                terms_of[word.text] = catalog.analyze(word.text)
            if len(terms_of[word.text]) == 1:
                spelled = counts.setdefault(terms_of[word.text][0], {})
                spelled[word.text] = spelled.get(word.text, 0) + 1
    catalog.surface = {
        term: max(spelled, key=lambda word: (spelled[word], -len(word))) for term, spelled in counts.items()
    }


def _outline_path(pk: int, numbers_of: dict, parent_of: dict) -> tuple[int, ...] | None:
    """Its numbers and its ancestors' from the top ("二、（七）2." → (2, 7, 2)); a number that is a
    citation already ("1.2") is the whole path; None under a node with no plain number ("专栏4")."""
    path: tuple[int, ...] = ()
    node = pk
    while node is not None:
        numbers = numbers_of.get(node)
        if numbers is None:
            return None
        path = numbers + path
        if len(numbers) > 1:
            break
        node = parent_of.get(node)
    return path


_catalogs: dict[str, tuple[object, Catalog]] = {}
_lock = threading.Lock()


def invalidate() -> None:
    """After the commit of a change to what the catalog reads: every process rebuilds it on its next search."""
    CatalogVersion.objects.bulk_create(
        [CatalogVersion(pk=1, token=uuid.uuid4().hex)],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["token"],
    )


def _version() -> str:
    return CatalogVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def get_catalog(backend: SearchBackend) -> Catalog:
    # The day too: which documents are in force follows the calendar.
    token = (_version(), timezone.localdate())
    cached = _catalogs.get(backend.name + repr(backend.params))
    if cached is not None and cached[0] == token:
        return cached[1]
    with _lock:
        catalog = build_catalog(backend.analyze)
        _catalogs[backend.name + repr(backend.params)] = (token, catalog)
    return catalog

"""Index records read from the database: what each entry of the index holds (the fields of
``search.fields``), filled for documents, provisions, glossary terms and public annotations.

A record is a plain dict: ``key`` ("provision:12"), ``kind``, the text fields, ``facets``, ``data``
(what a result shows, its ``url`` included: built here once, when the record is read, so that no
backend builds addresses) and ``digest`` (changes whenever any of it changes).

Only what an anonymous reader may see is indexed: published documents and provisions
(``published()``), glossary terms, and public annotations (``Annotation.objects.public()``). A record
that is not wanted any more (a draft, an internal annotation) is simply not read here, so a live
update removes its entry and ``rebuild_index --check`` reports it as extra.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import wraps

from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.translation import override

from regulations.addresses import annotation_url, document_url, glossary_url, provision_url
from regulations.models import (
    Annotation,
    Document,
    GlossaryTerm,
    Industry,
    Provision,
    Publication,
    Relation,
    Status,
    Topic,
    status_events,
)
from regulations.text.rendering import render_markdown
from search.fields import ENTRY_KINDS

SCOPED_READS_UP_TO = 500  # records; more are built from everything read at once

KINDS = dict(zip(ENTRY_KINDS, ["Provision", "Document", "Glossary term", "Annotation"], strict=True))


def _join(*parts) -> str:
    out = []
    for part in parts:
        if isinstance(part, list | tuple):
            out.extend(str(p) for p in part if p)
        elif part:
            out.append(str(part))
    return "\n".join(out)


def markdown_text(text: str) -> str:
    """Markdown as the reader sees it, in plain text: no markup, no link targets."""
    if not text:
        return ""
    plain = html.unescape(strip_tags(render_markdown(text)))
    return "\n".join(line.strip() for line in plain.splitlines() if line.strip())


def with_digest(record: dict) -> dict:
    payload = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    record["digest"] = hashlib.blake2b(payload.encode(), digest_size=12).hexdigest()
    return record


# The index is shared by readers of every interface language: its words (kinds, statuses) are English, whatever
# the language of the request whose save wrote them; the pages translate the labels they show.
def in_index_language(build):
    @wraps(build)
    def in_english(*args, **kwargs):
        with override("en"):
            return build(*args, **kwargs)

    return in_english


class RecordBuilder:
    """Reads what records need with a fixed number of queries, then builds them: of every record, or (``wanted``:
    kind → primary keys) of those records only, as a live update of one provision needs (the glossary links
    and relations of every other entry made up most of its time)."""

    def __init__(self, wanted: dict[str, set[int]] | None = None):
        industries = {industry.pk: industry for industry in Industry.objects.all()}
        self.industry_slugs: dict[int, list[str]] = {}
        self.industry_words: dict[int, list[str]] = {}
        for pk, industry in industries.items():
            chain, node, guard = [], industry, 0
            while node is not None and guard < 20:
                chain.append(node)
                node = industries.get(node.parent_id)
                guard += 1
            self.industry_slugs[pk] = [node.slug for node in chain]
            self.industry_words[pk] = [industry.name_en, industry.name_zh, *(industry.aliases or [])]
        self.glossary_by_provision: dict[int, list[str]] = defaultdict(list)
        # Only the ids and the few columns used: live updates build a RecordBuilder for every batch, and
        # whole provisions (their texts) made up most of its time.
        links = GlossaryTerm.see_provisions.through.objects.select_related("glossaryterm").only(
            "provision_id", *(f"glossaryterm__{name}" for name in GlossaryTerm.NAME_FIELDS)
        )
        if wanted is not None:
            links = links.filter(provision_id__in=wanted.get("provision", ()))
        for link in links.order_by("glossaryterm_id", "provision_id"):
            self.glossary_by_provision[link.provision_id].extend(link.glossaryterm.all_names)
        self.relation_words: dict[tuple[str, int], list[str]] = defaultdict(list)
        ends = ("source_document", "target_document", "source_provision", "target_provision")
        relations = Relation.objects.with_ends().only(
            "source_provision_id",
            "target_provision_id",
            "source_document_id",
            "target_document_id",
            "type__verb",
            "type__reverse_verb",
            *(f"{end}__publication" for end in ends),
            "source_document__short_title",
            "target_document__short_title",
        )
        if wanted is not None:
            provisions, documents = wanted.get("provision", ()), wanted.get("document", ())
            relations = relations.filter(
                Q(source_provision__in=provisions)
                | Q(target_provision__in=provisions)
                | Q(source_provision__isnull=True, source_document__in=documents)
                | Q(target_provision__isnull=True, target_document__in=documents)
            )
        for relation in relations:
            if _has_draft_end(relation):  # its words would name (or point at) a draft
                continue
            source = ("provision", relation.source_provision_id) if relation.source_provision_id else None
            target_title = relation.target_document.short_title
            source_title = relation.source_document.short_title
            self.relation_words[source or ("document", relation.source_document_id)].append(
                f"{relation.type.verb} {target_title}"
            )
            target = ("provision", relation.target_provision_id) if relation.target_provision_id else None
            self.relation_words[target or ("document", relation.target_document_id)].append(
                f"{relation.type.reverse_verb} {source_title}"
            )
        self._documents: dict[int, Document] = {}
        self._outlines: dict[int, dict[int, tuple[int | None, str, str]]] = {}

    def document(self, pk: int) -> Document:
        """The document of a provision or annotation record (which show no issuers; a document's own record
        is built from ``preload_documents``)."""
        document = self._documents.get(pk)
        if document is None:
            document = Document.objects.prefetch_related(status_events(), "topics").filter(pk=pk).first()
            self._documents[pk] = document
        return document

    def _outline(self, document_id: int) -> dict[int, tuple[int | None, str, str]]:
        """Provision → (parent, number, heading) for one document, read once per document."""
        outline = self._outlines.get(document_id)
        if outline is None:
            rows = Provision.objects.filter(document_id=document_id).values_list("pk", "parent_id", "num", "heading_en")
            outline = self._outlines[document_id] = {pk: (parent, num, heading) for pk, parent, num, heading in rows}
        return outline

    def part(self, provision: Provision) -> str:
        """The top-level part the provision is in ("二、 Key tasks"), read from the document's outline."""
        outline = self._outline(provision.document_id)
        node, top = provision.pk, None
        for _ in range(20):  # deeper than any outline: a broken parent chain cannot loop
            if node is None or node not in outline:
                break
            top, node = node, outline[node][0]
        if top is None:
            return ""
        _parent, top_num, top_heading = outline[top]
        return f"{top_num} {top_heading}".strip()

    def preload_documents(self, queryset=None) -> None:
        queryset = queryset if queryset is not None else Document.objects.all()
        for document in queryset.prefetch_related(status_events(), "topics", "issuers"):
            self._documents[document.pk] = document

    def _industry_slugs(self, industries) -> list[str]:
        """The industries' slugs with their parents' (filtering by a parent finds its children)."""
        slugs: list[str] = []
        for industry in industries:
            for slug in self.industry_slugs.get(industry.pk, [industry.slug]):
                if slug not in slugs:
                    slugs.append(slug)
        return slugs

    @staticmethod
    def _document_facets(document: Document) -> dict:
        year = document.year
        return {
            "document": [document.slug],
            "topic": [topic.slug for topic in document.topics.all()],
            "jurisdiction": [document.jurisdiction],
            "year": [str(year)] if year else [],
        }

    @staticmethod
    def _document_words(document: Document) -> list[str]:
        return [document.title_en, document.title_zh, document.short_title, document.doc_number]

    @staticmethod
    def _validity_data(validity) -> dict:
        """What a hit shows of its rule's status today (the index is refreshed when a status changes)."""
        return {"status": validity.code, "status_label": str(validity.badge_label), "status_badge": validity.badge}

    @in_index_language
    def document_record(self, document: Document) -> dict:
        topics = list(document.topics.all())
        validity = document.validity()
        record = {
            "key": f"document:{document.pk}",
            "kind": "document",
            "num": _join(document.doc_number),
            "heading": _join(document.title_en, document.title_zh, document.short_title, document.alternative_titles),
            "glossary": "",
            "title": _join(document.notice_title_en, document.notice_title_zh),
            "body": _join(document.summary, document.title_note),
            "meta": _join(
                document.get_kind_display(),
                document.form,
                document.level,
                document.get_rank_display(),
                validity.label,
                document.get_jurisdiction_display(),
                [str(issuer) for issuer in document.issuers.all()],
                [issuer.name_zh for issuer in document.issuers.all()],
                [topic.name_en for topic in topics],
                [topic.name_zh for topic in topics],
                document.year,
                self.relation_words.get(("document", document.pk), []),
            ),
            "facets": {
                **self._document_facets(document),
                "kind": ["document"],
                "industry": [],
                "status": [validity.code],
            },
            "data": {
                "title": document.title_en,
                "title_zh": document.title_zh,
                "document": document.short_title,
                "document_slug": document.slug,
                "num": document.doc_number,
                "eid": "",
                "url": document_url(document.slug),
                "text": document.summary,
                **self._validity_data(validity),
            },
        }
        return with_digest(record)

    @in_index_language
    def provision_record(self, provision: Provision) -> dict:
        document = self.document(provision.document_id)
        industries = list(provision.industries.all())
        targets = list(provision.targets.all())
        industry_slugs = self._industry_slugs(industries)
        provision.document = document  # its events are loaded with it
        validity = provision.validity()
        record = {
            "key": f"provision:{provision.pk}",
            "kind": "provision",
            "num": _join(provision.num),
            "heading": _join(provision.heading_en, provision.heading_zh, provision.heading_official_en),
            "glossary": _join(provision.key_terms, self.glossary_by_provision.get(provision.pk, [])),
            "title": _join(*self._document_words(document)),
            "body": _join(
                provision.text,
                provision.text_original,
                provision.articles,
                [
                    _join(target.metric, target.metric_zh, target.scope, target.description, target.target_year)
                    for target in targets
                ],
                [
                    agency.get("name", "") if isinstance(agency, dict) else agency
                    for agency in provision.responsible_agencies
                ],
            ),
            "meta": _join(
                provision.get_kind_display(),
                "quantified targets 量化目标"
                if targets
                else "",  # "steel targets" finds the steel rule with its targets
                [word for industry in industries for word in self.industry_words.get(industry.pk, [])],
                [topic.name_en for topic in document.topics.all()],
                validity.label,
                document.get_jurisdiction_display(),
                document.year,
                self.relation_words.get(("provision", provision.pk), []),
            ),
            "facets": {
                **self._document_facets(document),
                "kind": ["provision"],
                "industry": industry_slugs,
                "status": [validity.code],
            },
            "data": {
                "title": provision.heading_en,
                "title_zh": provision.heading_zh,
                "document": document.short_title,
                "document_slug": document.slug,
                "num": provision.num,
                "eid": provision.eid,
                "url": provision_url(document.slug, provision.eid),
                "text": provision.text,
                # The full number wherever the hit is shown out of its outline: 2.7.2, Art. 8, Section 1.
                "citation": provision.reference,
                "part": self.part(provision),
                "position": provision.position,
                **self._validity_data(validity),
            },
        }
        return with_digest(record)

    @in_index_language
    def annotation_record(self, annotation: Annotation) -> dict:
        """A public annotation: found by its title and text, filtered like its provision (industries)
        and document (document, topic, jurisdiction, year); it has no status of its own."""
        document = self.document(annotation.document_id)
        provision = annotation.provision
        industries = list(provision.industries.all()) if provision is not None else []
        text = markdown_text(annotation.body)
        record = {
            "key": f"annotation:{annotation.pk}",
            "kind": "annotation",
            "num": "",  # a provision's number finds the provision, not the notes on it
            "heading": _join(annotation.title),
            "glossary": "",
            "title": _join(
                *self._document_words(document),
                *((provision.heading_en, provision.heading_zh) if provision is not None else ()),
            ),
            "body": text,
            "meta": _join(
                KINDS["annotation"],
                annotation.get_kind_display(),
                [word for industry in industries for word in self.industry_words.get(industry.pk, [])],
                [topic.name_en for topic in document.topics.all()],
                document.get_jurisdiction_display(),
                document.year,
            ),
            "facets": {
                **self._document_facets(document),
                "kind": ["annotation"],
                "industry": self._industry_slugs(industries),
                "status": [],
            },
            "data": {
                "title": annotation.title,
                "title_zh": "",
                "document": document.short_title,
                "document_slug": document.slug,
                "num": provision.reference if provision is not None else "",
                "eid": provision.eid if provision is not None else "",
                "annotation": annotation.pk,
                "url": annotation_url(document.slug, provision.eid if provision is not None else None, annotation.pk),
                "text": text,
            },
        }
        return with_digest(record)

    @in_index_language
    def glossary_record(self, term: GlossaryTerm) -> dict:
        record = {
            "key": f"glossary:{term.pk}",
            "kind": "glossary",
            "num": "",
            "heading": _join(term.term_en, term.term_zh),
            "glossary": _join(term.all_names),
            "title": "",
            "body": _join(term.definition, term.note),
            "meta": "Glossary",
            "facets": {
                "kind": ["glossary"],
                "industry": [],
                "document": [],
                "topic": [],
                "status": [],
                "jurisdiction": [],
                "year": [],
            },
            "data": {
                "title": term.term_en,
                "title_zh": term.term_zh,
                "document": "",
                "document_slug": "",
                "num": ", ".join(term.abbreviations),
                "eid": term.slug,
                "url": glossary_url(term.slug),
                "text": term.definition,
            },
        }
        return with_digest(record)


def _has_draft_end(relation: Relation) -> bool:
    ends = (relation.source_document, relation.target_document, relation.source_provision, relation.target_provision)
    return any(end is not None and end.publication == Publication.DRAFT for end in ends)


def _provisions():
    return Provision.objects.published().prefetch_related("industries", "targets").order_by("pk")


def _annotations():
    return Annotation.objects.public().select_related("provision").prefetch_related("provision__industries")


def count_records() -> int:
    return (
        Provision.objects.published().count()
        + Document.objects.published().count()
        + GlossaryTerm.objects.count()
        + Annotation.objects.public().count()
    )


def iter_records(chunk_size: int = 500) -> Iterator[dict]:
    """Every wanted record, read in chunks (documents, provisions, glossary terms, then annotations)."""
    builder = RecordBuilder()
    builder.preload_documents(Document.objects.published())
    for document in builder._documents.values():
        yield builder.document_record(document)
    for provision in _provisions().iterator(chunk_size=chunk_size):
        yield builder.provision_record(provision)
    for term in GlossaryTerm.objects.all():
        yield builder.glossary_record(term)
    for annotation in _annotations().order_by("pk").iterator(chunk_size=chunk_size):
        yield builder.annotation_record(annotation)


def records_for(keys: Iterable[str]) -> list[dict]:
    """The current records for these keys; keys whose object is gone or not wanted (a draft, an
    internal annotation) are left out."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for key in keys:
        kind, _, pk = key.partition(":")
        if pk.isdigit():
            wanted[kind].add(int(pk))
    if not wanted:
        return []
    # Beyond a live update's few keys, reading every link is as quick, and keeps the queries' parameters few.
    builder = RecordBuilder(wanted if sum(map(len, wanted.values())) <= SCOPED_READS_UP_TO else None)
    records = []
    if wanted["document"]:
        builder.preload_documents(Document.objects.published().filter(pk__in=wanted["document"]))
        records += [builder.document_record(d) for pk, d in builder._documents.items() if pk in wanted["document"]]
    if wanted["provision"]:
        records += [builder.provision_record(p) for p in _provisions().filter(pk__in=wanted["provision"])]
    if wanted["glossary"]:
        records += [builder.glossary_record(t) for t in GlossaryTerm.objects.filter(pk__in=wanted["glossary"])]
    if wanted["annotation"]:
        records += [builder.annotation_record(a) for a in _annotations().filter(pk__in=wanted["annotation"])]
    return records


def label_maps() -> dict[str, dict[str, str]]:
    """Facet value → human label."""
    return {
        "kind": dict(KINDS),
        "industry": {i.slug: i.name_en for i in Industry.objects.only("slug", "name_en")},
        "document": {d.slug: d.short_title for d in Document.objects.published().only("slug", "short_title")},
        "topic": {t.slug: t.name_en for t in Topic.objects.only("slug", "name_en")},
        "status": dict(Status.choices),
        "jurisdiction": dict(Document.Jurisdiction.choices),
        "year": {},
    }

"""The document list (with its facets) and a document's page: the whole provision tree with everything attached.

Each builder runs a fixed number of queries, however long the document.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext, gettext_lazy

from regulations.addresses import document_list_url, industry_url
from regulations.history.timeline import decorate_annotations
from regulations.models import Annotation, Document, Industry, LegalEvent, Provision, Relation, Status, Target, Topic
from regulations.site.pages.provision_trees import agencies, attach_tree, without_hidden_subtrees
from regulations.site.pages.relations import group_by_other_document, relation_order, views_for_document, with_validity
from regulations.site.pages.targets import decorate_target

INDUSTRY_LINK_FIELDS = ("slug", "name_en", "name_zh", "position", "parent_id")
LEGAL_BASIS_TYPES = {"based-on", "implements"}
FACET_LABELS = {
    "topic": gettext_lazy("Topic"),
    "status": gettext_lazy("Status"),
    "rank": gettext_lazy("Legal rank"),
    "jurisdiction": gettext_lazy("Jurisdiction"),
}


def sort_documents(documents: list[Document]) -> None:
    """Newest first by the earliest of signing/issuing/publication/adoption; then by title."""

    def key(document):
        dated = [event.date for event in document.events.all() if event.kind in LegalEvent.MAKING]
        first = min(dated) if dated else None
        document.first_date = next((e for e in document.events.all() if e.date == first), None) if first else None
        return (-(first.toordinal() if first else 0), document.title_en)

    documents.sort(key=key)


@dataclass
class FacetOption:
    value: str
    label: str
    label_zh: str
    count: int
    selected: bool
    url: str


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption]
    clear_url: str | None


def document_list_page(filters: dict, topics: list[Topic], drafts: bool = False) -> dict:
    """filters: validated {'topic': slug|'', 'status': value|'', 'rank': value|'', 'jurisdiction': value|''}."""
    documents = list(Document.objects.visible(drafts).for_browsing())
    sort_documents(documents)
    values = {
        "topic": lambda document: {topic.slug for topic in document.topics.all()},
        "status": lambda document: {document.status},
        "rank": lambda document: {document.rank},
        "jurisdiction": lambda document: {document.jurisdiction},
    }

    def matches(document, skip=None):
        return all(
            not wanted or wanted in values[name](document)
            for name, wanted in filters.items()
            if name != skip and name in values
        )

    choices = {
        "topic": [(topic.slug, topic.name_en, topic.name_zh) for topic in topics],
        "status": [(value, label, "") for value, label in Status.choices],
        "rank": [(value, label, "") for value, label in Document.Rank.choices],
        "jurisdiction": [(value, label, "") for value, label in Document.Jurisdiction.choices],
    }
    facets = []
    for name in ("topic", "status", "rank", "jurisdiction"):
        counts = Counter()
        for document in documents:
            if matches(document, skip=name):
                counts.update(values[name](document))
        options = []
        for value, label, label_zh in choices[name]:
            selected = filters.get(name) == value
            url = document_list_url(**{**filters, name: "" if selected else value})
            options.append(FacetOption(value, label, label_zh, counts[value], selected, url))
        clear_url = document_list_url(**{**filters, name: ""}) if filters.get(name) else None
        facets.append(Facet(name, FACET_LABELS[name], options, clear_url))
    shown = [document for document in documents if matches(document)]
    active = []
    for facet in facets:
        for option in facet.options:
            if option.selected:
                active.append((facet.label, option.label, facet.clear_url))
    return {"documents": shown, "total": len(documents), "facets": facets, "active_filters": active}


def document_page(slug: str, drafts: bool = False) -> dict:
    document = Document.objects.visible(drafts).for_detail().filter(slug=slug).first()
    if document is None:
        raise Http404(gettext("No document “%(slug)s”.") % {"slug": slug})
    provisions = without_hidden_subtrees(list(document.provisions.order_by("position")), drafts)
    roots = attach_tree(document, provisions)
    by_id = {provision.pk: provision for provision in provisions}
    # Per-provision lists are fetched with one query each and grouped here: Django's prefetch would
    # clone a queryset per provision, which costs more than the rest of the page on a long document.
    for provision in provisions:
        provision.industry_list, provision.target_list, provision.relation_views = [], [], []
        provision.agencies = agencies(provision)
    links = list(
        Provision.industries.through.objects.filter(provision__document=document)
        .order_by("provision_id", "industry__position")
        .values_list("provision_id", "industry_id")
    )
    industries = Industry.objects.filter(pk__in={industry_id for _, industry_id in links}).only(*INDUSTRY_LINK_FIELDS)
    industries = {industry.pk: industry for industry in industries}
    for industry in industries.values():
        industry.url = industry_url(industry.slug)
    for provision_id, industry_id in links:
        if provision_id in by_id:
            by_id[provision_id].industry_list.append(industries[industry_id])
    for target in Target.objects.filter(provision__document=document).order_by("provision_id", "position"):
        if target.provision_id not in by_id:
            continue
        target.provision = by_id[target.provision_id]
        decorate_target(target)
        target.provision.target_list.append(target)
    relations = list(
        Relation.objects.visible(drafts).touching_document(document).with_light_ends().order_by("position", "pk")
    )
    relations = [r for r in relations if _ends_shown(r, document, by_id)]
    views = with_validity(views_for_document(relations, document))
    document_views = []
    for view in sorted(views, key=relation_order):
        if view.this_provision is not None and view.this_provision.pk in by_id:
            by_id[view.this_provision.pk].relation_views.append(view)
        else:
            document_views.append(view)
    target_count = sum(len(provision.target_list) for provision in provisions)
    # The legal hierarchy: what this rule rests on (its basis, what it implements) and what rests on it.
    basis = [view for view in sorted(views, key=relation_order) if view.type_slug in LEGAL_BASIS_TYPES]
    return {
        "rests_on": [view for view in basis if view.outgoing],
        "rested_on_by": [view for view in basis if not view.outgoing],
        "document": document,
        "provisions": provisions,
        "roots": roots,
        "related_groups": group_by_other_document(views),
        "document_relations": document_views,
        "target_count": target_count,
        "document_titles": dict(Document.objects.visible(drafts).values_list("slug", "short_title")),
        "annotations": _annotations_for(document, provisions, drafts),
    }


def _ends_shown(relation: Relation, document: Document, shown: dict) -> bool:
    """A relation from or to a provision of this document hidden with its draft parent is hidden too."""
    for document_id, provision_id in (
        (relation.source_document_id, relation.source_provision_id),
        (relation.target_document_id, relation.target_provision_id),
    ):
        if document_id == document.pk and provision_id is not None and provision_id not in shown:
            return False
    return True


def _annotations_for(document: Document, provisions: list[Provision], drafts: bool) -> list[Annotation]:
    """The document's own annotations; each shown provision gets `.annotation_list` with its own."""
    by_id = {provision.pk: provision for provision in provisions}
    for provision in provisions:
        provision.annotation_list = []
    own = []
    rows = Annotation.objects.visible(drafts).filter(document=document).select_related("author")
    for annotation in decorate_annotations(list(rows), drafts=drafts):
        if annotation.provision_id is None:
            own.append(annotation)
        elif annotation.provision_id in by_id:
            annotation.provision = by_id[annotation.provision_id]
            by_id[annotation.provision_id].annotation_list.append(annotation)
    return own

"""A provision's page: its text and facts, where it sits in its document, and what relates to it."""

from __future__ import annotations

from django.db.models import Q, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext

from regulations.addresses import industry_url, provision_url
from regulations.history.timeline import decorate_annotations
from regulations.models import Annotation, Document, Provision, Relation
from regulations.site.pages.provision_trees import agencies, attach_tree, without_hidden_subtrees
from regulations.site.pages.relations import relation_order, views_for_document, views_for_provisions, with_validity
from regulations.site.pages.targets import decorate_target

# The tree (for ancestors, children, previous/next) needs only headings; the page's provision in full.
TREE_FIELDS = (
    "document_id", "parent_id", "eid", "num", "kind", "heading_en", "heading_zh", "position", "depth",
    "publication",
)  # fmt: skip


def ancestors_of(provision: Provision) -> list[Provision]:
    """The provision's parents, outermost first, each with its address: the breadcrumb of its history and compare
    pages, which show the same levels as the provision's own page."""
    rows = {
        row.pk: row
        for row in Provision.objects.filter(document_id=provision.document_id).only(
            "parent_id", "eid", "num", "heading_en"
        )
    }
    chain, node, seen = [], rows.get(provision.parent_id), set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        node.url = provision_url(provision.document.slug, node.eid)
        chain.insert(0, node)
        node = rows.get(node.parent_id)
    return chain


def provision_page(slug: str, eid: str, drafts: bool = False) -> dict:
    document = Document.objects.visible(drafts).for_detail().filter(slug=slug).first()
    if document is None:
        raise Http404(gettext("No document “%(slug)s”.") % {"slug": slug})
    provisions = without_hidden_subtrees(list(document.provisions.order_by("position").only(*TREE_FIELDS)), drafts)
    index = next((i for i, provision in enumerate(provisions) if provision.eid == eid), None)
    if index is None:
        raise Http404(
            gettext("“%(document)s” has no provision “%(eid)s”.") % {"document": document.short_title, "eid": eid}
        )
    provisions[index] = document.provisions.get(pk=provisions[index].pk)
    attach_tree(document, provisions)
    provision = provisions[index]
    provision.agencies = agencies(provision)
    ancestors = []
    parent = provision.parent if provision.parent_id else None
    while parent is not None:
        ancestors.insert(0, parent)
        parent = parent.parent if parent.parent_id else None
    prefetch_related_objects([provision], "industries", "targets", "glossary_terms")
    provision.industry_list = list(provision.industries.all())
    for industry in provision.industry_list:
        industry.url = industry_url(industry.slug)
    provision.target_list = list(provision.targets.all())
    for target in provision.target_list:
        target.provision = provision
        decorate_target(target)
    relations = list(
        Relation.objects.visible(drafts)
        .filter(Q(source_provision=provision) | Q(target_provision=provision))
        .with_light_ends()
        .order_by("position", "pk")
    )
    whole = list(
        Relation.objects.visible(drafts)
        .filter(
            Q(source_document=document, source_provision__isnull=True)
            | Q(target_document=document, target_provision__isnull=True)
        )
        .with_light_ends()
        .order_by("position", "pk")
    )
    own, of_whole = views_for_provisions(relations, {provision.pk}), views_for_document(whole, document)
    with_validity(own + of_whole)
    views, whole_views = sorted(own, key=relation_order), sorted(of_whole, key=relation_order)
    whole_views = [view for view in whole_views if view.this_provision is None]
    return {
        "document": document,
        "provision": provision,
        "ancestors": ancestors,
        "children": provision.child_nodes,
        "targets": provision.target_list,
        "glossary_terms": list(provision.glossary_terms.all()),
        "annotations": _provision_annotations(provision, drafts),
        "relation_views": views,
        "whole_document_views": whole_views,
        "previous": provisions[index - 1] if index > 0 else None,
        "next": provisions[index + 1] if index + 1 < len(provisions) else None,
    }


def _provision_annotations(provision: Provision, drafts: bool) -> list[Annotation]:
    rows = list(Annotation.objects.visible(drafts).filter(provision=provision).select_related("author"))
    for annotation in rows:
        annotation.provision = provision
    return decorate_annotations(rows, drafts=drafts)

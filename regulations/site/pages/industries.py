"""The industry pages, and the industry tree (built in Python from one query) that other pages' filters indent."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext

from regulations.addresses import provision_url
from regulations.models import Document, Industry, Provision, Publication, Relation
from regulations.site.pages.provision_trees import PROVISION_KINDS
from regulations.site.pages.relations import group_by_other_document, views_for_provisions, with_validity


def industry_tree(industries: list[Industry]) -> list[Industry]:
    by_id = {industry.pk: industry for industry in industries}
    roots = []
    for industry in industries:
        industry.child_nodes = []
    for industry in industries:
        parent = by_id.get(industry.parent_id)
        if parent is None:
            roots.append(industry)
        else:
            parent.child_nodes.append(industry)
    return roots


def descendants(industry: Industry) -> list[Industry]:
    found, stack = [], list(industry.child_nodes)
    while stack:
        current = stack.pop(0)
        found.append(current)
        stack.extend(current.child_nodes)
    return found


def indented(industries: list[Industry]) -> list[tuple[Industry, int]]:
    """Industries in tree order with their depth, e.g. for an indented <select>."""
    result = []

    def walk(nodes, depth):
        for node in nodes:
            node.indent = "\u00a0\u00a0" * depth + ("– " if depth else "")
            result.append((node, depth))
            walk(node.child_nodes, depth + 1)

    walk(industry_tree(industries), 0)
    return result


def industry_list_page(drafts: bool = False) -> dict:
    published_only = None
    if not drafts:
        published_only = Q(provisions__publication=Publication.PUBLISHED) & Q(
            provisions__document__publication=Publication.PUBLISHED
        )
    industries = list(Industry.objects.annotate(provision_count=Count("provisions", filter=published_only)))
    return {"rows": indented(industries)}


@dataclass
class KindGroup:
    label: str
    provisions: list[Provision]


@dataclass
class DocumentGroup:
    document: Document
    kinds: list[KindGroup]

    @property
    def count(self):
        return sum(len(group.provisions) for group in self.kinds)


def industry_page(slug: str, drafts: bool = False) -> dict:
    industries = list(Industry.objects.all())
    by_slug = {industry.slug: industry for industry in industries}
    industry = by_slug.get(slug)
    if industry is None:
        raise Http404(gettext("No industry “%(slug)s”.") % {"slug": slug})
    industry_tree(industries)
    by_id = {item.pk: item for item in industries}
    ancestors = []
    parent = by_id.get(industry.parent_id)
    while parent is not None:
        ancestors.insert(0, parent)
        parent = by_id.get(parent.parent_id)
    below = descendants(industry)
    ids = [industry.pk, *(item.pk for item in below)]
    provisions = list(
        Provision.objects.visible(drafts)
        .filter(pk__in=Provision.objects.filter(industries__in=ids).values("pk"))
        .select_related("document")
        .prefetch_related("industries", "targets", "document__events__by", "document__events__provisions")
        .order_by("document__slug", "position")
    )
    groups: dict[int, DocumentGroup] = {}
    for provision in provisions:
        provision.url = provision_url(provision.document.slug, provision.eid)
        provision.matched_industries = [item for item in provision.industries.all() if item.pk in ids]
        group = groups.setdefault(provision.document_id, DocumentGroup(provision.document, []))
        label = PROVISION_KINDS.get(provision.kind, provision.kind)
        kind_group = next((kg for kg in group.kinds if kg.label == label), None)
        if kind_group is None:
            kind_group = KindGroup(label, [])
            group.kinds.append(kind_group)
        kind_group.provisions.append(provision)
    relations = list(
        Relation.objects.visible(drafts)
        .filter(Q(source_provision__in=provisions) | Q(target_provision__in=provisions))
        .with_light_ends()
        .order_by("position", "pk")
    )
    views = with_validity(views_for_provisions(relations, {provision.pk for provision in provisions}))
    return {
        "industry": industry,
        "ancestors": ancestors,
        "descendants": below,
        "children": industry.child_nodes,
        # Rules in force first: a superseded rule's actions are history for this industry.
        "document_groups": sorted(
            groups.values(), key=lambda g: (not g.document.validity().in_force, g.document.short_title.lower())
        ),
        "provision_count": len(provisions),
        "related_groups": group_by_other_document(views),
    }

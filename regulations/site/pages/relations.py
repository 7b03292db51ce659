"""Relations seen from one side: “<this> <verb> <other>”, with the verb to print and the other end's address."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from regulations.addresses import document_url, subject_url
from regulations.models import Document, LegalEvent, Provision, Relation, Validity, validity_on


@dataclass
class RelationView:
    """A relation as seen from one of its ends: “<this> <verb> <other>”."""

    relation: Relation
    outgoing: bool
    verb: str
    this_document: Document
    this_provision: Provision | None
    other_document: Document
    other_provision: Provision | None
    other_validity: Validity | None = None  # the other end's legal status today (with_validity)

    @property
    def other_url(self) -> str:
        return subject_url(self.other_document.slug, self.other_provision.eid if self.other_provision else None)

    @property
    def this_url(self) -> str:
        return subject_url(self.this_document.slug, self.this_provision.eid if self.this_provision else None)

    @property
    def note(self) -> str:
        return self.relation.note

    @property
    def type_slug(self) -> str:
        return self.relation.type.slug


def outgoing_view(relation: Relation) -> RelationView:
    return RelationView(
        relation,
        True,
        relation.type.verb,
        relation.source_document,
        relation.source_provision,
        relation.target_document,
        relation.target_provision,
    )


def incoming_view(relation: Relation) -> RelationView:
    return RelationView(
        relation,
        False,
        relation.type.reverse_verb,
        relation.target_document,
        relation.target_provision,
        relation.source_document,
        relation.source_provision,
    )


def with_validity(views: list[RelationView]) -> list[RelationView]:
    """Each view with its other end's legal status today, from one query for all their events."""
    events = defaultdict(list)
    wanted = {view.other_document.pk for view in views}
    if wanted:
        for event in (
            LegalEvent.objects.filter(document_id__in=wanted).select_related("by").prefetch_related("provisions")
        ):
            events[event.document_id].append(event)
    for view in views:
        view.other_validity = validity_on(events[view.other_document.pk], provision=view.other_provision)
    return views


def views_for_document(relations, document: Document) -> list[RelationView]:
    """Every relation touching the document, once per end that lies in it."""
    views = []
    for relation in relations:
        if relation.source_document_id == document.pk:
            views.append(outgoing_view(relation))
        if relation.target_document_id == document.pk:
            views.append(incoming_view(relation))
    return views


def views_for_provisions(relations, provision_ids: set[int]) -> list[RelationView]:
    views = []
    for relation in relations:
        if relation.source_provision_id in provision_ids:
            views.append(outgoing_view(relation))
        if relation.target_provision_id in provision_ids:
            views.append(incoming_view(relation))
    return views


def _no_longer_in_force(view: RelationView) -> bool:
    return view.other_validity is not None and not view.other_validity.in_force


def relation_order(view: RelationView):
    """Outgoing first, then by relation type, then by where the other end is."""
    return (
        not view.outgoing,
        _no_longer_in_force(view),  # a rule that no longer (or not yet) applies after those in force
        view.relation.type.position,
        view.other_document.slug,
        view.other_provision.position if view.other_provision else -1,
    )


@dataclass
class RelatedGroup:
    document: Document
    views: list[RelationView] = field(default_factory=list)

    @property
    def url(self):
        return document_url(self.document.slug)


def group_by_other_document(views: list[RelationView]) -> list[RelatedGroup]:
    groups: dict[int, RelatedGroup] = {}
    for view in sorted(views, key=relation_order):
        groups.setdefault(view.other_document.pk, RelatedGroup(view.other_document)).views.append(view)
    return sorted(
        groups.values(),
        key=lambda group: (
            all(_no_longer_in_force(view) for view in group.views),
            (group.document.short_title or group.document.title_en).lower(),
        ),
    )

"""A document's provisions as a tree built in Python from one query ordered by position, less what a reader may not see.

Templates only loop over what is attached here: children, addresses, labels and table-of-contents markers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from regulations.addresses import anchor_url, provision_url
from regulations.models import Document, Provision, Publication
from regulations.text.cjk import has_cjk

# Labels looked up once here: get_FOO_display() rebuilds the choices dict on every call.
PROVISION_KINDS = dict(Provision.Kind.choices)


@dataclass(frozen=True)
class Agency:
    abbr: str = ""
    zh: str = ""
    en: str = ""
    role: str = ""


def agencies(provision: Provision) -> list[Agency]:
    """responsible_agencies entries with every key present (missing template lookups are slow)."""
    result = []
    for entry in provision.responsible_agencies or []:
        if isinstance(entry, dict):
            result.append(Agency(*(str(entry.get(key) or "") for key in ("abbr", "zh", "en", "role"))))
        elif entry:
            result.append(Agency(zh=str(entry)) if has_cjk(entry) else Agency(en=str(entry)))
    return result


def without_hidden_subtrees(provisions: list[Provision], drafts: bool) -> list[Provision]:
    """Drafts and everything nested in them, from a document-ordered list (parents come first)."""
    if drafts:
        return provisions
    hidden: set[int] = set()
    shown = []
    for provision in provisions:
        if provision.publication == Publication.DRAFT or provision.parent_id in hidden:
            hidden.add(provision.pk)
        else:
            shown.append(provision)
    return shown


def attach_tree(document: Document, provisions: list[Provision]) -> list[Provision]:
    """Give each provision (in document order) .child_nodes, .url and table-of-contents markers.

    Returns the roots. `toc_closes` is how many nested lists close after a node whose
    children are done; `toc_opens` says a nested list starts after it.
    """
    by_id = {provision.pk: provision for provision in provisions}
    roots = []
    prefetch_related_objects([document], "events__by", "events__provisions")
    # A provision shows a status of its own only where a legal event names it (an amendment, a partial repeal).
    named = {provision.pk for event in document.events.all() for provision in event.provisions.all()}
    for provision in provisions:
        provision.document = document  # already loaded: no query for provision.document
        provision.child_nodes = []
        provision.kind_label = PROVISION_KINDS.get(provision.kind, provision.kind)
        provision.own_validity = provision.pk in named
        provision.url = provision_url(document.slug, provision.eid)
        provision.anchor_url = anchor_url(document.slug, provision.eid)
    for provision in provisions:
        parent = by_id.get(provision.parent_id)
        if parent is None:
            roots.append(provision)
        else:
            parent.child_nodes.append(provision)
            provision.parent = parent
    for index, provision in enumerate(provisions):
        next_depth = provisions[index + 1].depth if index + 1 < len(provisions) else 0
        provision.heading_level = min(6, 3 + provision.depth)
        provision.subheading_level = min(6, 4 + provision.depth)
        provision.annotation_title_level = min(6, 5 + provision.depth)  # under its "Annotations" subheading
        provision.toc_opens = next_depth > provision.depth
        provision.toc_closes = range(max(0, provision.depth - next_depth))
    return roots

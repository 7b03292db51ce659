"""Labels and addresses for recent changes, from a few bulk look-ups (no query per change)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.text import capfirst

from regulations.addresses import annotation_url, document_url, history_url, provision_url, subject_url
from regulations.history import versions
from regulations.history.change_tables import HDocument, HProvision, Table
from regulations.models import (
    Document,
    Provision,
    Publication,
    RelationType,
)
from regulations.models.numbering import short_reference
from regulations.text.control_characters import xml_safe

PUBLISHED = Publication.PUBLISHED
DRAFT = Publication.DRAFT

# Bookkeeping rather than content: never listed as what changed.
IGNORED_FIELDS = {"revision", "updated_at", "created_at", "written_against_revision", "written_against_at"}
IGNORED_FIELDS |= {"position", "depth"}  # place in document order, recomputed when the tree is edited


@dataclass
class Names:
    documents: dict = field(default_factory=dict)  # id -> (slug, short title)
    provisions: dict = field(default_factory=dict)  # id -> (document_id, parent_id, num, eid, heading_en)
    relation_verbs: dict = field(default_factory=dict)

    def document_title(self, document_id) -> str:
        return self.documents.get(document_id, ("", "(unknown document)"))[1]

    def document_slug(self, document_id) -> str:
        return self.documents.get(document_id, ("", ""))[0]

    def citation(self, provision_id) -> str:
        """The provision's full number (2.7.2), from its identifier."""
        values = self.provisions.get(provision_id)
        return short_reference(values[3], values[2]) if values else ""

    def provision_label(self, provision_id, *, heading: str | None = None) -> str:
        values = self.provisions.get(provision_id)
        if values is None:
            return "(unknown provision)"
        document_id, _parent, _num, _eid, current_heading = values
        reference = " ".join(part for part in [self.document_title(document_id), self.citation(provision_id)] if part)
        return f"{reference} — {heading if heading is not None else current_heading}"

    def provision_address(self, provision_id) -> tuple[str, str]:
        """(document slug, eid): the current address, or the last one of a removed provision."""
        values = self.provisions.get(provision_id)
        if values is None:
            return "", ""
        return self.document_slug(values[0]), values[3]


def load_names(rows) -> Names:
    document_ids, provision_ids, relation_rows = set(), set(), False
    for row in rows:
        what = row.table.what
        if what == "document":
            document_ids.add(row.id)
        elif what == "provision":
            provision_ids.add(row.id)
            document_ids.add(row.document_id)
        elif what == "target":
            provision_ids.add(row.provision_id)
        elif what in ("event", "effect"):
            document_ids |= {row.document_id, row.by_id}
        elif what == "relation":
            relation_rows = True
            document_ids |= {row.source_document_id, row.target_document_id}
            provision_ids |= {row.source_provision_id, row.target_provision_id}
        else:
            document_ids.add(row.document_id)
            provision_ids.add(row.provision_id)
    document_ids.discard(None)
    provision_ids.discard(None)
    names = Names()
    if provision_ids or document_ids:
        for pk, *values in Provision.objects.filter(pk__in=provision_ids).values_list(
            "pk", "document_id", "parent_id", "num", "eid", "heading_en"
        ):
            names.provisions[pk] = tuple(values)
        missing = provision_ids - set(names.provisions)
        if missing:  # removed provisions: their last recorded version
            for pk, *values in (
                HProvision.objects.filter(id__in=missing)
                .order_by("history_date", "history_id")
                .values_list("id", "document_id", "parent_id", "num", "eid", "heading_en")
            ):
                names.provisions[pk] = tuple(values)
        document_ids |= {values[0] for values in names.provisions.values()}
        names.documents = {
            pk: (slug, short or title)
            for pk, slug, short, title in Document.objects.filter(pk__in=document_ids).values_list(
                "pk", "slug", "short_title", "title_en"
            )
        }
        missing = document_ids - set(names.documents)
        if missing:  # removed documents
            for pk, slug, short, title in (
                HDocument.objects.filter(id__in=missing)
                .order_by("history_date", "history_id")
                .values_list("id", "slug", "short_title", "title_en")
            ):
                names.documents[pk] = (slug, short or title)
    if relation_rows:
        names.relation_verbs = dict(RelationType.objects.values_list("pk", "verb"))
    return names


def changed_fields(table: Table, row, previous) -> list[str]:
    names = [name for name in versions.changed_fields(previous, row) if name.removesuffix("_id") not in IGNORED_FIELDS]
    return [capfirst(versions.field_label(table.model, name)) for name in names]


def describe(row, names: Names) -> tuple[str, str, str | None]:
    """(label, url, history url) of one recorded version."""
    what = row.table.what
    if what == "document":
        slug = names.document_slug(row.id) or row.slug
        label = row.short_title or row.title_en
        return label, document_url(slug), history_url(slug)
    if what == "provision":
        slug, eid = names.provision_address(row.id)
        slug, eid = slug or names.document_slug(row.document_id), eid or row.eid
        reference = " ".join(
            part for part in [names.document_title(row.document_id), names.citation(row.id) or row.num] if part
        )
        return f"{reference} — {row.heading_en}", provision_url(slug, eid), history_url(slug, eid)
    if what == "event":
        slug, event = names.document_slug(row.document_id), row.instance  # the event as this version recorded it
        by = names.document_title(row.by_id) if row.by_id else row.instrument
        label = f"{names.document_title(row.document_id)}: {event.get_kind_display().lower()} {event.display}"
        label += f" by {by}" if by else ""
        return label, document_url(slug) if slug else "", history_url(slug) if slug else None
    if what == "effect":
        slug = names.document_slug(row.document_id)
        event = row.event
        if event.kind in event.TAKING_EFFECT:  # the status reads "in force since" the first of them
            verb = "entered into force on" if event.kind == event.Kind.ENTRY_INTO_FORCE else "applies from"
            what = f"{verb} {event.display}" + ("" if event.verified else " (date unverified)")
        else:
            what = row.validity.text
        label = f"{names.document_title(row.document_id)}: {what}"
        return label, document_url(slug) if slug else "", history_url(slug) if slug else None
    if what == "target":
        slug, eid = names.provision_address(row.provision_id)
        year = row.target_year or "no year"
        label = f"Target “{row.metric}” ({year}) in {names.provision_label(row.provision_id)}"
        url = provision_url(slug, eid) if slug else ""
        return label, url, history_url(slug, eid) if slug else None
    if what == "relation":
        ends = []
        for document_id, provision_id in (
            (row.source_document_id, row.source_provision_id),
            (row.target_document_id, row.target_provision_id),
        ):
            if provision_id:
                slug, eid = names.provision_address(provision_id)
                ends.append((names.provision_label(provision_id), slug, eid))
            else:
                ends.append((names.document_title(document_id), names.document_slug(document_id), None))
        verb = names.relation_verbs.get(row.type_id, "is related to")
        (source_label, slug, eid), (target_label, _, _) = ends
        url = subject_url(slug, eid) if slug else ""
        return f"{source_label} {verb} {target_label}", url, history_url(slug, eid) if slug else None
    # annotation
    if row.provision_id:
        slug, eid = names.provision_address(row.provision_id)
        subject = names.provision_label(row.provision_id)
    else:
        slug, eid = names.document_slug(row.document_id), None
        subject = names.document_title(row.document_id)
    url = ""
    if slug:
        url = annotation_url(slug, eid, row.id) if row.history_type != "-" else subject_url(slug, eid)
    # A title stored before control characters were refused still carries them; a page cannot.
    return f"“{xml_safe(row.title)}” on {subject}", url, history_url(slug, eid) if slug else None


def document_of(row, names: Names) -> int | None:
    """The document a recorded version belongs to (a relation: its source's)."""
    what = row.table.what
    if what == "document":
        return row.id
    if what in ("provision", "event", "effect", "annotation"):
        return row.document_id
    provision_id = row.provision_id if what == "target" else row.source_provision_id
    if what == "relation" and row.source_document_id:
        return row.source_document_id
    values = names.provisions.get(provision_id)
    return values[0] if values else None


def author(row) -> str:
    user = row.history_user
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()

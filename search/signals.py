"""Live index updates: a change marks the affected index entries, and they are re-read from the
database and written (``SearchBackend.refresh``).

A backend whose entries live in the database (PostgreSQL) writes them in the save's own transaction, so
the two commit or roll back together. For the others (Whoosh) the marked keys are recorded in the
outbox in the same transaction and applied after the commit by one background writer
(``search.outbox``): a save never waits on the index, and a failed index write is retried, never lost.
The entries that show something of a marked document or provision (its annotations, the other ends of
its relations: ``dependent_keys``) are marked with it, unless the change is one they do not
show (a provision's text, its targets): an editor's save re-reads one entry, not its document's too.
Whether an entry is wanted at all (published, public) is decided when it is re-read: a draft or an
internal annotation is not returned, so its entry is removed.

What a transaction's rows ask for after its commit (the outbox's writer woken, the catalog replaced) is
asked once per transaction (``regulations.commit_batches``), however many rows it saved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from regulations.commit_batches import on_commit_once

# What search.catalog reads of a provision: a save that changes none of these leaves the catalog as it is.
PROVISION_CATALOG_FIELDS = ("document_id", "parent_id", "num", "eid", "publication", "heading_en")
# What the entries that show a provision (its annotations, its relations' other ends) read of it, besides its
# industries (search.records); a save that changes none of these re-reads the provision's own entry only.
PROVISION_SHOWN_ELSEWHERE = ("document_id", "num", "eid", "publication", "heading_en", "heading_zh")


def mark(keys, *, shown_elsewhere: bool = True) -> None:
    """Re-read these entries, and (``shown_elsewhere``: the change is one that the entries showing these
    documents and provisions show too) those entries."""
    from search import outbox
    from search.backends import backend_names

    keys = {key for key in keys if key}
    if not keys:
        return
    if shown_elsewhere:
        keys |= dependent_keys(keys)
    write_now(keys)
    if backend_names(in_transaction=False):
        outbox.record(keys)


def write_now(keys: set[str]) -> None:
    """Backends whose entries live in the database write them in the save's own transaction (a failure
    fails the save)."""
    from search.backends import backend_names, get_backend
    from search.records import records_for

    for name in backend_names(in_transaction=True):
        get_backend(name).refresh(keys, records_for)


def dependent_keys(keys: Iterable[str], chunk_size: int = 500) -> set[str]:
    """Entries that show something of these documents and provisions, so are marked with them:
    their annotations (document title, provision heading and number, industries, and whether the
    subject is published) and the other ends of their relations (whose relation words name the
    document, and are left out while either end is a draft)."""
    from regulations.models import Annotation, Relation

    wanted: dict[str, list[int]] = defaultdict(list)
    for key in keys:
        kind, _, pk = key.partition(":")
        if kind in ("document", "provision") and pk.isdigit():
            wanted[kind].append(int(pk))
    out: set[str] = set()
    for kind, pks in wanted.items():
        for start in range(0, len(pks), chunk_size):
            chunk = pks[start : start + chunk_size]
            out |= {
                f"annotation:{pk}"
                for pk in Annotation.objects.filter(**{f"{kind}_id__in": chunk}).values_list("pk", flat=True)
            }
            ends = Relation.objects.filter(
                Q(**{f"source_{kind}_id__in": chunk}) | Q(**{f"target_{kind}_id__in": chunk})
            ).values_list("source_document_id", "source_provision_id", "target_document_id", "target_provision_id")
            for source_document, source_provision, target_document, target_provision in ends:
                out.add(f"provision:{source_provision}" if source_provision else f"document:{source_document}")
                out.add(f"provision:{target_provision}" if target_provision else f"document:{target_document}")
    return out - set(keys)


def _provision_keys_of_documents(document_ids) -> set[str]:
    from regulations.models import Provision

    return {
        f"provision:{pk}" for pk in Provision.objects.filter(document_id__in=document_ids).values_list("pk", flat=True)
    }


def document_and_provision_keys(document_ids) -> set[str]:
    return {f"document:{pk}" for pk in document_ids} | _provision_keys_of_documents(document_ids)


def _document_and_provisions(document_id) -> set[str]:
    return document_and_provision_keys([document_id])


# -- receivers -------------------------------------------------------------------------------------
def on_document(sender, instance, **kwargs):
    keys = {f"document:{instance.pk}"}
    if kwargs.get("signal") is not post_delete:
        keys |= _provision_keys_of_documents([instance.pk])
    mark(keys)


def on_provision(sender, instance, **kwargs):
    deleted = kwargs.get("signal") is post_delete
    # Post-save receivers run before the instance takes in what it saved: it still knows what the row held.
    mark(
        {f"provision:{instance.pk}"},
        shown_elsewhere=deleted or instance.changes_saved_values(*PROVISION_SHOWN_ELSEWHERE),
    )
    if deleted or instance.changes_saved_values(*PROVISION_CATALOG_FIELDS):
        catalog_changed()


def catalog_changed(sender=None, instance=None, **kwargs) -> None:
    on_commit_once(_replace_catalog)


def _replace_catalog(_items: set) -> None:
    from search import catalog

    catalog.invalidate()


def on_annotation(sender, instance, **kwargs):
    """Saved, deleted, made internal or a draft: re-read it (it is indexed only while public)."""
    mark({f"annotation:{instance.pk}"})


def on_target(sender, instance, **kwargs):
    mark({f"provision:{instance.provision_id}"}, shown_elsewhere=False)  # targets show on their provision only


def on_document_part(sender, instance, **kwargs):
    """LegalEvent and DocumentIssuer: the status, year and issuers show on the document and its provisions."""
    mark(_document_and_provisions(instance.document_id))


def on_relation(sender, instance, **kwargs):
    keys = set()
    for document_id, provision_id in (
        (instance.source_document_id, instance.source_provision_id),
        (instance.target_document_id, instance.target_provision_id),
    ):
        keys.add(f"provision:{provision_id}" if provision_id else f"document:{document_id}")
    mark(keys, shown_elsewhere=False)  # the relation's words are on its two ends only


def on_glossary(sender, instance, **kwargs):
    keys = {f"glossary:{instance.pk}"}
    if kwargs.get("signal") is not post_delete:
        keys |= {f"provision:{pk}" for pk in instance.see_provisions.values_list("pk", flat=True)}
    mark(keys, shown_elsewhere=False)  # a term's names are indexed on the provisions it points to only


def on_catalog(sender, instance, **kwargs):
    """Industries and topics: their names are indexed on provisions and label the facets."""
    from regulations.models import Industry, Provision

    catalog_changed()
    if kwargs.get("signal") is post_delete:
        return
    if isinstance(instance, Industry):
        mark({f"provision:{pk}" for pk in Provision.objects.filter(industries=instance).values_list("pk", flat=True)})
    else:
        document_ids = list(instance.documents.values_list("pk", flat=True))
        mark(document_and_provision_keys(document_ids))


def on_provision_industries(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    from regulations.models import Provision

    if not reverse:
        mark({f"provision:{instance.pk}"})
    elif action == "pre_clear":
        mark({f"provision:{pk}" for pk in Provision.objects.filter(industries=instance).values_list("pk", flat=True)})
    else:
        mark({f"provision:{pk}" for pk in pk_set or ()})


def on_document_topics(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    from regulations.models import Document

    if not reverse:
        document_ids = [instance.pk]
    elif action == "pre_clear":
        document_ids = list(Document.objects.filter(topics=instance).values_list("pk", flat=True))
    else:
        document_ids = list(pk_set or ())
    mark(document_and_provision_keys(document_ids))


def on_glossary_provisions(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    from regulations.models import GlossaryTerm

    if not reverse:
        provisions = set(pk_set or ())
        if action == "pre_clear":
            provisions = set(instance.see_provisions.values_list("pk", flat=True))
        mark({f"glossary:{instance.pk}"} | {f"provision:{pk}" for pk in provisions}, shown_elsewhere=False)
    else:
        terms = pk_set or ()
        if action == "pre_clear":
            terms = GlossaryTerm.objects.filter(see_provisions=instance).values_list("pk", flat=True)
        mark({f"provision:{instance.pk}"} | {f"glossary:{pk}" for pk in terms}, shown_elsewhere=False)


def connect() -> None:
    from regulations import models as m

    uid = "search."
    for model, receiver in (
        (m.Document, on_document),
        (m.Provision, on_provision),
        (m.Target, on_target),
        (m.LegalEvent, on_document_part),
        (m.DocumentIssuer, on_document_part),
        (m.Relation, on_relation),
        (m.GlossaryTerm, on_glossary),
        (m.Annotation, on_annotation),
        (m.Industry, on_catalog),
        (m.Topic, on_catalog),
    ):
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}save.{model.__name__}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}delete.{model.__name__}")
    # What the catalog reads besides provisions (Industry and Topic: on_catalog).
    for model in (m.Document, m.LegalEvent, m.GlossaryTerm):
        post_save.connect(catalog_changed, sender=model, dispatch_uid=f"{uid}catalog.save.{model.__name__}")
        post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"{uid}catalog.delete.{model.__name__}")
    m2m_changed.connect(on_provision_industries, sender=m.Provision.industries.through, dispatch_uid=f"{uid}industries")
    m2m_changed.connect(on_document_topics, sender=m.Document.topics.through, dispatch_uid=f"{uid}topics")
    m2m_changed.connect(
        on_glossary_provisions, sender=m.GlossaryTerm.see_provisions.through, dispatch_uid=f"{uid}glossary"
    )

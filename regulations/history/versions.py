"""The knowledge base through time: recorded versions, the text as it stood on a date, and where old addresses lead.

Versions are django-simple-history records. A version's date is when its text took effect in
the knowledge base: the corpus's first versions are dated at the document's issue, later edits
when they were saved. Ties on a date are broken by the record's id, which grows with every save.
"""

import datetime
from dataclasses import dataclass, field
from functools import cache

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy

from regulations.models import Document, Provision, Publication

# What a reader means by "the text": a change to one of these is a change of the text.
PROVISION_TEXT_FIELDS = ["num", "heading_en", "heading_zh", "text", "text_original"]
DOCUMENT_TEXT_FIELDS = ["title_en", "title_zh", "short_title", "doc_number", "summary"]
# Bookkeeping, not content: never listed as a change.
IGNORED_FIELDS = {"revision", "updated_at", "position", "depth", "created_at", "written_against_revision"}
IGNORED_FIELDS |= {"written_against_at"}

# A version's action, as a code (templates and callers compare it); ACTION_LABELS are its words.
ACTIONS = {"+": "added", "~": "changed", "-": "removed"}
ACTION_LABELS = {
    "added": pgettext_lazy("a version", "added"),
    "changed": pgettext_lazy("a version", "changed"),
    "removed": pgettext_lazy("a version", "removed"),
}
# Links recorded with each version (simple-history's m2m_fields): relation → (the record's reverse accessor
# to its link rows, which unlike simple-history's own descriptor can be prefetched; the linked id).
LINKS = {
    "Provision": {"industries": ("historicalprovision_industries_set", "industry_id")},
    "Document": {"topics": ("historicaldocument_topics_set", "topic_id")},
}


class InvalidDate(ValueError):
    """A date in an address or a query that cannot be used; the message says why, for the reader."""


def parse_day(value: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidDate(
            gettext("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2024-01-31.") % {"value": str(value)[:40]}
        ) from None
    if day > timezone.localdate():
        raise InvalidDate(
            gettext("%(day)s is in the future; the text can only be shown as it stood up to today.")
            % {"day": day.isoformat()}
        )
    return day


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment after `day` in the site's time zone: a date pins the text as it stood that evening."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _chronological(records):
    return records.order_by("history_date", "history_id")


@cache
def _tracked_fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname not in IGNORED_FIELDS and f.attname != "id"]


def links_of(model) -> list[str]:
    """What to prefetch with a model's history records so that comparing their links costs no queries."""
    return [accessor for accessor, _ in LINKS.get(model.__name__, {}).values()]


def _linked(record, accessor: str, attname: str) -> frozenset:
    return frozenset(getattr(row, attname) for row in getattr(record, accessor).all())


def changed_fields(before, after) -> list[str]:
    """Names of the content fields (and recorded links) that differ between two records of one object."""
    if before is None:
        return []
    changed = [name for name in _tracked_fields(after.instance_type) if getattr(before, name) != getattr(after, name)]
    for relation, (accessor, attname) in LINKS.get(after.instance_type.__name__, {}).items():
        if _linked(before, accessor, attname) != _linked(after, accessor, attname):
            changed.append(relation)
    return changed


def field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name.removesuffix("_id")).verbose_name)
    except Exception:
        return name.replace("_", " ")


@dataclass
class Version:
    record: object
    number: int
    action: str
    changed: list[str] = field(default_factory=list)
    text_changed: bool = False

    @property
    def date(self):
        return self.record.history_date

    @property
    def history_id(self):
        return self.record.history_id

    @property
    def reason(self):
        return self.record.history_change_reason or ""

    @property
    def user(self):
        return self.record.history_user


def versions(instance, text_fields: list[str], *, drafts: bool = False) -> list[Version]:
    """Every recorded version of one object, oldest first, with what each changed."""
    model = type(instance)
    records = list(
        _chronological(model.history.filter(id=instance.pk))
        .select_related("history_user")
        .prefetch_related(*links_of(model))
    )
    result, previous = [], None
    for number, record in enumerate(records, start=1):
        if not drafts and getattr(record, "publication", Publication.PUBLISHED) == Publication.DRAFT:
            continue
        changed = changed_fields(previous, record)
        text_changed = previous is None or any(name in changed for name in text_fields)
        label_model = record.instance_type
        result.append(
            Version(
                record=record,
                number=number,
                action=ACTIONS.get(record.history_type, record.history_type),
                changed=[field_label(label_model, name) for name in changed],
                text_changed=text_changed,
            )
        )
        previous = record
    return result


def version_number(record) -> int:
    """A record's version number: its place among all the object's records, oldest first. Drafts count too, so
    the number a consultant sees is the one a reader's address uses; a reader just does not see drafts' numbers."""
    earlier = (
        type(record)
        ._default_manager.filter(id=record.id)
        .filter(
            Q(history_date__lt=record.history_date)
            | Q(history_date=record.history_date, history_id__lt=record.history_id)
        )
    )
    return earlier.count() + 1


def record_numbered(model, object_id: int, number: int):
    """The object's record with that version number, or None."""
    if number < 1:
        return None
    return _chronological(model.history.filter(id=object_id))[number - 1 : number].first()


def version_at(model, object_id: int, moment: datetime.datetime):
    """The object's record in force at `moment`, or None if it did not exist then (or had been removed)."""
    record = _chronological(model.history.filter(id=object_id, history_date__lt=moment)).last()
    if record is None or record.history_type == "-":
        return None
    return record


def histories(model, object_ids) -> dict[int, list]:
    """Every record of these objects, oldest first, by object: one query for many objects."""
    found: dict[int, list] = {}
    for record in _chronological(model.history.filter(id__in=set(object_ids))):
        found.setdefault(record.id, []).append(record)
    return found


def version_in(records: list, moment: datetime.datetime):
    """version_at() over an object's records already loaded (oldest first)."""
    earlier = [record for record in records if record.history_date < moment]
    if not earlier or earlier[-1].history_type == "-":
        return None
    return earlier[-1]


def text_changes_since(
    model, object_id: int, moment: datetime.datetime, text_fields: list[str], *, drafts: bool = False
) -> list:
    """Records after `moment` that changed the text (not bookkeeping), oldest first.

    Without `drafts`, versions recorded while the object was a draft are skipped: a public reader
    sees the published texts compared with each other, and learns nothing of a draft's dates."""
    records = histories(model, [object_id]).get(object_id, [])
    return text_changes_in(records, moment, text_fields, drafts=drafts)


def text_changes_in(records: list, moment: datetime.datetime, text_fields: list[str], *, drafts: bool = False):
    """text_changes_since() over an object's records already loaded (oldest first)."""
    if not drafts:
        records = [r for r in records if r.history_type == "-" or r.publication == Publication.PUBLISHED]
    changes, previous = [], None
    for record in records:
        if record.history_date >= moment and previous is not None:
            if record.history_type == "-" or any(getattr(previous, n) != getattr(record, n) for n in text_fields):
                changes.append(record)
        previous = record
    return changes


def first_record(model, object_id: int):
    return _chronological(model.history.filter(id=object_id)).first()


def document_provisions_at(document_id: int, moment: datetime.datetime, *, drafts: bool = False) -> list:
    """The document's provisions as they stood at `moment`, in document order (historical records)."""
    ever_here = Provision.history.filter(document_id=document_id).values("id")
    latest = {}
    for record in _chronological(Provision.history.filter(id__in=ever_here, history_date__lt=moment)):
        latest[record.id] = record
    rows = [
        record
        for record in latest.values()
        if record.history_type != "-"
        and record.document_id == document_id
        and (drafts or record.publication == Publication.PUBLISHED)
    ]
    rows.sort(key=lambda record: record.position)
    return rows


# -- where an address leads ---------------------------------------------------------------------


@dataclass
class Resolution:
    """What an address names now: the object itself, its new address, or its last recorded text."""

    outcome: str  # "current" | "moved" | "removed" | "unknown"
    document: Document | None = None
    provision: Provision | None = None
    last_record: object = None  # the removed object's last version, for a 410 page

    @property
    def url(self) -> str:
        target = self.provision or self.document
        return target.get_absolute_url() if target else ""


def _visible(instance, drafts: bool) -> bool:
    return drafts or instance.publication == Publication.PUBLISHED


def resolve_document(slug: str, *, drafts: bool = False) -> Resolution:
    document = Document.objects.filter(slug=slug).first()
    if document is not None:
        return Resolution("current", document) if _visible(document, drafts) else Resolution("unknown")
    record = _chronological(Document.history.filter(slug=slug)).last()
    if record is None:
        return Resolution("unknown")
    document = Document.objects.filter(pk=record.id).first()
    if document is not None:
        return Resolution("moved", document) if _visible(document, drafts) else Resolution("unknown")
    return _removed(_last_text(Document, record.id), drafts)


def resolve_provision(slug: str, eid: str, *, drafts: bool = False) -> Resolution:
    """An address /documents/<slug>/<eid>/ as it is now: renumbering and slug changes lead to the new one."""
    found = resolve_document(slug, drafts=drafts)
    if found.outcome == "unknown":
        return found
    if found.outcome == "removed":
        return _removed_provision(found.last_record.id, eid, drafts)
    document = found.document
    provision = Provision.objects.filter(document=document, eid=eid).first()
    if provision is not None:
        if not _visible(provision, drafts):
            return Resolution("unknown")
        return Resolution(found.outcome, document, provision)
    record = _chronological(Provision.history.filter(document_id=document.pk, eid=eid)).last()
    if record is None:
        return Resolution("unknown")
    provision = Provision.objects.select_related("document").filter(pk=record.id).first()
    if provision is not None:
        if not (_visible(provision, drafts) and _visible(provision.document, drafts)):
            return Resolution("unknown")
        return Resolution("moved", provision.document, provision)
    return _removed_provision(document.pk, eid, drafts)


def _removed_provision(document_id: int, eid: str, drafts: bool) -> Resolution:
    record = _chronological(Provision.history.filter(document_id=document_id, eid=eid)).last()
    if record is None:
        return Resolution("unknown")
    return _removed(_last_text(Provision, record.id), drafts)


def _removed(last, drafts: bool) -> Resolution:
    """A removed object's last text, unless it was a draft then: a reader who may not see drafts learns nothing."""
    if not drafts and last.publication != Publication.PUBLISHED:
        return Resolution("unknown")
    return Resolution("removed", last_record=last)


def _last_text(model, object_id: int):
    """A removed object's last version, with when and why it was removed."""
    last = _chronological(model.history.filter(id=object_id).exclude(history_type="-")).last()
    removal = _chronological(model.history.filter(id=object_id, history_type="-")).last()
    last.removed_on = removal.history_date if removal else None
    last.removal_reason = (removal.history_change_reason or "") if removal else ""
    return last

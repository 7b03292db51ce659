"""Page data for the history of a document or provision, redlines between versions, and pinned dates."""

import datetime
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from regulations.addresses import compare_url, pinned_url, provision_url
from regulations.history import versions
from regulations.history.legal_timeline import legal_context
from regulations.models import Document, Provision
from regulations.text.redline import change_summary, redline_html

PROVISION_FIELD_LABELS = {
    "num": gettext_lazy("Number"),
    "heading_en": gettext_lazy("English heading"),
    "heading_zh": gettext_lazy("Chinese heading"),
    "text": gettext_lazy("Text"),
    "text_original": gettext_lazy("Original text"),
}
DOCUMENT_FIELD_LABELS = {
    "title_en": gettext_lazy("English title"),
    "title_zh": gettext_lazy("Chinese title"),
    "short_title": gettext_lazy("Short title"),
    "doc_number": gettext_lazy("Document number"),
    "summary": gettext_lazy("Summary"),
}


EARLIEST_MOMENT = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)


class InvalidVersion(ValueError):
    """A version or moment named in a query that does not belong to this object."""


@dataclass
class FieldRedline:
    label: str
    changed: bool
    html: str
    inserted: int = 0
    deleted: int = 0
    field: str = ""

    @property
    def is_text(self) -> bool:
        """The text's row is shown even when unchanged (it says "unchanged"); other unchanged rows are left out."""
        return self.field == "text"


def field_redlines(before, after, labels: dict) -> list[FieldRedline]:
    rows = []
    for name, label in labels.items():
        old = str(getattr(before, name, "") or "") if before is not None else ""
        new = str(getattr(after, name, "") or "") if after is not None else ""
        if old == new:
            rows.append(FieldRedline(label, False, new, field=name))
            continue
        counts = change_summary(old, new)
        rows.append(
            FieldRedline(
                label, True, redline_html(old, new), counts["inserted_words"], counts["deleted_words"], field=name
            )
        )
    return rows


# -- one provision ------------------------------------------------------------------------------


def provision_history_page(provision: Provision, *, drafts: bool) -> dict:
    found = versions.versions(provision, versions.PROVISION_TEXT_FIELDS, drafts=drafts)
    latest = found[-1] if found else None
    earlier = found[-2] if len(found) > 1 else None
    return {
        "versions": list(reversed(found)),
        "compare_from": earlier.number if earlier else None,
        "compare_to": latest.number if latest else None,
    }


def _provision_record(provision: Provision, number, *, drafts: bool):
    text = str(number if number is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise InvalidVersion(
            gettext("“%(value)s” is not a version number of this provision; the history page lists them (1, 2, …).")
            % {"value": text[:20]}
        )
    record = versions.record_numbered(Provision, provision.pk, int(text))
    if record is None or record.history_type == "-" or (not drafts and record.publication != "published"):
        raise InvalidVersion(
            gettext("Version %(number)d is not a version of this provision; the history page lists them.")
            % {"number": int(text)}
        )
    return record


def provision_compare_page(provision: Provision, from_id, to_id, *, drafts: bool) -> dict:
    before = _provision_record(provision, from_id, drafts=drafts)
    after = _provision_record(provision, to_id, drafts=drafts)
    if (before.history_date, before.history_id) > (after.history_date, after.history_id):
        before, after = after, before
    rows = field_redlines(before, after, PROVISION_FIELD_LABELS)
    return {
        "before": before,
        "after": after,
        "before_number": versions.version_number(before),
        "after_number": versions.version_number(after),
        "rows": rows,
        "unchanged": not any(row.changed for row in rows),
        "versions": list(reversed(versions.versions(provision, versions.PROVISION_TEXT_FIELDS, drafts=drafts))),
    }


def pinned_provision_page(provision: Provision, day: datetime.date, *, drafts: bool) -> dict:
    moment = versions.end_of_day(day)
    record = versions.version_at(Provision, provision.pk, moment)
    first = versions.first_record(Provision, provision.pk)
    if record is None or (not drafts and record.publication != "published"):
        first_day = timezone.localdate(first.history_date) if first else None
        raise NotInForceOnDate(day, first_day)
    later = versions.text_changes_since(Provision, provision.pk, moment, versions.PROVISION_TEXT_FIELDS, drafts=drafts)
    current = Provision.history.filter(id=provision.pk).order_by("history_date", "history_id").last()
    return {
        **legal_context(provision.document, day, provision),
        "day": day,
        "record": record,
        "changes_since": later,
        "changed_since": bool(later),
        "current_record": current,
        "record_number": versions.version_number(record),
        "current_number": versions.version_number(current),
    }


class NotInForceOnDate(Http404):
    """The object has no text on that date; the page says when it first appears."""

    def __init__(self, day: datetime.date, first_day: datetime.date | None):
        self.day, self.first_day = day, first_day
        if first_day:
            message = gettext("It did not exist on %(day)s: its first recorded text dates from %(first_day)s.") % {
                "day": date_format(day),
                "first_day": date_format(first_day),
            }
        else:
            message = gettext("It had no published text on %(day)s.") % {"day": date_format(day)}
        super().__init__(message)


# -- one document -------------------------------------------------------------------------------


@dataclass
class DocumentEvent:
    """One recorded change in a document: to the document itself or to one of its provisions."""

    record: object
    what: str  # "document" | "provision"
    action: str
    changed: list[str]
    label: str
    url: str

    @property
    def date(self):
        return self.record.history_date

    @property
    def moment(self) -> str:
        return moment_param(self.record.history_date)


def moment_param(value: datetime.datetime) -> str:
    """A version's moment in a query string: the instant just after its record, in UTC."""
    instant = value.astimezone(datetime.UTC) + datetime.timedelta(microseconds=1)
    return instant.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def moment_label(asked: str, moment: datetime.datetime) -> str:
    """How a compare page names a moment: the day asked for as that day, a version's moment to the minute."""
    asked = str(asked or "").strip()
    if len(asked) == 10:
        return gettext("the end of %(day)s") % {"day": date_format(versions.parse_day(asked))}
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def parse_moment(value: str) -> datetime.datetime:
    """A moment from a query string: a full timestamp, or a day (meaning the end of that day)."""
    value = str(value or "").strip()
    if len(value) == 10:
        return versions.end_of_day(versions.parse_day(value))
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise versions.InvalidDate(
            gettext("“%(value)s” is neither a date (YYYY-MM-DD) nor a version's moment from the history page.")
            % {"value": value[:40]}
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if not EARLIEST_MOMENT <= moment <= timezone.now() + datetime.timedelta(days=1):
        raise versions.InvalidDate(
            gettext("“%(value)s” is outside the time Rulebook has recorded (1900 until now).") % {"value": value[:40]}
        )
    return moment


def withdrawn_provisions(document: Document, *, drafts: bool) -> set[int]:
    """The provisions of `document` that are drafts now (Provision.save makes everything below a draft one
    too), for a reader without `drafts`. Their earlier versions were public, but making a provision a draft
    takes it back from public view, headings and all."""
    if drafts:
        return set()
    return set(Provision.objects.filter(document=document, publication="draft").values_list("pk", flat=True))


def document_events(document: Document, *, drafts: bool) -> list[DocumentEvent]:
    withdrawn = withdrawn_provisions(document, drafts=drafts)
    events = []
    for version in versions.versions(document, versions.DOCUMENT_TEXT_FIELDS, drafts=drafts):
        events.append(
            DocumentEvent(version.record, "document", version.action, version.changed, gettext("The document"), "")
        )
    records = list(
        Provision.history.filter(document_id=document.pk)
        .order_by("id", "history_date", "history_id")
        .select_related("history_user")
        .prefetch_related(*versions.links_of(Provision))
    )
    previous = None
    for record in records:
        if previous is not None and previous.id != record.id:
            previous = None
        if (drafts or record.publication == "published") and record.id not in withdrawn:
            changed = versions.changed_fields(previous, record)
            if record.history_type == "+" or record.history_type == "-" or changed:
                events.append(
                    DocumentEvent(
                        record,
                        "provision",
                        versions.ACTIONS.get(record.history_type, record.history_type),
                        [versions.field_label(Provision, name) for name in changed],
                        f"{record.num or record.eid} {record.heading_en}".strip(),
                        provision_url(document.slug, record.eid),
                    )
                )
        previous = record
    events.sort(key=lambda event: (event.record.history_date, event.what, event.record.history_id), reverse=True)
    return events


def document_history_page(document: Document, *, drafts: bool) -> dict:
    events = document_events(document, drafts=drafts)
    # Versions of the whole document: one per distinct moment at which something in it changed.
    moments, seen = [], set()
    for event in events:
        key = event.moment
        if key not in seen:
            seen.add(key)
            moments.append(event)
    return {
        "events": events,
        "moments": moments,
        "compare_from": moments[1].moment if len(moments) > 1 else "",
        "compare_to": moments[0].moment if moments else "",
    }


@dataclass
class ProvisionDiff:
    before: object
    after: object
    status: str  # "added" | "removed" | "changed" | "unchanged"
    rows: list

    @property
    def record(self):
        return self.after or self.before


def document_compare_page(document: Document, from_value: str, to_value: str, *, drafts: bool) -> dict:
    (start, start_asked), (end, end_asked) = sorted(
        [(parse_moment(from_value), from_value), (parse_moment(to_value), to_value)], key=lambda pair: pair[0]
    )
    doc_before = versions.version_at(Document, document.pk, start)
    doc_after = versions.version_at(Document, document.pk, end)
    withdrawn = withdrawn_provisions(document, drafts=drafts)
    old = {
        record.id: record
        for record in versions.document_provisions_at(document.pk, start, drafts=drafts)
        if record.id not in withdrawn
    }
    new = {
        record.id: record
        for record in versions.document_provisions_at(document.pk, end, drafts=drafts)
        if record.id not in withdrawn
    }
    diffs = []
    for record_id in sorted(old.keys() | new.keys(), key=lambda i: ((new.get(i) or old.get(i)).position, i)):
        before, after = old.get(record_id), new.get(record_id)
        rows = field_redlines(before, after, PROVISION_FIELD_LABELS)
        if before is None:
            status = "added"
        elif after is None:
            status = "removed"
        else:
            status = "changed" if any(row.changed for row in rows) or before.eid != after.eid else "unchanged"
        diffs.append(ProvisionDiff(before, after, status, rows))
    document_rows = field_redlines(doc_before, doc_after, DOCUMENT_FIELD_LABELS)
    changed = [diff for diff in diffs if diff.status != "unchanged"]
    return {
        "start": start,
        "end": end,
        "start_label": moment_label(start_asked, start),
        "end_label": moment_label(end_asked, end),
        "document_rows": document_rows,
        "document_changed": any(row.changed for row in document_rows),
        "diffs": changed,
        "unchanged_count": len(diffs) - len(changed),
        "existed_before": doc_before is not None,
    }


def pinned_document_page(document: Document, day: datetime.date, *, drafts: bool) -> dict:
    moment = versions.end_of_day(day)
    record = versions.version_at(Document, document.pk, moment)
    if record is None or (not drafts and record.publication != "published"):
        first = versions.first_record(Document, document.pk)
        raise NotInForceOnDate(day, timezone.localdate(first.history_date) if first else None)
    withdrawn = withdrawn_provisions(document, drafts=drafts)
    provisions = [
        provision
        for provision in versions.document_provisions_at(document.pk, moment, drafts=drafts)
        if provision.id not in withdrawn
    ]
    for provision in provisions:
        provision.url = pinned_url(document.slug, provision.eid, day)
        provision.heading_level = min(6, 2 + provision.depth)
    events = [event for event in document_events(document, drafts=drafts) if event.record.history_date >= moment]
    return {
        **legal_context(document, day),
        "day": day,
        "record": record,
        "provisions": provisions,
        "changes_since": list(reversed(events)),
        "changed_since": bool(events),
        "since_moment": moment_param(moment - datetime.timedelta(microseconds=1)),
    }


# -- annotations against the text they were written for -----------------------------------------


def decorate_annotations(annotations: list, *, drafts: bool = False) -> list:
    """Mark each annotation whose subject's text changed after it was written, with a redline link.

    The subjects' histories are read in one query per model, however many annotations a page has."""
    provision_ids = {a.provision_id for a in annotations if a.provision_id}
    document_ids = {a.document_id for a in annotations if not a.provision_id}
    records = {
        Provision: versions.histories(Provision, provision_ids) if provision_ids else {},
        Document: versions.histories(Document, document_ids) if document_ids else {},
    }
    for annotation in annotations:
        annotation.changed_since = None
        annotation.written_against_day = (
            timezone.localdate(annotation.written_against_at) if annotation.written_against_at else None
        )
        if annotation.written_against_at is None:
            continue
        after = annotation.written_against_at + datetime.timedelta(microseconds=1)
        if annotation.provision_id:
            model, object_id, fields = Provision, annotation.provision_id, versions.PROVISION_TEXT_FIELDS
        else:
            model, object_id, fields = Document, annotation.document_id, versions.DOCUMENT_TEXT_FIELDS
        history = records[model].get(object_id, [])
        changes = versions.text_changes_in(history, after, fields, drafts=drafts)
        if not changes:
            continue
        annotation.changed_since = changes[0].history_date
        if annotation.provision_id:
            then = versions.version_in(history, after)
            now = changes[-1]
            if then is not None and now.history_type != "-":
                provision = annotation.provision
                annotation.redline_url = compare_url(
                    provision.document.slug,
                    provision.eid,
                    **{"from": versions.version_number(then), "to": versions.version_number(now)},
                )
        else:
            annotation.redline_url = compare_url(
                annotation.document.slug,
                **{"from": moment_param(annotation.written_against_at), "to": moment_param(changes[-1].history_date)},
            )
    return annotations

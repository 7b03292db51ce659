"""The historical tables that recent changes read, and what a reader may see of them, as SQL.

Each table is filtered by the reader's visibility and the page's filters in the database and cut at
`limit + 1` rows; `regulations.history.changes` merges the tables' rows by date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from regulations.history import versions
from regulations.models import (
    Annotation,
    Document,
    Industry,
    LegalEvent,
    Provision,
    Publication,
    Relation,
    Target,
    Topic,
    Validity,
    validity_on,
)

PUBLISHED = Publication.PUBLISHED
DRAFT = Publication.DRAFT


class InvalidFilter(ValueError):
    """A filter or cursor that cannot be used; the message is written for the reader."""


HDocument = Document.history.model
HProvision = Provision.history.model
HTarget = Target.history.model
HRelation = Relation.history.model
HAnnotation = Annotation.history.model
HLegalEvent = LegalEvent.history.model


def not_in(column: str, *querysets) -> Q:
    condition = Q()
    for queryset in querysets:
        condition &= ~Q(**{f"{column}__in": queryset})
    return condition


def hidden_documents():
    """Documents whose history a public reader does not see: drafts now, or drafts when removed."""
    return (
        Document.objects.filter(publication=DRAFT).values("pk"),
        HDocument.objects.filter(history_type="-", publication=DRAFT).values("id"),
    )


def hidden_provisions():
    """The same for provisions, including every provision ever recorded in a hidden document."""
    in_hidden_document = Q()
    for queryset in hidden_documents():
        in_hidden_document |= Q(document_id__in=queryset)
    return (
        Provision.objects.filter(publication=DRAFT).values("pk"),
        HProvision.objects.filter(Q(history_type="-", publication=DRAFT) | in_hidden_document).values("id"),
    )


def public_condition(what: str) -> Q:
    documents, provisions = hidden_documents(), hidden_provisions()
    if what == "document":
        return Q(publication=PUBLISHED) & not_in("id", *documents)
    if what == "provision":
        return Q(publication=PUBLISHED) & not_in("id", *provisions) & not_in("document_id", *documents)
    if what == "target":
        return not_in("provision_id", *provisions)
    if what == "event":
        return not_in("document_id", *documents)
    if what == "relation":
        return (
            not_in("source_document_id", *documents)
            & not_in("target_document_id", *documents)
            & not_in("source_provision_id", *provisions)
            & not_in("target_provision_id", *provisions)
        )
    not_public = ~Q(visibility=Annotation.Visibility.PUBLIC, publication=PUBLISHED)
    hidden_annotations = (
        Annotation.objects.filter(not_public).values("pk"),
        HAnnotation.objects.filter(not_public, history_type="-").values("id"),
    )
    return (
        Q(visibility=Annotation.Visibility.PUBLIC, publication=PUBLISHED)
        & not_in("id", *hidden_annotations)
        & not_in("document_id", *documents)
        & not_in("provision_id", *provisions)
    )


def row_is_public(what: str, row) -> bool:
    """What one recorded version says of itself (its own publication and visibility)."""
    if what in ("document", "provision"):
        return row.publication == PUBLISHED
    if what == "annotation":
        return row.visibility == Annotation.Visibility.PUBLIC and row.publication == PUBLISHED
    return True


# -- filters, as SQL ------------------------------------------------------------------------------


@dataclass
class Scope:
    document: Document | None = None
    industry_ids: list[int] | None = None
    topic: Topic | None = None

    def condition(self, what: str) -> Q:
        condition = Q()
        if self.document is not None:
            condition &= in_documents(what, [self.document.pk])
        if self.topic is not None:
            documents = Document.topics.through.objects.filter(topic_id=self.topic.pk).values("document_id")
            condition &= in_documents(what, documents)
        if self.industry_ids is not None:
            condition &= in_industries(what, self.industry_ids)
        return condition


def in_documents(what: str, documents) -> Q:
    """Changes to these documents and everything in them (relations from or to them)."""
    if what == "document":
        return Q(id__in=documents)
    if what in ("provision", "annotation", "event"):
        return Q(document_id__in=documents)
    if what == "target":
        return Q(provision_id__in=HProvision.objects.filter(document_id__in=documents).values("id"))
    return Q(source_document_id__in=documents) | Q(target_document_id__in=documents)


def in_industries(what: str, industry_ids: list[int]) -> Q:
    """Provisions assigned to these industries, their targets, relations and annotations; their documents."""
    links = Provision.industries.through.objects.filter(industry_id__in=industry_ids)
    provisions = links.values("provision_id")
    documents = Provision.objects.filter(pk__in=links.values("provision_id")).values("document_id")
    if what == "document":
        return Q(id__in=documents)
    if what == "event":
        return Q(document_id__in=documents)
    if what == "provision":
        return Q(id__in=provisions)
    if what == "target":
        return Q(provision_id__in=provisions)
    if what == "relation":
        return Q(source_provision_id__in=provisions) | Q(target_provision_id__in=provisions)
    return Q(provision_id__in=provisions) | Q(provision__isnull=True, document_id__in=documents)


def industry_and_descendants(industry: Industry) -> list[int]:
    children: dict = {}
    for pk, parent_id in Industry.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, frontier = [], [industry.pk]
    while frontier:
        found += frontier
        frontier = [child for pk in frontier for child in children.get(pk, []) if child not in found]
    return found


def resolve_filter(model, value, staff: bool, noun: str):
    """A model instance, or a slug looked up (drafts only for readers who may see them)."""
    if value is None or value == "":
        return None
    if isinstance(value, model):
        if not staff and getattr(value, "publication", PUBLISHED) != PUBLISHED:
            raise InvalidFilter(gettext("There is no %(filter)s “%(value)s”.") % {"filter": noun, "value": value.slug})
        return value
    queryset = model.objects.all()
    if model is Document and not staff:
        queryset = queryset.published()
    found = queryset.filter(slug=str(value)).first()
    if found is None:
        shown = str(value) if len(str(value)) <= 60 else str(value)[:60] + "…"
        raise InvalidFilter(gettext("There is no %(filter)s “%(value)s”.") % {"filter": noun, "value": shown})
    return found


# -- cursors -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Changes strictly after this position in newest-first order (older, or later at the same moment)."""

    moment: datetime.datetime
    what: str | None = None
    history_id: int | None = None

    def __str__(self):
        text = self.moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return f"{text}~{self.what}-{self.history_id}" if self.what else text


def parse_moment(value) -> datetime.datetime:
    """A date (the start of that day, site time) or an ISO date-time (site time if it names no zone), in UTC."""
    text = str(value).strip()
    shown = text if len(text) <= 40 else text[:40] + "…"
    problem = InvalidFilter(
        gettext("“%(value)s” is not a date; write it as YYYY-MM-DD or 2024-05-01T12:00:00Z.") % {"value": shown}
    )
    try:
        if len(text) == 10:
            moment = datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time.min)
        else:
            moment = datetime.datetime.fromisoformat(text)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        raise problem from None


def parse_cursor(value) -> Cursor:
    """`before=`: a date, a date-time, or a cursor from an "older changes" link."""
    if isinstance(value, Cursor):
        return value
    if isinstance(value, datetime.datetime):
        return Cursor(value if timezone.is_aware(value) else timezone.make_aware(value))
    if isinstance(value, datetime.date):
        return Cursor(parse_moment(value.isoformat()))
    text = str(value).strip()
    moment_text, _, position = text.partition("~")
    moment = parse_moment(moment_text)
    if not position:
        return Cursor(moment)
    what, _, history_id = position.rpartition("-")
    if what not in RANKS or not history_id.isdigit() or len(history_id) > 18:
        raise InvalidFilter(gettext("“%(value)s” is not a position in the list of changes.") % {"value": text[:60]})
    return Cursor(moment, what, int(history_id))


# -- the tables -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    what: str
    model: type
    rank: int  # order among changes recorded at the same moment (higher first)
    history: type  # the historical model (looked up once: Model.history builds a manager class per access)


TABLES = [
    Table("event", LegalEvent, 5, HLegalEvent),  # the law's own changes: recorded legal events
    Table("document", Document, 4, HDocument),
    Table("provision", Provision, 3, HProvision),
    Table("target", Target, 2, HTarget),
    Table("relation", Relation, 1, HRelation),
    Table("annotation", Annotation, 0, HAnnotation),
]
# Not a table: a recorded legal event again on the day it takes effect (see `effect_rows`).
EFFECT = Table("effect", LegalEvent, 6, HLegalEvent)
RANKS = {table.what: table.rank for table in [*TABLES, EFFECT]}


def after_cursor(table: Table, cursor: Cursor) -> Q:
    """Rows after the cursor in (date descending, rank descending, history_id ascending) order."""
    moment = cursor.moment
    if cursor.what is None:
        return Q(history_date__lt=moment)
    rank = RANKS[cursor.what]
    if table.rank < rank:
        return Q(history_date__lte=moment)
    if table.rank > rank:
        return Q(history_date__lt=moment)
    return Q(history_date__lt=moment) | Q(history_date=moment, history_id__gt=cursor.history_id)


def previous_record_id(history_model):
    earlier = Q(history_date__lt=OuterRef("history_date")) | Q(
        history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")
    )
    return Subquery(
        history_model.objects.filter(earlier, id=OuterRef("id"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )


def rows_of(table: Table, *, staff, scope, since, cursor, limit) -> list:
    queryset = table.history.objects.filter(scope.condition(table.what))
    if staff:
        public = ExpressionWrapper(public_condition(table.what), output_field=BooleanField())
        queryset = queryset.annotate(is_public=public).select_related("history_user")
    else:
        queryset = queryset.filter(public_condition(table.what))
    if since is not None:
        queryset = queryset.filter(history_date__gte=since)
    if cursor is not None:
        queryset = queryset.filter(after_cursor(table, cursor))
    queryset = queryset.annotate(previous_id=previous_record_id(table.history))
    links = versions.links_of(table.model)
    rows = list(queryset.order_by("-history_date", "history_id").prefetch_related(*links)[:limit])
    for row in rows:
        row.table = table
    return rows


@dataclass
class TakingEffect:
    """A legal event on the day it takes effect: a rule's status changes then without anyone editing Rulebook.

    It stands beside the historical rows in the merge, with their attributes."""

    event: LegalEvent
    history_date: datetime.datetime
    validity: Validity
    is_public: bool = True
    table: Table = EFFECT
    history_type: str = "~"
    previous_id: None = None
    history_change_reason: str = ""
    history_user: None = None

    @property
    def history_id(self) -> int:
        return self.event.pk

    @property
    def document_id(self) -> int:
        return self.event.document_id

    @property
    def by_id(self) -> int | None:
        return self.event.by_id


EFFECTIVE_KINDS = LegalEvent.TAKING_EFFECT | LegalEvent.ENDING | LegalEvent.CHANGING


def _after(cursor: Cursor, rank: int, moment: datetime.datetime, row_id: int) -> bool:
    """`after_cursor` for rows computed in Python."""
    if cursor.what is None:
        return moment < cursor.moment
    cursor_rank = RANKS[cursor.what]
    if rank != cursor_rank:
        return moment <= cursor.moment if rank < cursor_rank else moment < cursor.moment
    return moment < cursor.moment or (moment == cursor.moment and row_id > cursor.history_id)


def effect_rows(*, staff, scope, since, cursor, limit) -> list[TakingEffect]:
    """Entries into force, amendments, replacements and expiries on the day they take effect, up to today.

    Only events recorded before that day: one recorded later was news when it was recorded, and its own
    row (an "event" change) says so."""
    today = timezone.localdate()
    events = LegalEvent.objects.filter(scope.condition("event"), kind__in=EFFECTIVE_KINDS, date__lte=today)
    if staff:
        events = events.annotate(is_public=ExpressionWrapper(public_condition("event"), output_field=BooleanField()))
    else:
        events = events.filter(public_condition("event"))
    first_recorded = HLegalEvent.objects.filter(id=OuterRef("pk")).order_by("history_date").values("history_date")
    events = list(events.annotate(recorded_at=Subquery(first_recorded[:1])))
    by_document: dict[int, list[LegalEvent]] = {}
    for event in LegalEvent.objects.filter(document_id__in={e.document_id for e in events}).select_related("by"):
        by_document.setdefault(event.document_id, []).append(event)
    rows = []
    for event in events:
        day = event.effective_from
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        if day > today or event.recorded_at is None or event.recorded_at >= moment:
            continue
        if (since is not None and moment < since) or (
            cursor is not None and not _after(cursor, EFFECT.rank, moment, event.pk)
        ):
            continue
        validity = validity_on(by_document[event.document_id], day)
        rows.append(TakingEffect(event, moment, validity, is_public=getattr(event, "is_public", True)))
    rows.sort(key=sort_key, reverse=True)
    return rows[:limit]


def sort_key(row):
    return (row.history_date, row.table.rank, -row.history_id)

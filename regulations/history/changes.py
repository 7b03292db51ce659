"""Recent changes across the knowledge base, newest first, from the django-simple-history tables.

`recent_changes()` reads the five historical tables (documents, provisions, targets, relations,
annotations) once each, with the reader's visibility and the filters written into the SQL and
each table cut at `limit + 1` rows; the rows are merged by date in Python and labelled from a
few bulk look-ups (no query per change).

Order: newest first; changes recorded at the same moment (a corpus load dates a whole document
at its issue) go document, provision, target, relation, annotation, then in the order they were
recorded. A cursor names a position in that order, so "older changes" never skips or repeats a
change that shares its moment with others.

What a public reader sees: changes to published documents and provisions, to targets and
relations whose ends are published, and to public, published annotations on published text.
An object that is a draft now (or was one when it was removed) shows none of its history; a
version recorded while an object was a draft or internal is left out, and the version that
first made it public reads as "added". Readers who may see internal content (see
`regulations.permissions.can_read_internal`) get everything, with what the public does not see
marked, and the names of the editors.
"""

from __future__ import annotations

import datetime
import heapq
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.text import capfirst

from regulations.addresses import annotation_url, document_url, history_url, provision_url, subject_url
from regulations.history import versions
from regulations.models import (
    Annotation,
    Document,
    Industry,
    Provision,
    Publication,
    Relation,
    RelationType,
    Target,
    Topic,
)
from regulations.permissions import can_read_internal

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
ACTIONS = {"+": "added", "~": "changed", "-": "removed"}
# Bookkeeping rather than content: never listed as what changed.
IGNORED_FIELDS = {"revision", "updated_at", "created_at", "written_against_revision", "written_against_at"}
IGNORED_FIELDS |= {"position", "depth"}  # place in document order, recomputed when the tree is edited
PUBLISHED = Publication.PUBLISHED
DRAFT = Publication.DRAFT


class InvalidFilter(ValueError):
    """A filter or cursor that cannot be used; the message is written for the reader."""


# -- the result ------------------------------------------------------------------------------


@dataclass
class Change:
    date: datetime.datetime
    action: str  # added / changed / removed
    what: str  # document / provision / target / relation / annotation
    label: str
    url: str
    history_url: str | None
    fields: list[str] = field(default_factory=list)  # readable names of the changed fields ("changed" only)
    reason: str = ""
    author: str = ""  # only for readers who may see internal content
    restricted: str = ""  # "Draft" / "Internal" when a public reader would not see this change
    body: str = ""  # an annotation's Markdown, as recorded in this version
    history_model: str = ""  # e.g. "historicalprovision"
    history_id: int = 0
    cursor: str = ""  # pass as before= to continue after this change

    @property
    def uid(self) -> str:
        """Unique and stable: one historical record."""
        return f"{self.history_model}/{self.history_id}"

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.date).date()


class ChangePage(list):
    """A list of changes, plus whether older ones exist and the cursor that continues after the last."""

    def __init__(self, changes=(), *, more: bool = False, next_before: str | None = None):
        super().__init__(changes)
        self.more = more
        self.next_before = next_before


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
    problem = InvalidFilter(f"“{shown}” is not a date; write it as YYYY-MM-DD or 2024-05-01T12:00:00Z.")
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
        raise InvalidFilter(f"“{text[:60]}” is not a position in the list of changes.")
    return Cursor(moment, what, int(history_id))


# -- what the reader may see, as SQL -------------------------------------------------------------

HDocument = Document.history.model
HProvision = Provision.history.model
HTarget = Target.history.model
HRelation = Relation.history.model
HAnnotation = Annotation.history.model


def _not_in(column: str, *querysets) -> Q:
    condition = Q()
    for queryset in querysets:
        condition &= ~Q(**{f"{column}__in": queryset})
    return condition


def _hidden_documents():
    """Documents whose history a public reader does not see: drafts now, or drafts when removed."""
    return (
        Document.objects.filter(publication=DRAFT).values("pk"),
        HDocument.objects.filter(history_type="-", publication=DRAFT).values("id"),
    )


def _hidden_provisions():
    """The same for provisions, including every provision ever recorded in a hidden document."""
    in_hidden_document = Q()
    for queryset in _hidden_documents():
        in_hidden_document |= Q(document_id__in=queryset)
    return (
        Provision.objects.filter(publication=DRAFT).values("pk"),
        HProvision.objects.filter(Q(history_type="-", publication=DRAFT) | in_hidden_document).values("id"),
    )


def _public_condition(what: str) -> Q:
    documents, provisions = _hidden_documents(), _hidden_provisions()
    if what == "document":
        return Q(publication=PUBLISHED) & _not_in("id", *documents)
    if what == "provision":
        return Q(publication=PUBLISHED) & _not_in("id", *provisions) & _not_in("document_id", *documents)
    if what == "target":
        return _not_in("provision_id", *provisions)
    if what == "relation":
        return (
            _not_in("source_document_id", *documents)
            & _not_in("target_document_id", *documents)
            & _not_in("source_provision_id", *provisions)
            & _not_in("target_provision_id", *provisions)
        )
    not_public = ~Q(visibility=Annotation.Visibility.PUBLIC, publication=PUBLISHED)
    hidden_annotations = (
        Annotation.objects.filter(not_public).values("pk"),
        HAnnotation.objects.filter(not_public, history_type="-").values("id"),
    )
    return (
        Q(visibility=Annotation.Visibility.PUBLIC, publication=PUBLISHED)
        & _not_in("id", *hidden_annotations)
        & _not_in("document_id", *documents)
        & _not_in("provision_id", *provisions)
    )


def _row_is_public(what: str, row) -> bool:
    """What one recorded version says of itself (its own publication and visibility)."""
    if what in ("document", "provision"):
        return row.publication == PUBLISHED
    if what == "annotation":
        return row.visibility == Annotation.Visibility.PUBLIC and row.publication == PUBLISHED
    return True


# -- filters, as SQL ------------------------------------------------------------------------------


@dataclass
class _Scope:
    document: Document | None = None
    industry_ids: list[int] | None = None
    topic: Topic | None = None

    def condition(self, what: str) -> Q:
        condition = Q()
        if self.document is not None:
            condition &= _in_documents(what, [self.document.pk])
        if self.topic is not None:
            documents = Document.topics.through.objects.filter(topic_id=self.topic.pk).values("document_id")
            condition &= _in_documents(what, documents)
        if self.industry_ids is not None:
            condition &= _in_industries(what, self.industry_ids)
        return condition


def _in_documents(what: str, documents) -> Q:
    """Changes to these documents and everything in them (relations from or to them)."""
    if what == "document":
        return Q(id__in=documents)
    if what in ("provision", "annotation"):
        return Q(document_id__in=documents)
    if what == "target":
        return Q(provision_id__in=HProvision.objects.filter(document_id__in=documents).values("id"))
    return Q(source_document_id__in=documents) | Q(target_document_id__in=documents)


def _in_industries(what: str, industry_ids: list[int]) -> Q:
    """Provisions assigned to these industries, their targets, relations and annotations; their documents."""
    links = Provision.industries.through.objects.filter(industry_id__in=industry_ids)
    provisions = links.values("provision_id")
    documents = Provision.objects.filter(pk__in=links.values("provision_id")).values("document_id")
    if what == "document":
        return Q(id__in=documents)
    if what == "provision":
        return Q(id__in=provisions)
    if what == "target":
        return Q(provision_id__in=provisions)
    if what == "relation":
        return Q(source_provision_id__in=provisions) | Q(target_provision_id__in=provisions)
    return Q(provision_id__in=provisions) | Q(provision__isnull=True, document_id__in=documents)


def _industry_and_descendants(industry: Industry) -> list[int]:
    children: dict = {}
    for pk, parent_id in Industry.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, frontier = [], [industry.pk]
    while frontier:
        found += frontier
        frontier = [child for pk in frontier for child in children.get(pk, []) if child not in found]
    return found


def _resolve(model, value, staff: bool, noun: str):
    """A model instance, or a slug looked up (drafts only for readers who may see them)."""
    if value is None or value == "":
        return None
    if isinstance(value, model):
        if not staff and getattr(value, "publication", PUBLISHED) != PUBLISHED:
            raise InvalidFilter(f"There is no {noun} “{value.slug}”.")
        return value
    queryset = model.objects.all()
    if model is Document and not staff:
        queryset = queryset.published()
    found = queryset.filter(slug=str(value)).first()
    if found is None:
        shown = str(value) if len(str(value)) <= 60 else str(value)[:60] + "…"
        raise InvalidFilter(f"There is no {noun} “{shown}”.")
    return found


# -- the tables -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    what: str
    model: type
    rank: int  # order among changes recorded at the same moment (higher first)
    history: type  # the historical model (looked up once: Model.history builds a manager class per access)


TABLES = [
    _Table("document", Document, 4, HDocument),
    _Table("provision", Provision, 3, HProvision),
    _Table("target", Target, 2, HTarget),
    _Table("relation", Relation, 1, HRelation),
    _Table("annotation", Annotation, 0, HAnnotation),
]
RANKS = {table.what: table.rank for table in TABLES}


def _after_cursor(table: _Table, cursor: Cursor) -> Q:
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


def _previous_record_id(history_model):
    earlier = Q(history_date__lt=OuterRef("history_date")) | Q(
        history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")
    )
    return Subquery(
        history_model.objects.filter(earlier, id=OuterRef("id"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )


def _rows(table: _Table, *, staff, scope, since, cursor, limit) -> list:
    queryset = table.history.objects.filter(scope.condition(table.what))
    if staff:
        public = ExpressionWrapper(_public_condition(table.what), output_field=BooleanField())
        queryset = queryset.annotate(is_public=public).select_related("history_user")
    else:
        queryset = queryset.filter(_public_condition(table.what))
    if since is not None:
        queryset = queryset.filter(history_date__gte=since)
    if cursor is not None:
        queryset = queryset.filter(_after_cursor(table, cursor))
    queryset = queryset.annotate(previous_id=_previous_record_id(table.history))
    links = versions.links_of(table.model)
    rows = list(queryset.order_by("-history_date", "history_id").prefetch_related(*links)[:limit])
    for row in rows:
        row.table = table
    return rows


def _sort_key(row):
    return (row.history_date, row.table.rank, -row.history_id)


# -- labels, loaded in bulk -------------------------------------------------------------------------


@dataclass
class _Names:
    documents: dict = field(default_factory=dict)  # id -> (slug, short title)
    provisions: dict = field(default_factory=dict)  # id -> (document_id, parent_id, num, eid, heading_en)
    relation_verbs: dict = field(default_factory=dict)
    _citations: dict = field(default_factory=dict)
    _counts: dict = field(default_factory=dict)

    def document_title(self, document_id) -> str:
        return self.documents.get(document_id, ("", "(unknown document)"))[1]

    def document_slug(self, document_id) -> str:
        return self.documents.get(document_id, ("", ""))[0]

    def citation(self, provision_id) -> str:
        """The provision's number with as many of its ancestors' numbers as make it unique: （七） 2."""
        if provision_id not in self._citations:
            self._citations[provision_id] = self._cite(provision_id)
        return self._citations[provision_id]

    def _chain(self, provision_id) -> tuple:
        chain, node, seen = [], provision_id, set()
        while node is not None and node in self.provisions and node not in seen:
            seen.add(node)
            _document_id, parent_id, num, _eid, _heading = self.provisions[node]
            if not num:
                break
            chain.insert(0, num)
            node = parent_id
        return tuple(chain)

    def _reference_counts(self, document_id) -> Counter:
        """How many provisions of the document each run of numbers (（七） 2., 2., …) could name."""
        if document_id not in self._counts:
            counts = Counter()
            for pk, values in self.provisions.items():
                if values[0] == document_id:
                    chain = self._chain(pk)
                    counts.update(chain[-length:] for length in range(1, len(chain) + 1))
            self._counts[document_id] = counts
        return self._counts[document_id]

    def _cite(self, provision_id) -> str:
        if provision_id not in self.provisions:
            return ""
        document_id, _parent, num, eid, _heading = self.provisions[provision_id]
        chain = self._chain(provision_id)
        if not chain:
            return num or eid
        counts = self._reference_counts(document_id)
        for length in range(1, len(chain) + 1):
            if counts[chain[-length:]] <= 1:
                return " ".join(chain[-length:])
        return " ".join(chain)

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


def _load_names(rows) -> _Names:
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
        elif what == "relation":
            relation_rows = True
            document_ids |= {row.source_document_id, row.target_document_id}
            provision_ids |= {row.source_provision_id, row.target_provision_id}
        else:
            document_ids.add(row.document_id)
            provision_ids.add(row.provision_id)
    document_ids.discard(None)
    provision_ids.discard(None)
    names = _Names()
    if provision_ids or document_ids:
        # Every provision of the documents involved: ancestors' numbers make the citations.
        in_documents = Q(document_id__in=document_ids) | Q(
            document_id__in=Provision.objects.filter(pk__in=provision_ids).values("document_id")
        )
        for pk, *values in Provision.objects.filter(in_documents).values_list(
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


def _changed_fields(table: _Table, row, previous) -> list[str]:
    names = [name for name in versions.changed_fields(previous, row) if name.removesuffix("_id") not in IGNORED_FIELDS]
    return [capfirst(versions.field_label(table.model, name)) for name in names]


def _describe(row, names: _Names) -> tuple[str, str, str | None]:
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
    return f"“{row.title}” on {subject}", url, history_url(slug, eid) if slug else None


def _author(row) -> str:
    user = row.history_user
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# -- the entry point ------------------------------------------------------------------------------------


def recent_changes(
    *,
    user=None,
    document=None,
    industry=None,
    topic=None,
    since=None,
    limit: int = DEFAULT_LIMIT,
    before=None,
) -> ChangePage:
    """The latest changes the user may see, newest first.

    document, industry and topic are instances or slugs (an unknown slug raises InvalidFilter);
    since is a date or datetime (inclusive); before is a date, datetime, or the `next_before`
    cursor of a previous page.
    """
    staff = can_read_internal(user)
    limit = max(1, min(int(limit), MAX_LIMIT))
    document = _resolve(Document, document, staff, "document")
    industry = _resolve(Industry, industry, staff, "industry")
    topic = _resolve(Topic, topic, staff, "topic")
    scope = _Scope(
        document=document,
        topic=topic,
        industry_ids=_industry_and_descendants(industry) if industry is not None else None,
    )
    cursor = parse_cursor(before) if before not in (None, "") else None
    if since is not None:
        since = parse_cursor(since).moment

    per_table = [
        _rows(table, staff=staff, scope=scope, since=since, cursor=cursor, limit=limit + 1) for table in TABLES
    ]
    merged = list(heapq.merge(*per_table, key=_sort_key, reverse=True))[: limit + 1]
    more = len(merged) > limit
    rows = merged[:limit]

    previous = {}
    for table in TABLES:
        wanted = [row.previous_id for row in rows if row.table is table and row.previous_id is not None]
        if wanted:
            previous.update(
                ((table.what, record.history_id), record)
                for record in table.history.objects.filter(history_id__in=wanted).prefetch_related(
                    *versions.links_of(table.model)
                )
            )
    names = _load_names(rows)

    changes = []
    for row in rows:
        table = row.table
        action = ACTIONS.get(row.history_type, "changed")
        before_row = previous.get((table.what, row.previous_id))
        fields = []
        if action == "changed" and before_row is not None:
            if not staff and not _row_is_public(table.what, before_row):
                action = "added"  # the version that made it public: new to a public reader
            else:
                if before_row.history_date == row.history_date:
                    continue  # completes the version recorded at the same moment (one operation)
                fields = _changed_fields(table, row, before_row)
                if not fields:
                    continue  # only bookkeeping changed
        label, url, history = _describe(row, names)
        restricted = ""
        if staff and not row.is_public:
            internal = table.what == "annotation" and row.visibility != Annotation.Visibility.PUBLIC
            restricted = "Internal" if internal else "Draft"
        changes.append(
            Change(
                date=row.history_date,
                action=action,
                what=table.what,
                label=label,
                url=url,
                history_url=history,
                fields=fields,
                reason=row.history_change_reason or "",
                author=_author(row) if staff else "",
                restricted=restricted,
                body=row.body if table.what == "annotation" and action != "removed" else "",
                history_model=table.history._meta.model_name,
                history_id=row.history_id,
                cursor=str(Cursor(row.history_date, table.what, row.history_id)),
            )
        )
    next_before = str(Cursor(rows[-1].history_date, rows[-1].table.what, rows[-1].history_id)) if more else None
    return ChangePage(changes, more=more, next_before=next_before)

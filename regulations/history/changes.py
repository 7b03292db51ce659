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
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import pgettext_lazy

from regulations.history import versions
from regulations.history.change_labels import author, changed_fields, describe, document_of, load_names
from regulations.history.change_tables import (
    TABLES,
    Cursor,
    InvalidFilter,
    Scope,
    effect_rows,
    industry_and_descendants,
    parse_cursor,
    resolve_filter,
    row_is_public,
    rows_of,
    sort_key,
)
from regulations.models import (
    Annotation,
    Document,
    Industry,
    Publication,
    Topic,
)
from regulations.permissions import can_read_internal

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Change",
    "ChangePage",
    "Cursor",
    "InvalidFilter",
    "parse_cursor",
    "recent_changes",
]

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
ACTIONS = {"+": "added", "~": "changed", "-": "removed"}
TOOK_EFFECT = "took effect"
ACTION_LABELS = {
    "added": pgettext_lazy("change action", "Added"),
    "changed": pgettext_lazy("change action", "Changed"),
    "removed": pgettext_lazy("change action", "Removed"),
    TOOK_EFFECT: pgettext_lazy("change action", "Took effect"),
}
PUBLISHED = Publication.PUBLISHED
DRAFT = Publication.DRAFT


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
    kind: str = ""  # of a legal effect: "entry into force" or "status change"
    status_badge: str = ""  # of a legal effect: the badge of the status it brings
    document_slug: str = ""  # the document it belongs to (a relation: its source's)
    document_title: str = ""
    legal_kind: str = ""  # of a recorded or effective legal event: its LegalEvent kind

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

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
    document = resolve_filter(Document, document, staff, "document")
    industry = resolve_filter(Industry, industry, staff, "industry")
    topic = resolve_filter(Topic, topic, staff, "topic")
    scope = Scope(
        document=document,
        topic=topic,
        industry_ids=industry_and_descendants(industry) if industry is not None else None,
    )
    cursor = parse_cursor(before) if before not in (None, "") else None
    if since is not None:
        since = parse_cursor(since).moment

    per_table = [
        rows_of(table, staff=staff, scope=scope, since=since, cursor=cursor, limit=limit + 1) for table in TABLES
    ]
    per_table.append(effect_rows(staff=staff, scope=scope, since=since, cursor=cursor, limit=limit + 1))
    merged = list(heapq.merge(*per_table, key=sort_key, reverse=True))[: limit + 1]
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
    names = load_names(rows)

    changes = []
    for row in rows:
        table = row.table
        if table.what == "effect":
            changes.append(_took_effect(row, names, staff))
            _belongs(changes[-1], row, names)
            continue
        action = ACTIONS.get(row.history_type, "changed")
        before_row = previous.get((table.what, row.previous_id))
        fields = []
        if action == "changed" and before_row is not None:
            if not staff and not row_is_public(table.what, before_row):
                action = "added"  # the version that made it public: new to a public reader
            else:
                if before_row.history_date == row.history_date:
                    continue  # completes the version recorded at the same moment (one operation)
                fields = changed_fields(table, row, before_row)
                if not fields:
                    continue  # only bookkeeping changed
        label, url, history = describe(row, names)
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
                author=author(row) if staff else "",
                restricted=restricted,
                body=row.body if table.what == "annotation" and action != "removed" else "",
                history_model=table.history._meta.model_name,
                history_id=row.history_id,
                cursor=str(Cursor(row.history_date, table.what, row.history_id)),
                legal_kind=row.kind if table.what == "event" else "",
            )
        )
        _belongs(changes[-1], row, names)
    next_before = str(Cursor(rows[-1].history_date, rows[-1].table.what, rows[-1].history_id)) if more else None
    return ChangePage(changes, more=more, next_before=next_before)


def _belongs(change: Change, row, names) -> None:
    document_id = document_of(row, names)
    if document_id is not None:
        change.document_slug = names.document_slug(document_id)
        change.document_title = names.document_title(document_id)


def _took_effect(row, names, staff: bool) -> Change:
    label, url, history = describe(row, names)
    taking_effect = row.event.kind in row.event.TAKING_EFFECT
    return Change(
        date=row.history_date,
        action=TOOK_EFFECT,
        what="effect",
        label=label,
        url=url,
        history_url=history,
        restricted="" if row.is_public else "Draft",
        history_model="legalevent-effect",
        history_id=row.history_id,
        cursor=str(Cursor(row.history_date, "effect", row.history_id)),
        kind="entry into force" if taking_effect else "status change",
        status_badge=row.validity.badge,
        legal_kind=row.event.kind,
    )

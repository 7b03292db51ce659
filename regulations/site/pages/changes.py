"""Recent changes, filterable by document, industry and topic: the filters (shared with the feed) and the page.

Both take ?document=<slug>&industry=<slug>&topic=<slug>. The page also takes before=<cursor or
date> to go back in time, is lenient (a filter it cannot use is dropped with a note) and shows
signed-in staff the drafts and internal annotations, marked. The feed is strict (an unknown
filter is a 404 that says which) and is always the public view.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.http import Http404

from regulations.addresses import changes_feed_url, changes_url
from regulations.history.changes import DEFAULT_LIMIT, Change, InvalidFilter, parse_cursor, recent_changes
from regulations.models import Document, Industry, Topic
from regulations.site.pages.industries import indented

FILTERS = ("document", "industry", "topic")
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,100}")  # anything else names nothing: not even worth a query
BADGES = {"added": "in_force", "changed": "amended", "removed": "repealed"}


@dataclass
class Selection:
    """The filters of one request, resolved to objects."""

    document: Document | None = None
    industry: Industry | None = None
    topic: Topic | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def values(self) -> dict:
        return {name: getattr(self, name).slug for name in FILTERS if getattr(self, name) is not None}

    def description(self) -> str:
        """'to Industrial Carbon Peaking Plan in the Iron and steel industry', or '' without filters."""
        parts = []
        if self.document:
            parts.append(f"to {self.document.short_title or self.document.title_en}")
        if self.industry:
            parts.append(f"in the {self.industry.name_en} industry")
        if self.topic:
            parts.append(f"on {self.topic.name_en}")
        return " ".join(parts)

    def feed_title(self) -> str:
        description = self.description()
        return f"Rulebook — changes {description}" if description else "Rulebook — recent changes"


def choose(params, finders: dict, *, strict: bool) -> Selection:
    """Read ?document=&industry=&topic= from `params` with `finders` (name -> slug -> object or None).

    An unknown value is a note (the page), or a 404 saying which value (the feed).
    """
    selection = Selection()
    for name in FILTERS:
        value = params.get(name, "").strip()
        if not value:
            continue
        found = finders[name](value) if SLUG_RE.fullmatch(value) else None
        if found is None:
            shown = value if len(value) <= 60 else value[:60] + "…"
            if strict:
                raise Http404(
                    f"There is no {name} “{shown}”. Leave out {name}= or choose one on the Recent changes page."
                )
            selection.notes.append(f"Ignored {name} “{shown}”: it is not one of the values offered.")
            continue
        setattr(selection, name, found)
    return selection


def _in(options):
    return lambda slug: next((option for option in options if option.slug == slug), None)


def public_finders() -> dict:
    """Look-ups for the feed: published documents only, whoever asks."""
    return {
        "document": lambda slug: Document.objects.published().filter(slug=slug).first(),
        "industry": lambda slug: Industry.objects.filter(slug=slug).first(),
        "topic": lambda slug: Topic.objects.filter(slug=slug).first(),
    }


@dataclass
class Day:
    date: datetime.date
    changes: list[Change]


def _by_day(changes: list[Change]) -> list[Day]:
    days: list[Day] = []
    for change in changes:
        day = change.day
        if not days or days[-1].date != day:
            days.append(Day(day, []))
        days[-1].changes.append(change)
    return days


def changes_page(params, user, staff: bool) -> dict:
    """The page for the request's parameters, as `user` may see it (`staff`: with drafts and internal notes)."""
    documents = list(
        Document.objects.visible(staff).order_by("short_title").only("slug", "short_title", "title_en", "publication")
    )
    industries = list(Industry.objects.all())
    topics = list(Topic.objects.all())
    finders = {"document": _in(documents), "industry": _in(industries), "topic": _in(topics)}
    selection = choose(params, finders, strict=False)
    notes = selection.notes
    before = params.get("before", "").strip()
    if before:
        try:
            parse_cursor(before)
        except InvalidFilter as problem:
            notes.append(f"Ignored “before”: {problem} Showing the latest changes instead.")
            before = ""
    changes = recent_changes(
        user=user,
        document=selection.document,
        industry=selection.industry,
        topic=selection.topic,
        before=before or None,
        limit=DEFAULT_LIMIT,
    )
    for change in changes:
        change.badge = change.status_badge or BADGES.get(change.action, "amended")
    return {
        "staff": staff,
        "days": _by_day(changes),
        "count": len(changes),
        "values": selection.values,
        "description": selection.description(),
        "notes": notes,
        "before": before,
        "document_options": documents,
        "industry_options": indented(industries),
        "topic_options": topics,
        "feed_url": changes_feed_url(**selection.values),
        "feed_title": selection.feed_title(),
        "older_url": changes_url(**selection.values, before=changes.next_before) if changes.more else None,
        "newest_url": changes_url(**selection.values) if before else None,
    }

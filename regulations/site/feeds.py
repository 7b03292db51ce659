"""The recent-changes page (/changes/) and its Atom feed (/changes/feed/), filterable by document, industry and topic.

Both take ?document=<slug>&industry=<slug>&topic=<slug>. The page also takes before=<cursor or
date> to go back in time, is lenient (a filter it cannot use is dropped with a note) and shows
signed-in staff the drafts and internal annotations, marked. The feed is strict (an unknown
filter is a 404 that says which) and is always the public view.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.http.request import split_domain_port
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from regulations.history.changes import DEFAULT_LIMIT, Change, InvalidFilter, parse_cursor, recent_changes
from regulations.models import Document, Industry, Topic
from regulations.permissions import can_read_internal
from regulations.site.pages import indented
from regulations.text.rendering import render_markdown

FILTERS = ("document", "industry", "topic")
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,100}")  # anything else names nothing: not even worth a query
FEED_LIMIT = 50
# The year in the entries' tag: URIs (RFC 4151); fixed, so that an entry's id never changes.
TAG_YEAR = 2025
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

    @property
    def query(self) -> str:
        return urlencode(self.values)

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


def _choose(request, finders: dict, *, strict: bool) -> Selection:
    """Read ?document=&industry=&topic= with `finders` (name -> slug -> object or None).

    An unknown value is a note (the page), or a 404 saying which value (the feed).
    """
    selection = Selection()
    for name in FILTERS:
        value = request.GET.get(name, "").strip()
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


def _public_finders() -> dict:
    """Look-ups for the feed: published documents only, whoever asks."""
    return {
        "document": lambda slug: Document.objects.published().filter(slug=slug).first(),
        "industry": lambda slug: Industry.objects.filter(slug=slug).first(),
        "topic": lambda slug: Topic.objects.filter(slug=slug).first(),
    }


# -- the feed -----------------------------------------------------------------------------------


class ChangesAtomFeed(Atom1Feed):
    """Atom 1.0 with the entry's HTML content (an annotation's body) in <content type="html">."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


@dataclass
class FeedRequest:
    selection: Selection
    tag_authority: str


def _tag_authority(request) -> str:
    """The domain in entry ids: settings.RULEBOOK_FEED_TAG_AUTHORITY if set (ids then survive a change of host)."""
    configured = getattr(settings, "RULEBOOK_FEED_TAG_AUTHORITY", "")
    if configured:
        return configured
    domain, _port = split_domain_port(request.get_host())
    return domain if domain and not domain.startswith("[") else "rulebook.invalid"


def _summary(change: Change) -> str:
    parts = []
    if change.fields:
        parts.append("Changed: " + ", ".join(change.fields) + ".")
    if change.reason:
        parts.append(f"Reason: {change.reason}")
    return " ".join(parts) or f"{change.what.capitalize()} {change.action}."


class ChangesFeed(Feed):
    feed_type = ChangesAtomFeed
    author_name = "Rulebook"

    def get_object(self, request, *args, **kwargs):
        # Feed readers fetch without anyone's session, so the feed is the public view for everyone,
        # including a signed-in staff member: no drafts, no internal annotations, no editors' names.
        selection = _choose(request, _public_finders(), strict=True)
        return FeedRequest(selection=selection, tag_authority=_tag_authority(request))

    def title(self, obj):
        description = obj.selection.description()
        return f"Rulebook — changes {description}" if description else "Rulebook — recent changes"

    def subtitle(self, obj):
        return "What was added, changed or removed in Rulebook's regulation knowledge base, newest first."

    def link(self, obj):
        query = obj.selection.query
        return reverse("regulations:changes") + (f"?{query}" if query else "")

    def feed_url(self, obj):
        query = obj.selection.query
        return reverse("regulations:changes-feed") + (f"?{query}" if query else "")

    def feed_guid(self, obj):
        query = obj.selection.query
        return f"tag:{obj.tag_authority},{TAG_YEAR}:changes" + (f"?{query}" if query else "")

    def items(self, obj):
        selection = obj.selection
        changes = recent_changes(
            user=None,  # always public; see get_object
            document=selection.document,
            industry=selection.industry,
            topic=selection.topic,
            limit=FEED_LIMIT,
        )
        for change in changes:
            # RFC 4151 tag URI from the historical table and record id: unique, and stable across edits.
            change.guid = f"tag:{obj.tag_authority},{TAG_YEAR}:rulebook/{change.uid}"
        return changes

    def item_title(self, item: Change):
        return f"{item.action.capitalize()} {item.what}: {item.label}"

    def item_link(self, item: Change):
        return item.url or item.history_url or reverse("regulations:changes")

    def item_guid(self, item: Change):
        return item.guid

    item_guid_is_permalink = False

    def item_description(self, item: Change):
        # Atom's <summary type="html"> holds HTML: escape the plain text once.
        return escape(_summary(item))

    def item_pubdate(self, item: Change):
        return item.date

    def item_updateddate(self, item: Change):
        return item.date

    def item_extra_kwargs(self, item: Change):
        extra = {}
        if item.body:
            # The same sanitised rendering as on the pages.
            extra["content"] = str(render_markdown(item.body))
        return extra


# -- the page --------------------------------------------------------------------------------------


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


def recent_changes_view(request):
    staff = can_read_internal(request.user)
    documents = list(
        Document.objects.visible(staff).order_by("short_title").only("slug", "short_title", "title_en", "publication")
    )
    industries = list(Industry.objects.all())
    topics = list(Topic.objects.all())
    finders = {"document": _in(documents), "industry": _in(industries), "topic": _in(topics)}
    selection = _choose(request, finders, strict=False)
    notes = selection.notes
    before = request.GET.get("before", "").strip()
    if before:
        try:
            parse_cursor(before)
        except InvalidFilter as problem:
            notes.append(f"Ignored “before”: {problem} Showing the latest changes instead.")
            before = ""
    changes = recent_changes(
        user=request.user,
        document=selection.document,
        industry=selection.industry,
        topic=selection.topic,
        before=before or None,
        limit=DEFAULT_LIMIT,
    )
    query = selection.query
    here = reverse("regulations:changes")
    feed_url = reverse("regulations:changes-feed") + (f"?{query}" if query else "")
    description = selection.description()
    for change in changes:
        change.badge = BADGES.get(change.action, "amended")
    return render(
        request,
        "regulations/changes.html",
        {
            "section": "changes",
            "staff": staff,
            "days": _by_day(changes),
            "count": len(changes),
            "values": selection.values,
            "selection": selection,
            "description": description,
            "notes": notes,
            "before": before,
            "document_options": documents,
            "industry_options": indented(industries),
            "topic_options": topics,
            "feed_url": feed_url,
            "feed_title": f"Rulebook — changes {description}" if description else "Rulebook — recent changes",
            "older_url": f"{here}?{urlencode({**selection.values, 'before': changes.next_before})}"
            if changes.more
            else None,
            "newest_url": here + (f"?{query}" if query else "") if before else None,
        },
    )

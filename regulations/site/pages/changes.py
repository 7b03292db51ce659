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
from django.utils.translation import gettext, pgettext, pgettext_lazy

from regulations.addresses import changes_feed_url, changes_url
from regulations.history.change_sets import KINDS, ChangeSet, group_changes
from regulations.history.changes import DEFAULT_LIMIT, MAX_LIMIT, InvalidFilter, parse_cursor, recent_changes
from regulations.models import Document, Industry, Topic
from regulations.site.pages.industries import indented

FILTERS = ("document", "industry", "topic")
# What a note calls each filter (its parameter's name is the code, as typed in the address).
FILTER_LABELS = {
    "document": pgettext_lazy("changes filter", "document"),
    "industry": pgettext_lazy("changes filter", "industry"),
    "topic": pgettext_lazy("changes filter", "topic"),
}
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,100}")  # anything else names nothing: not even worth a query


@dataclass
class Selection:
    """The filters of one request, resolved to objects."""

    document: Document | None = None
    industry: Industry | None = None
    topic: Topic | None = None
    kinds: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def values(self) -> dict:
        values = {name: getattr(self, name).slug for name in FILTERS if getattr(self, name) is not None}
        if self.kinds:
            values["kind"] = ",".join(self.kinds)
        return values

    def description(self) -> str:
        """'to Industrial Carbon Peaking Plan in the Iron and steel industry', or '' without filters."""
        parts = []
        if self.document:
            parts.append(gettext("to %(document)s") % {"document": self.document.short_title or self.document.title_en})
        if self.industry:
            parts.append(gettext("in the %(industry)s industry") % {"industry": self.industry.name_en})
        if self.topic:
            parts.append(gettext("on %(topic)s") % {"topic": self.topic.name_en})
        if self.kinds:
            kinds = pgettext("between kinds of change", ", ").join(str(KINDS[kind]).lower() for kind in self.kinds)
            parts.append(gettext("of the kinds %(kinds)s") % {"kinds": kinds})
        return pgettext("between the filters of recent changes", " ").join(parts)

    def feed_title(self) -> str:
        description = self.description()
        if description:
            return gettext("Rulebook — changes %(description)s") % {"description": description}
        return gettext("Rulebook — recent changes")


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
                    gettext(
                        "There is no %(filter)s “%(value)s”. Leave out %(parameter)s= or choose one on the Recent "
                        "changes page."
                    )
                    % {"filter": FILTER_LABELS[name], "parameter": name, "value": shown}
                )
            message = gettext("Ignored %(filter)s “%(value)s”: it is not one of the values offered.")
            selection.notes.append(message % {"filter": FILTER_LABELS[name], "value": shown})
            continue
        setattr(selection, name, found)
    asked = params.getlist("kind") if hasattr(params, "getlist") else [params.get("kind", "")]
    for kind in [part.strip() for value in asked for part in value.split(",") if part.strip()]:
        if kind in KINDS:
            if kind not in selection.kinds:
                selection.kinds.append(kind)
            continue
        shown = kind if len(kind) <= 60 else kind[:60] + "…"
        if strict:
            message = gettext("There is no kind of change “%(kind)s”; use one of %(kinds)s.")
            raise Http404(message % {"kind": shown, "kinds": ", ".join(KINDS)})
        message = gettext("Ignored kind “%(kind)s”: it is not one of %(kinds)s.")
        selection.notes.append(message % {"kind": shown, "kinds": ", ".join(KINDS)})
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
    changes: list[ChangeSet]


def grouped_changes(selection: Selection, user, before=None, limit: int = DEFAULT_LIMIT):
    """(change sets, cursor of the next page or None) for a selection: whole saves, never split across pages."""
    rows = recent_changes(
        user=user,
        document=selection.document,
        industry=selection.industry,
        topic=selection.topic,
        before=before or None,
        limit=MAX_LIMIT,
    )
    return group_changes(rows, limit=limit, kinds=set(selection.kinds))


def _by_day(changes: list[ChangeSet]) -> list[Day]:
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
            message = gettext("Ignored “before”: %(problem)s Showing the latest changes instead.")
            notes.append(message % {"problem": problem})
            before = ""
    changes, next_before = grouped_changes(selection, user, before)
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
        "kind_options": KINDS,
        "selected_kinds": selection.kinds,
        "feed_url": changes_feed_url(**selection.values),
        "feed_title": selection.feed_title(),
        "older_url": changes_url(**selection.values, before=next_before) if next_before else None,
        "newest_url": changes_url(**selection.values) if before else None,
    }

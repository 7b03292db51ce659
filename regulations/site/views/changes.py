"""The recent-changes page (/changes/) and its Atom feed (/changes/feed/); see regulations.site.pages.changes."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http.request import split_domain_port
from django.shortcuts import render
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from regulations.addresses import changes_feed_url, changes_url, query_string
from regulations.history.change_sets import ChangeSet
from regulations.site.pages.changes import Selection, changes_page, choose, grouped_changes, public_finders
from regulations.site.views.shared import reads_drafts
from regulations.text.control_characters import xml_safe
from regulations.text.rendering import render_markdown

FEED_LIMIT = 50
# The year in the entries' tag: URIs (RFC 4151); fixed, so that an entry's id never changes.
TAG_YEAR = 2025


def recent_changes_page(request):
    context = changes_page(request.GET, request.user, reads_drafts(request))
    return render(request, "regulations/changes.html", {"section": "changes", **context})


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


def _summary(change: ChangeSet) -> str:
    if change.newest.what == "effect":
        return f"{change.kind_label} on {change.day:%-d %B %Y}, as recorded in advance: {change.label}."
    parts = [f"{change.kind_label}."]
    if len(change.changes) > 1:
        parts.append(change.summary.capitalize() + ".")
    if change.fields:
        parts.append("Changed: " + ", ".join(change.fields) + ".")
    if change.reason:
        parts.append(f"Reason: {change.reason}")
    return " ".join(parts)


class ChangesFeed(Feed):
    feed_type = ChangesAtomFeed
    author_name = "Rulebook"

    def __call__(self, request, *args, **kwargs):
        # Feed readers poll without the reader's language cookie, and entries keep the words they were first
        # read with: the feed is in English for every subscriber, like the API.
        with translation.override(settings.LANGUAGE_CODE):
            return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        # Feed readers fetch without anyone's session, so the feed is the public view for everyone,
        # including a signed-in staff member: no drafts, no internal annotations, no editors' names.
        selection = choose(request.GET, public_finders(), strict=True)
        return FeedRequest(selection=selection, tag_authority=_tag_authority(request))

    # Titles, labels and change notes recorded before input was checked (and removed objects keep
    # them) may hold characters XML cannot carry: one of them would make the whole feed unwritable.
    def title(self, obj):
        return xml_safe(obj.selection.feed_title())

    def subtitle(self, obj):
        return "What was added, changed or removed in Rulebook's regulation knowledge base, newest first."

    def link(self, obj):
        return changes_url(**obj.selection.values)

    def feed_url(self, obj):
        return changes_feed_url(**obj.selection.values)

    def feed_guid(self, obj):
        return f"tag:{obj.tag_authority},{TAG_YEAR}:changes" + query_string(obj.selection.values)

    def items(self, obj):
        changes, _ = grouped_changes(obj.selection, user=None, limit=FEED_LIMIT)  # always public; see get_object
        for change in changes:
            # RFC 4151 tag URI from the historical table and record id: unique, and stable across edits.
            change.guid = f"tag:{obj.tag_authority},{TAG_YEAR}:rulebook/{change.uid}"
        return changes

    def item_title(self, item: ChangeSet):
        return xml_safe(f"{item.kind_label}: {item.label}")

    def item_link(self, item: ChangeSet):
        return item.redline_url or item.url or item.history_url or changes_url()

    def item_guid(self, item: ChangeSet):
        return item.guid

    item_guid_is_permalink = False

    def item_description(self, item: ChangeSet):
        # Atom's <summary type="html"> holds HTML: escape the plain text once.
        return escape(xml_safe(_summary(item)))

    def item_pubdate(self, item: ChangeSet):
        return item.date

    def item_updateddate(self, item: ChangeSet):
        return item.date

    def item_extra_kwargs(self, item: ChangeSet):
        extra = {}
        if item.body:
            # The same sanitised rendering as on the pages.
            extra["content"] = str(render_markdown(item.body))
        return extra

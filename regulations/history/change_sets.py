"""Recent changes as a reader wants them: one entry per document and change set, each of a kind.

`recent_changes` lists recorded versions row by row (the API keeps that). A save in the admin or the API, or a
corpus load, records many rows at once (a provision and its targets; every provision of a new document); here
the rows of one document, one editor and one reason recorded within `SAME_SAVE` of each other become one
`ChangeSet`, with its kind (new rule, entry into force, status change, amendment, annotation, editorial
revision) and a redline of the whole set. A legal effect on the day it happens stays an entry of its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import ngettext_lazy, pgettext, pgettext_lazy

from regulations.addresses import compare_url, document_url, history_url
from regulations.history.changes import Change, ChangePage
from regulations.models import LegalEvent

SAME_SAVE = datetime.timedelta(minutes=2)
CORPUS_REASON = "Loaded from the corpus"

# Kinds in the order a reader weighs them; the values are the ?kind= of the page and the feed.
KINDS = {
    "new-rule": pgettext_lazy("change kind", "New rule"),
    "entry-into-force": pgettext_lazy("change kind", "Entry into force"),
    "status-change": pgettext_lazy("change kind", "Status change"),
    "amendment": pgettext_lazy("change kind", "Amendment"),
    "annotation": pgettext_lazy("change kind", "Annotation"),
    "editorial": pgettext_lazy("change kind", "Editorial revision"),
}
BADGES = {
    "new-rule": "in_force",
    "entry-into-force": "in_force",
    "status-change": "superseded",
    "amendment": "amended",
    "annotation": "not_yet_in_force",
    "editorial": "amended",
}
# What changed, counted ("12 provisions"); WHAT_NAMES name one change's object.
WHAT_NOUNS = {
    "document": ngettext_lazy("%(count)d document record", "%(count)d document records", "count"),
    "provision": ngettext_lazy("%(count)d provision", "%(count)d provisions", "count"),
    "target": ngettext_lazy("%(count)d target", "%(count)d targets", "count"),
    "relation": ngettext_lazy("%(count)d relation", "%(count)d relations", "count"),
    "annotation": ngettext_lazy("%(count)d annotation", "%(count)d annotations", "count"),
    "event": ngettext_lazy("%(count)d legal event", "%(count)d legal events", "count"),
    "effect": ngettext_lazy("%(count)d legal effect", "%(count)d legal effects", "count"),
}
WHAT_NAMES = {
    "document": pgettext_lazy("changed object", "document record"),
    "provision": pgettext_lazy("changed object", "provision"),
    "target": pgettext_lazy("changed object", "target"),
    "relation": pgettext_lazy("changed object", "relation"),
    "annotation": pgettext_lazy("changed object", "annotation"),
    "event": pgettext_lazy("changed object", "legal event"),
    "effect": pgettext_lazy("changed object", "legal effect"),
}
# "12 provisions and 3 targets added": the action said of the things it was done to.
ACTION_PHRASES = {
    "added": pgettext_lazy("change summary", "%(things)s added"),
    "changed": pgettext_lazy("change summary", "%(things)s changed"),
    "removed": pgettext_lazy("change summary", "%(things)s removed"),
    "took effect": pgettext_lazy("change summary", "%(things)s took effect"),
}


@dataclass
class ChangeSet:
    changes: list[Change]  # newest first
    kind: str = "editorial"
    status_badge: str = ""
    fields: list[str] = field(default_factory=list)

    @property
    def newest(self) -> Change:
        return self.changes[0]

    @property
    def oldest(self) -> Change:
        return self.changes[-1]

    @property
    def date(self) -> datetime.datetime:
        return self.newest.date

    @property
    def day(self) -> datetime.date:
        return self.newest.day

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def badge(self) -> str:
        return self.status_badge or BADGES[self.kind]

    @property
    def uid(self) -> str:
        """Stable while later changes of the same save join the set: its first change's."""
        return self.oldest.uid

    @property
    def from_corpus(self) -> bool:
        return self.newest.reason.startswith(CORPUS_REASON)

    @property
    def reason(self) -> str:
        """The editor's reason; a corpus load's file name says nothing to a reader."""
        return "" if self.from_corpus else self.newest.reason

    @property
    def author(self) -> str:
        return self.newest.author

    @property
    def restricted(self) -> str:
        return next((change.restricted for change in self.changes if change.restricted), "")

    @property
    def timed(self) -> bool:
        """Whether the time of day means anything: a corpus load is dated by a day, a legal effect happens on one."""
        return not self.from_corpus and self.newest.what != "effect"

    @property
    def body(self) -> str:
        return self.newest.body if len(self.changes) == 1 else ""

    @property
    def label(self) -> str:
        if len(self.changes) == 1:
            return self.newest.label
        title = self.newest.document_title or self.newest.label
        return f"{title}: {self.summary}"

    @property
    def summary(self) -> str:
        """'12 provisions and 3 targets added, 1 provision changed'."""
        counted: dict[tuple[str, str], int] = {}
        for change in reversed(self.changes):
            key = (change.action, change.what)
            counted[key] = counted.get(key, 0) + 1
        by_action: dict[str, list[str]] = {}
        for (action, what), count in counted.items():
            if len(self.changes) == 1:
                things = str(WHAT_NAMES.get(what, what))
            elif what in WHAT_NOUNS:
                things = WHAT_NOUNS[what] % {"count": count}
            else:
                things = f"{count} {what}"
            by_action.setdefault(action, []).append(things)
        return pgettext("between the actions of a change summary", ", ").join(
            str(ACTION_PHRASES.get(action, "%(things)s " + action))
            % {"things": pgettext("between the things of a change summary", " and ").join(parts)}
            for action, parts in by_action.items()
        )

    @property
    def url(self) -> str:
        return self.newest.url if len(self.changes) == 1 else document_url(self.newest.document_slug)

    @property
    def history_url(self) -> str | None:
        if len(self.changes) == 1:
            return self.newest.history_url
        return history_url(self.newest.document_slug) if self.newest.document_slug else None

    @property
    def redline_url(self) -> str | None:
        """The document's text just before the set and just after it, compared."""
        slug = self.newest.document_slug
        if not slug or self.kind in ("annotation", "entry-into-force", "status-change") or self.restricted:
            return None
        # A moment names the text recorded strictly before it.
        after = self.newest.date + datetime.timedelta(microseconds=1)
        return compare_url(slug, **{"from": _moment(self.oldest.date), "to": _moment(after)})


def _moment(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _same_save(group: list[Change], change: Change) -> bool:
    first = group[0]
    # A legal effect is news of its own; an annotation is a piece of writing of its own, with its own body.
    if {"effect", "annotation"} & {first.what, change.what}:
        return False
    return (
        change.document_slug == first.document_slug
        and change.author == first.author
        and change.reason == first.reason
        and group[-1].date - change.date <= SAME_SAVE
    )


def _kind_of(changes: list[Change]) -> tuple[str, str]:
    """(kind, status badge) of a set."""
    effect = next((change for change in changes if change.what == "effect"), None)
    if effect is not None:
        return ("entry-into-force" if effect.kind == "entry into force" else "status-change"), effect.status_badge
    if any(change.what == "document" and change.action == "added" for change in changes):
        return "new-rule", ""  # its legal events come with it
    legal = {change.legal_kind for change in changes if change.what == "event"}
    if legal & set(LegalEvent.CHANGING):
        return "amendment", ""
    if legal & (set(LegalEvent.ENDING) | set(LegalEvent.TAKING_EFFECT)):
        return "status-change", ""
    if all(change.what == "annotation" for change in changes):
        return "annotation", ""
    return "editorial", ""


def group_changes(changes: ChangePage | list[Change], *, limit: int, kinds: set[str] | None = None):
    """(sets, the cursor to continue after the last set, or None): at most `limit` sets, newest first.

    When older rows exist, the last set may continue beyond `changes`: it is left for the next page (unless it
    is the only one), so that a save is not split between pages."""
    groups: list[list[Change]] = []
    for change in changes:
        if groups and _same_save(groups[-1], change):
            groups[-1].append(change)
        else:
            groups.append([change])
    more = getattr(changes, "more", False)
    if more and len(groups) > 1:
        groups.pop()
    cut = len(groups) > limit
    groups = groups[:limit]
    sets = []
    for group in groups:
        kind, badge = _kind_of(group)
        fields = sorted({name for change in group for name in change.fields})
        sets.append(ChangeSet(group, kind, badge, fields))
    next_before = None
    if groups and (more or cut):
        next_before = groups[-1][-1].cursor
    if kinds:
        sets = [change_set for change_set in sets if change_set.kind in kinds]
    return sets, next_before

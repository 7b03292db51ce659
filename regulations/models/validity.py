"""A document's or a provision's legal status on a day, derived from its legal events.

Nothing here is stored: every list, badge, facet, API answer and link check asks `validity_on` for the day it
shows (today unless a date is asked for), so a rule that enters into force, is replaced or expires changes its
status on that day without anyone editing it.

The order of precedence on a day: an ending (repealed, replaced, expired) that has happened; else in force
(from its entry into force, or, without one, from the date it was made), as amended or partly repealed when
such an event has taken effect; else adopted but not yet in force; else a draft for consultation; else not yet
adopted. An unverified deciding event makes the status *reported*.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from regulations.models.legal_events import LegalEvent

Kind = LegalEvent.Kind


class Status(models.TextChoices):
    IN_FORCE = "in_force", gettext_lazy("In force")
    AMENDED = "amended", gettext_lazy("In force as amended")
    PARTLY_REPEALED = "partly_repealed", gettext_lazy("Partly repealed")
    NOT_YET_IN_FORCE = "not_yet_in_force", gettext_lazy("Adopted, not yet in force")
    CONSULTATION_DRAFT = "consultation_draft", gettext_lazy("Draft for consultation")
    SUPERSEDED = "superseded", gettext_lazy("Superseded")
    REPEALED = "repealed", gettext_lazy("Repealed")
    EXPIRED = "expired", gettext_lazy("Expired")
    NOT_YET_ADOPTED = "not_yet_adopted", gettext_lazy("Not yet adopted")


# A status resting on an unverified ending or change (only these can be reported). Each is a whole label, so
# that the search index can keep it in English and a page can still translate it.
REPORTED_LABELS = {
    Status.SUPERSEDED: gettext_lazy("Reported replaced"),
    Status.REPEALED: gettext_lazy("Reported repealed"),
    Status.EXPIRED: gettext_lazy("Reported expired"),
    Status.AMENDED: gettext_lazy("In force as amended (reported)"),
    Status.PARTLY_REPEALED: gettext_lazy("Partly repealed (reported)"),
}


IN_FORCE_STATUSES = {Status.IN_FORCE, Status.AMENDED, Status.PARTLY_REPEALED}
ENDED_STATUSES = {Status.SUPERSEDED, Status.REPEALED, Status.EXPIRED}
ENDINGS = {Kind.REPEALED: Status.REPEALED, Kind.REPLACED: Status.SUPERSEDED, Kind.EXPIRES: Status.EXPIRED}
# Badge colours of the stylesheet, by status.
BADGES = {
    Status.IN_FORCE: "in_force",
    Status.AMENDED: "amended",
    Status.PARTLY_REPEALED: "amended",
    Status.NOT_YET_IN_FORCE: "not_yet_in_force",
    Status.CONSULTATION_DRAFT: "not_yet_in_force",
    Status.NOT_YET_ADOPTED: "not_yet_in_force",
    Status.SUPERSEDED: "superseded",
    Status.REPEALED: "repealed",
    Status.EXPIRED: "repealed",
}


@dataclass(frozen=True)
class Validity:
    code: str  # a Status value
    day: datetime.date  # the day it describes
    event: LegalEvent | None = None  # the event that decided it (None: nothing had happened yet)
    next_event: LegalEvent | None = None  # for a rule not yet in force: its entry into force

    @property
    def label(self) -> str:
        return Status(self.code).label

    @property
    def unverified(self) -> bool:
        """The deciding event rests on one source or is only reported."""
        return self.event is not None and not self.event.verified

    @property
    def reported(self) -> bool:
        """The status itself is only reported: an unverified ending or change (an unverified date of entry into
        force leaves the rule in force, with its date unconfirmed)."""
        return self.unverified and self.event.kind in LegalEvent.ENDING | LegalEvent.CHANGING

    @property
    def in_force(self) -> bool:
        return self.code in IN_FORCE_STATUSES

    @property
    def ended(self) -> bool:
        return self.code in ENDED_STATUSES

    @property
    def by(self):
        """The replacing or amending document, when Rulebook has it."""
        return self.event.by if self.event is not None and self.event.by_id else None

    @property
    def badge(self) -> str:
        return BADGES[Status(self.code)]

    @property
    def badge_label(self) -> str:
        """The badge's words: a status resting on an unverified event says it is reported."""
        return REPORTED_LABELS.get(Status(self.code), self.label) if self.reported else self.label

    @property
    def since(self) -> str:
        """When the deciding event took effect, as the event's date reads ('April 2026', '2023')."""
        if self.event is None:
            return ""
        if self.event.kind == Kind.EXPIRES:
            return gettext("the end of %(period)s") % {"period": self.event.display}
        return self.event.display

    @property
    def text(self) -> str:
        """The status in a sentence fragment: 'Superseded by … from 1 April 2026 (reported, unverified)'."""
        event = self.event
        words = {"status": self.badge_label if self.ended else self.label, "since": self.since}
        if self.code == Status.SUPERSEDED:
            replacing = self.by.short_title if self.by is not None else (event.instrument if event else "")
            if replacing:
                text = gettext("%(status)s by %(by)s from %(since)s") % {**words, "by": replacing}
            else:
                text = gettext("%(status)s from %(since)s") % words
        elif self.code == Status.REPEALED:
            text = gettext("%(status)s from %(since)s") % words
        elif self.code == Status.EXPIRED:
            text = gettext("%(status)s after %(since)s") % words
        elif self.code in (Status.AMENDED, Status.PARTLY_REPEALED) and event is not None:
            if event.instrument:
                text = gettext("%(status)s (last changed %(since)s by %(instrument)s)") % {
                    **words,
                    "instrument": event.instrument,
                }
            else:
                text = gettext("%(status)s (last changed %(since)s)") % words
        elif self.code == Status.NOT_YET_IN_FORCE and self.next_event is not None:
            text = gettext("%(status)s (enters into force on %(day)s)") % {**words, "day": self.next_event.display}
        elif self.code == Status.IN_FORCE and event is not None:
            text = gettext("%(status)s since %(since)s") % words
        else:
            text = str(self.label)
        if self.reported and self.ended:  # an ending already reads "Reported …"
            return gettext("%(text)s (unverified)") % {"text": text}
        if self.reported:
            return gettext("%(text)s (reported, unverified)") % {"text": text}
        if self.unverified:
            return gettext("%(text)s (date unverified)") % {"text": text}
        return text


def _latest(events):
    return max(events, key=lambda event: (event.effective_from, event.position, event.pk or 0)) if events else None


def validity_on(events: list[LegalEvent], day: datetime.date | None = None, provision=None) -> Validity:
    """The status on `day` (today by default) of a document with these events, or of one of its provisions."""
    day = day or timezone.localdate()
    happened = [event for event in events if event.effective_from <= day]
    ending = _latest([event for event in happened if event.kind in ENDINGS])
    if ending is not None:
        return Validity(ENDINGS[ending.kind], day, ending)
    taking_effect = [event for event in events if event.kind in LegalEvent.TAKING_EFFECT]
    making = [event for event in events if event.kind in LegalEvent.MAKING]
    start = min(taking_effect or making, key=lambda event: event.effective_from, default=None)
    if start is not None and start.effective_from <= day:
        changes = [event for event in happened if event.kind in LegalEvent.CHANGING]
        if provision is not None:
            return _provision_validity(changes, day, start, provision)
        change = _latest(changes)
        if change is None:
            return Validity(Status.IN_FORCE, day, start)
        code = Status.PARTLY_REPEALED if change.kind == Kind.PARTLY_REPEALED else Status.AMENDED
        return Validity(code, day, change)
    made = [event for event in making if event.effective_from <= day]
    if made:
        return Validity(Status.NOT_YET_IN_FORCE, day, _latest(made), next_event=start)
    drafts = [event for event in happened if event.kind == Kind.CONSULTATION_DRAFT]
    if drafts:
        return Validity(Status.CONSULTATION_DRAFT, day, _latest(drafts), next_event=start)
    return Validity(Status.NOT_YET_ADOPTED, day, None, next_event=start)


def _provision_validity(changes, day, start, provision) -> Validity:
    """A provision of a document in force: repealed or amended where an event names it, else in force."""
    naming = [event for event in changes if provision.pk in {p.pk for p in event.provisions.all()}]
    change = _latest(naming)
    if change is None:
        return Validity(Status.IN_FORCE, day, start)
    code = Status.REPEALED if change.kind == Kind.PARTLY_REPEALED else Status.AMENDED
    return Validity(code, day, change)

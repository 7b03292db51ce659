"""What the link checker answers for one address: its outcome, a sentence, and where to go now."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

LEGAL_OUTCOMES = ("superseded", "repealed", "expired", "not_yet_in_force", "amended")
OUTCOMES = ("ok", *LEGAL_OUTCOMES, "revised", "moved", "removed", "not_ours", "unknown")
# The verdicts' words; the API answers with the outcome codes.
OUTCOME_LABELS = {
    "ok": gettext_lazy("ok"),
    "superseded": gettext_lazy("superseded"),
    "repealed": gettext_lazy("repealed"),
    "expired": gettext_lazy("expired"),
    "not_yet_in_force": gettext_lazy("not yet in force"),
    "amended": gettext_lazy("amended"),
    "revised": gettext_lazy("revised"),
    "moved": gettext_lazy("moved"),
    "removed": gettext_lazy("removed"),
    "not_ours": gettext_lazy("not ours"),
    "unknown": gettext_lazy("unknown"),
}
# The status badges' colours: green, amber, blue, red; "not ours" and "unknown" stay plain.
BADGE_COLOURS = {
    "ok": "in_force", "superseded": "superseded", "repealed": "repealed", "expired": "repealed", "amended": "amended",
    "not_yet_in_force": "not_yet_in_force", "revised": "amended", "moved": "not_yet_in_force", "removed": "repealed",
}  # fmt: skip


@dataclass
class LinkResult:
    address: str
    outcome: str  # one of OUTCOMES
    message: str
    current_url: str | None = None
    redline_url: str | None = None
    changed_on: datetime.date | None = None
    removed_on: datetime.date | None = None
    title: str = ""
    since: datetime.date | None = None  # the reference date the text was compared against
    anchor: str = ""  # the page's id for this row, if the summary links to it

    @property
    def label(self) -> str:
        if self.outcome == "revised" and self.since:
            return gettext("revised since %(day)s") % {"day": day_text(self.since)}
        if self.outcome == "amended" and self.since:
            return gettext("amended since %(day)s") % {"day": day_text(self.since)}
        return OUTCOME_LABELS[self.outcome]

    @property
    def badge_class(self) -> str:
        colour = BADGE_COLOURS.get(self.outcome)
        return f"badge badge--link-{self.outcome}" + (f" badge--status badge--{colour}" if colour else "")

    def as_dict(self) -> dict:
        return {
            "address": self.address,
            "outcome": self.outcome,
            "message": self.message,
            "current_url": self.current_url,
            "redline_url": self.redline_url,
            "changed_on": self.changed_on.isoformat() if self.changed_on else None,
            "removed_on": self.removed_on.isoformat() if self.removed_on else None,
            "title": self.title,
            "since": self.since.isoformat() if self.since else None,
        }


def counts(results) -> dict:
    tally = Counter(result.outcome for result in results)
    return {outcome: tally.get(outcome, 0) for outcome in OUTCOMES}


def day_text(day: datetime.date) -> str:
    return date_format(day)

"""The law's timeline beside Rulebook's own: what a rule's legal status was on a day and what the law did since.

A pinned page (`@date`, `?as_of=`) answers by legal effect first: the status on that day and every legal event
that has taken effect since (an amendment, a repeal, a replacement, an entry into force). Rulebook's own edits
of its summaries are a second, editorial timeline (regulations.history.versions), reported apart.
"""

import datetime

from django.db.models import prefetch_related_objects
from django.utils import timezone

from regulations.models import Document, LegalEvent, Provision

SINCE_KINDS = LegalEvent.TAKING_EFFECT | LegalEvent.CHANGING | LegalEvent.ENDING


def legal_context(document: Document, day: datetime.date, provision: Provision | None = None) -> dict:
    """The status on `day` and today, and the legal events between them that concern the document or provision."""
    prefetch_related_objects([document], "events__by", "events__provisions")
    subject = provision or document
    if provision is not None:
        provision.document = document
    today = timezone.localdate()
    since = []
    for event in document.events.all():
        if event.kind not in SINCE_KINDS or not day < event.effective_from <= today:
            continue
        named = {part.pk for part in event.provisions.all()}
        if provision is None or not named or provision.pk in named:
            since.append(event)
    return {"legal_then": subject.validity(day), "legal_now": subject.validity(), "legal_events_since": since}

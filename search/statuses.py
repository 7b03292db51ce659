"""Statuses in the index follow the calendar, not only the saves.

Each entry stores its rule's status as derived on the day it was written (``search.records``). When a legal
event takes effect (an entry into force, a replacement, an expiry), the status changes on that date although
nobody saved anything. ``StatusDay`` remembers the day the index's statuses were derived for; the first search of
a later day (in any process) marks the entries of the documents with an event taking effect in between, and
they are rewritten like any other change (``search.signals.mark``: in the same transaction for PostgreSQL, by the
outbox for Whoosh). ``rebuild_index`` starts the count again; ``rebuild_index --check`` reports the day.
"""

from __future__ import annotations

import datetime
import logging

from django.db import DatabaseError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# An index found without a recorded day (made before it was kept) has its last year of events refreshed.
UNKNOWN_DAY_LOOKBACK = datetime.timedelta(days=366)
# An expiry takes effect after its period ends: an event dated a year before a day may take effect on it.
LONGEST_PERIOD = datetime.timedelta(days=366)

_checked_day: datetime.date | None = None  # this process's last check: at most one query a day per process


def derived_for() -> datetime.date | None:
    from search.models import StatusDay

    row = StatusDay.objects.filter(pk=1).first()
    return row.day if row else None


def documents_changing(after: datetime.date, until: datetime.date) -> set[int]:
    """Documents with a legal event that takes effect on a day after `after` and up to `until`."""
    from regulations.models import LegalEvent

    candidates = LegalEvent.objects.filter(date__gt=after - LONGEST_PERIOD, date__lte=until)
    return {event.document_id for event in candidates if after < event.effective_from <= until}


def record_current(today: datetime.date | None = None) -> None:
    """The index's statuses are today's (after a rebuild)."""
    from search.models import StatusDay

    StatusDay.objects.update_or_create(pk=1, defaults={"day": today or timezone.localdate()})


def refresh_statuses(today: datetime.date | None = None) -> set[int]:
    """Mark the entries of the documents whose status changed since the recorded day; the documents marked.

    Of two processes that start at once, one moves the day on and marks; the other finds the day moved."""
    from search.models import StatusDay
    from search.signals import document_and_provision_keys, mark

    today = today or timezone.localdate()
    with transaction.atomic():
        recorded = derived_for()
        if recorded is not None and recorded >= today:
            return set()
        after = recorded if recorded is not None else today - UNKNOWN_DAY_LOOKBACK
        if recorded is None:
            _, created = StatusDay.objects.get_or_create(pk=1, defaults={"day": today})
            if not created:
                return set()
        elif not StatusDay.objects.filter(pk=1, day=recorded).update(day=today):
            return set()
        documents = documents_changing(after, today)
        if documents:
            mark(document_and_provision_keys(documents))
            logger.info("search: statuses refreshed for %s (%d documents changed)", today, len(documents))
    return documents


def ensure_current() -> None:
    """Called before a search: refreshes once a day per process; a failure is logged, never fails the search
    (the index then shows the statuses of its last day, and `rebuild_index --check` reports it)."""
    global _checked_day
    today = timezone.localdate()
    if _checked_day == today:
        return
    try:
        refresh_statuses(today)
    except DatabaseError:
        logger.exception("search: could not refresh the indexed statuses for %s", today)
        return
    _checked_day = today


def forget_check() -> None:
    """Make the next search check again (tests; a process that changed the calendar's meaning)."""
    global _checked_day
    _checked_day = None

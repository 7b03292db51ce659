"""Saves never wait on the Whoosh index: a save records the entries it changed in the outbox
(``PendingIndexUpdate``) in its own transaction, and after the commit one writer at a time applies
them, outside the request.

Each process has one background thread that drains the outbox: woken after every commit that recorded
something (once per transaction), and every ``POLL_SECONDS`` for the rows a failure left (retried with a
growing delay) or that another process recorded, one that stopped included. A file lock beside the
database makes the processes of a machine take turns, so only one applies at a time; each turn applies
every row that is due in one index commit, so a writer that is woken waits ``GATHER_SECONDS`` first for the
saves of the next moments to join it: with editors at work the index takes a few commits a second, not one
a save (each commit is a new segment that every reader opens, and that merges fold in later).
``rebuild_index`` drains it too. A row is deleted only once its entries were written, so a missed update
(a failed write, a process that ended in the middle) is retried rather than lost.

With ``SEARCH_UPDATES=immediate`` (the tests' setting) the commit drains in the saving thread instead,
so tests see the index updated as soon as the transaction's commit callbacks have run.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Count, Min, Q
from django.utils import timezone

from regulations.commit_batches import on_commit_once

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.5
GATHER_SECONDS = 0.1
BATCH = 500
MAX_RETRY_DELAY = 60.0
STALE_AFTER = timedelta(seconds=10)  # pending longer than this: readers are told results may be incomplete

_process_lock = threading.Lock()
_drainer: Drainer | None = None
_drainer_lock = threading.Lock()


@dataclass
class OutboxStatus:
    pending: int
    oldest_seconds: float  # age of the oldest pending row (0 when none)
    failing: int  # rows whose last attempt failed
    last_error: str

    @property
    def behind(self) -> bool:
        """Whether readers should be told that results may be incomplete."""
        return self.failing > 0 or self.oldest_seconds > STALE_AFTER.total_seconds()


def record(keys: set[str]) -> None:
    """Record these entries in the current transaction; they are applied after it commits."""
    from search.models import PendingIndexUpdate

    PendingIndexUpdate.objects.bulk_create([PendingIndexUpdate(key=key) for key in sorted(keys)])
    on_commit_once(_committed)


def _committed(_items: set) -> None:
    wake()


def _immediate() -> bool:
    return getattr(settings, "SEARCH_UPDATES", "background") == "immediate"


def wake() -> None:
    if _immediate():
        drain()
    else:
        start_drainer().wake()


def ensure_drainer() -> None:
    """Start this process's writer if it has none (in the background mode), for rows that a stopped
    process left behind."""
    if not _immediate():
        start_drainer()


@contextmanager
def one_writer():
    """This process's lock, then the machine's (a file lock beside the database), waiting for each."""
    with _process_lock:
        path = settings.DATA_DIR / "search-outbox.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


Row = tuple[int, str, int]  # id, key, attempts


def drain(retry_now: bool = False) -> int:
    """Apply the pending rows that are due (``retry_now``: failed ones too, whatever their delay), each
    turn's in one index write; return how many were applied. A failure leaves the rows it concerns for
    later, with a growing delay."""
    from search.models import PendingIndexUpdate

    applied = 0
    with one_writer():
        while True:
            now = timezone.now()
            due = PendingIndexUpdate.objects.all()
            if not retry_now:
                due = due.filter(Q(retry_after__isnull=True) | Q(retry_after__lte=now))
            rows: list[Row] = list(due.order_by("id").values_list("id", "key", "attempts")[:BATCH])
            if not rows:
                return applied
            keys = {key for _, key, _ in rows}
            try:
                if not apply(keys):
                    return applied  # no index yet: rebuild_index will build it and drain these
            except Exception as error:
                if len(keys) == 1:
                    _postpone(rows, error, now)
                else:
                    logger.warning(
                        "Search index not updated for %d entries at once (%s); trying each.", len(keys), error
                    )
                    applied += _apply_each(rows, now)
                return applied
            _done(rows)
            retry_now = False  # once: rows that fail again wait for their delay
            applied += len(rows)


def _apply_each(rows: list[Row], now) -> int:
    """After a turn's write failed: each entry on its own, so that one that cannot be written holds back
    no other."""
    by_key: dict[str, list[Row]] = {}
    for row in rows:
        by_key.setdefault(row[1], []).append(row)
    applied = 0
    for key, its_rows in by_key.items():
        try:
            if not apply({key}):
                return applied
        except Exception as error:
            _postpone(its_rows, error, now)
        else:
            _done(its_rows)
            applied += len(its_rows)
    return applied


def _done(rows: list[Row]) -> None:
    from search.models import PendingIndexUpdate

    PendingIndexUpdate.objects.filter(id__in=[row_id for row_id, _, _ in rows]).delete()


def _postpone(rows: list[Row], error: Exception, now) -> None:
    from search.models import PendingIndexUpdate

    keys = sorted({key for _, key, _ in rows})
    logger.error("Search index not updated for %s; will retry.", ", ".join(keys[:20]), exc_info=error)
    attempts = max(attempt for _, _, attempt in rows) + 1
    PendingIndexUpdate.objects.filter(id__in=[row_id for row_id, _, _ in rows]).update(
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        retry_after=now + timedelta(seconds=min(MAX_RETRY_DELAY, 2.0 ** (attempts - 1))),
    )


def apply(keys: set[str]) -> bool:
    """Write these entries to every backend that is kept up to date after commit; False when no such
    backend has an index yet."""
    from search.backends import backend_names, get_backend
    from search.records import records_for

    backends = [get_backend(name) for name in backend_names(in_transaction=False)]
    backends = [backend for backend in backends if backend.exists()]
    if not backends:
        return False
    for backend in backends:
        backend.refresh(keys, records_for)
    return True


def status() -> OutboxStatus:
    from search.models import PendingIndexUpdate

    # One query while nothing fails: every search asks, and with editors at work something is pending.
    summary = PendingIndexUpdate.objects.aggregate(
        pending=Count("id"), oldest=Min("created"), failing=Count("id", filter=Q(attempts__gt=0))
    )
    if not summary["pending"]:
        return OutboxStatus(0, 0.0, 0, "")
    last = ""
    if summary["failing"]:
        failing = PendingIndexUpdate.objects.filter(attempts__gt=0).order_by("-id")
        last = failing.values_list("last_error", flat=True).first() or ""
    return OutboxStatus(
        pending=summary["pending"],
        oldest_seconds=(timezone.now() - summary["oldest"]).total_seconds(),
        failing=summary["failing"],
        last_error=last,
    )


class Drainer(threading.Thread):
    """The process's background writer."""

    def __init__(self):
        super().__init__(name="search-outbox", daemon=True)
        self._woken = threading.Event()

    def wake(self) -> None:
        self._woken.set()

    def run(self) -> None:
        while True:
            if self._woken.wait(POLL_SECONDS):
                time.sleep(GATHER_SECONDS)
            self._woken.clear()
            try:
                # Waiting for another process's turn, not skipping it: rows committed as that turn ended
                # would otherwise wait for the next poll.
                drain()
            except Exception:
                logger.exception("The search outbox could not be read; will retry.")
            finally:
                close_old_connections()
                if connection.vendor == "sqlite":
                    connection.close()  # a thread's SQLite connection would hold the WAL open


def start_drainer() -> Drainer:
    global _drainer
    with _drainer_lock:
        if _drainer is None or not _drainer.is_alive():
            _drainer = Drainer()
            _drainer.start()
        return _drainer

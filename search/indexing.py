"""Whole-index operations behind ``rebuild_index`` (commands orchestrate, this does the work)."""

from __future__ import annotations

from search import catalog, outbox, statuses
from search.backends.base import Progress, SearchBackend
from search.records import count_records, iter_records, records_for
from search.results import CheckReport


def rebuild_index(backend: SearchBackend, progress: Progress | None = None) -> int:
    """Build a new index and swap it in; then catch up with changes saved while it was being built
    (live updates during the build went to the old index)."""
    total = count_records()
    counted = 0
    statuses.record_current()  # the records read from here on derive today's statuses

    def counting():
        nonlocal counted
        for record in iter_records():
            counted += 1
            yield record

    backend.rebuild(counting(), total, progress)
    catalog.invalidate()  # a load that preceded it may have sent no signals
    check_index(backend, fix=True)
    outbox.drain(retry_now=True)  # saved meanwhile, or waiting for an index to exist, or failed before
    return counted


def check_index(backend: SearchBackend, fix: bool = False) -> CheckReport:
    """Compare the index with the database; with ``fix``, reindex what differs and apply the outbox
    (its failed rows at once)."""
    report = backend.check(iter_records())
    if fix and not report.ok:
        backend.refresh(set(report.missing + report.stale + report.extra), records_for)
    if fix:
        statuses.refresh_statuses()
        outbox.drain(retry_now=True)
    return report

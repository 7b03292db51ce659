"""Work that a transaction's changes ask for, done once when it commits.

One save changes several rows (the row, its history row, its targets and industries…), and each row's
signal names what it affects: the cached pages' scopes, the search entries, the search catalog. Work done
by a commit callback per row would be repeated for every row, each time a write of its own (on SQLite, a
turn at the database's one write lock). Here each kind of work (its ``flush`` function) is done once per
transaction, with everything the transaction's rows named: every row still registers a callback (the
one that runs first does the work, the others find it done), so that a callback dropped with a rolled-back
savepoint, or one that a test's captured commit leaves out, never takes the others' work with it.
"""

from collections.abc import Callable, Hashable, Iterable

from django.db import DEFAULT_DB_ALIAS, connections, transaction

Flush = Callable[[set], None]


class _Batch:
    def __init__(self, flush: Flush):
        self.flush = flush
        self.items: set = set()
        self.done = False

    def run(self) -> None:
        if not self.done:
            self.done = True
            self.flush(self.items)


def on_commit_once(flush: Flush, items: Iterable[Hashable] = (), using: str = DEFAULT_DB_ALIAS) -> None:
    """Have ``flush`` called once when the current transaction commits, with the items of every call for
    this transaction (outside a transaction: at once, as ``transaction.on_commit`` does)."""
    connection = connections[using]
    batches = connection.__dict__.setdefault("commit_batches", {})
    batch = batches.get(flush)
    if batch is None or batch.done or not _waiting(connection, batch):
        batch = batches[flush] = _Batch(flush)
    batch.items.update(items)
    transaction.on_commit(batch.run, using=using)  # at once outside a transaction: the items go in first


def _waiting(connection, batch: _Batch) -> bool:
    # A rollback (of the transaction, or of the savepoint its callbacks were registered in) drops them from
    # this list, and a commit empties it: a batch with no callback left in it takes nothing more.
    return any(getattr(func, "__self__", None) is batch for _savepoints, func, _robust in connection.run_on_commit)

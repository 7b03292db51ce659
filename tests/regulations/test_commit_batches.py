"""Work that a transaction's rows ask for runs once when it commits, with what all of them named."""

from django.db import transaction

from regulations.commit_batches import on_commit_once

flushed: list[set] = []


def remember(items: set) -> None:
    flushed.append(set(items))


def test_several_rows_asking_for_the_same_work_have_it_done_once_with_all_they_named(
    db, django_capture_on_commit_callbacks
):
    flushed.clear()
    with django_capture_on_commit_callbacks(execute=True):
        on_commit_once(remember, {"document:plan"})
        on_commit_once(remember, {"industry:steel", "document:plan"})
    assert flushed == [{"document:plan", "industry:steel"}]


def test_the_next_transaction_has_the_work_done_again(db, django_capture_on_commit_callbacks):
    flushed.clear()
    for scope in ("first", "second"):
        with django_capture_on_commit_callbacks(execute=True):
            on_commit_once(remember, {scope})
    assert flushed == [{"first"}, {"second"}]


def test_what_a_rolled_back_savepoint_named_is_dropped_and_later_rows_still_have_the_work_done(
    db, django_capture_on_commit_callbacks
):
    flushed.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            on_commit_once(remember, {"rolled back"})
            transaction.set_rollback(True)
        on_commit_once(remember, {"kept"})
    assert flushed == [{"kept"}]


def test_a_callback_that_never_runs_takes_no_later_rows_work_with_it(db, django_capture_on_commit_callbacks):
    """As in a test, whose transaction never commits: only the callbacks of its captured commits run."""
    flushed.clear()
    on_commit_once(remember, {"left waiting"})
    with django_capture_on_commit_callbacks(execute=True):
        on_commit_once(remember, {"committed"})
    assert flushed == [{"left waiting", "committed"}]

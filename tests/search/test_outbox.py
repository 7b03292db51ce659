"""Saves never wait on the Whoosh index: they record the entries to update in the outbox, in their own
transaction, and one writer applies them after the commit, retrying what fails."""

import logging

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from regulations.models import Provision, Relation
from search import outbox
from search.models import PendingIndexUpdate
from search.service import search
from search.signals import dependent_keys
from tests.helpers import edit


def keys(backend, query):
    return [hit.key for hit in search(query, backend=backend).hits]


def test_a_save_records_its_entries_in_its_own_transaction(empty_backend, plan, django_capture_on_commit_callbacks):
    provision = Provision.objects.filter(document=plan).first()
    with django_capture_on_commit_callbacks(execute=False):
        provision.text = "A text about zeolite."
        provision.save()
    assert PendingIndexUpdate.objects.filter(key=f"provision:{provision.pk}").exists()
    assert keys(empty_backend, "zeolite") == []
    assert outbox.drain() > 0
    assert keys(empty_backend, "zeolite") == [f"provision:{provision.pk}"]
    assert not PendingIndexUpdate.objects.exists()


def test_a_rolled_back_save_leaves_nothing_to_apply(empty_backend, plan):
    provision = Provision.objects.filter(document=plan).first()
    with pytest.raises(RuntimeError), transaction.atomic():
        provision.text = "A text about zeolite."
        provision.save()
        raise RuntimeError("the save failed")
    assert not PendingIndexUpdate.objects.filter(key=f"provision:{provision.pk}").exists()


@pytest.fixture
def failing_once(empty_backend, monkeypatch):
    original = type(empty_backend).refresh
    failures = []

    def refresh(self, keys, load):
        if not failures:
            failures.append(keys)
            raise OSError(28, "No space left on device")
        return original(self, keys, load)

    monkeypatch.setattr(type(empty_backend), "refresh", refresh)
    return failures


def test_a_failed_update_is_kept_shown_to_readers_and_retried(
    empty_backend, plan, failing_once, client, caplog, django_capture_on_commit_callbacks
):
    provision = Provision.objects.filter(document=plan).first()
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        provision.text = "A text about zeolite."
        provision.save()
    assert failing_once, "the index write was not attempted"
    assert any("will retry" in record.getMessage() for record in caplog.records)
    row = PendingIndexUpdate.objects.get(key=f"provision:{provision.pk}")
    assert row.attempts == 1 and "No space left" in row.last_error
    page = client.get(reverse("search:results"), {"q": "battery"})
    assert "Search is being repaired; results may be incomplete." in page.content.decode()
    assert client.get("/api/search/", {"q": "battery"}).json()["warning"]

    assert outbox.drain() == 0  # not due yet: it waits for its retry delay
    assert outbox.drain(retry_now=True) > 0
    assert keys(empty_backend, "zeolite") == [f"provision:{provision.pk}"]
    assert client.get("/api/search/", {"q": "battery"}).json()["warning"] is None


def test_check_reports_pending_and_failing_updates_and_fix_applies_them(
    empty_backend, plan, failing_once, capsys, django_capture_on_commit_callbacks
):
    call_command("rebuild_index", "--no-progress")  # writes a new generation, never through refresh
    capsys.readouterr()
    provision = Provision.objects.filter(document=plan).first()
    with django_capture_on_commit_callbacks(execute=True):
        provision.text = "A text about zeolite."
        provision.save()
    with pytest.raises(SystemExit):
        call_command("rebuild_index", "--check")
    out = capsys.readouterr().out
    assert "index updates pending" in out and "1 failing" in out and "No space left" in out
    call_command("rebuild_index", "--check", "--fix")
    call_command("rebuild_index", "--check")
    assert "matches the database" in capsys.readouterr().out
    assert keys(empty_backend, "zeolite") == [f"provision:{provision.pk}"]


def test_updates_wait_for_an_index_to_be_built_and_rebuild_applies_them(
    tmp_path, settings, plan, django_capture_on_commit_callbacks
):
    from search.backends import get_backend
    from tests.helpers import whoosh_at

    settings.SEARCH_BACKENDS = whoosh_at(tmp_path / "never-built")
    provision = Provision.objects.filter(document=plan).first()
    with django_capture_on_commit_callbacks(execute=True):
        provision.text = "A text about zeolite."
        provision.save()
    assert PendingIndexUpdate.objects.filter(attempts=0).exists()
    call_command("rebuild_index", "--no-progress")
    assert not PendingIndexUpdate.objects.exists()
    assert keys(get_backend(), "zeolite") == [f"provision:{provision.pk}"]


def recorded_by(change, capture) -> set[str]:
    before = set(PendingIndexUpdate.objects.values_list("id", flat=True))
    with capture(execute=False):
        change()
    return set(PendingIndexUpdate.objects.exclude(id__in=before).values_list("key", flat=True))


def test_a_text_edit_records_its_own_entry_and_a_heading_edit_those_showing_the_provision_too(
    empty_backend, plan, django_capture_on_commit_callbacks
):
    relation = Relation.objects.filter(source_provision__isnull=False).select_related("source_provision").first()
    provision = relation.source_provision
    own = f"provision:{provision.pk}"
    showing = dependent_keys({own})
    assert showing, "the corpus should give this provision a relation's other end to show it"
    text_edit = recorded_by(lambda: edit(provision, text="Reworded: zeolite."), django_capture_on_commit_callbacks)
    assert text_edit == {own}
    heading_edit = recorded_by(lambda: edit(provision, heading_en="Renamed"), django_capture_on_commit_callbacks)
    assert heading_edit == {own} | showing


def test_one_entry_that_cannot_be_written_holds_back_no_other(
    empty_backend, plan, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    failing, fine = Provision.objects.filter(document=plan).order_by("pk")[:2]
    original = type(empty_backend).refresh

    def refresh(self, keys, load):
        if f"provision:{failing.pk}" in keys:
            raise ValueError("this entry cannot be written")
        return original(self, keys, load)

    monkeypatch.setattr(type(empty_backend), "refresh", refresh)
    with django_capture_on_commit_callbacks(execute=False):
        edit(failing, text="A text about zeolite.")
        edit(fine, text="Another text about zeolite.")
    with caplog.at_level(logging.ERROR):
        assert outbox.drain() == 1
    assert keys(empty_backend, "zeolite") == [f"provision:{fine.pk}"]
    row = PendingIndexUpdate.objects.get()
    assert row.key == f"provision:{failing.pk}" and row.attempts == 1 and "cannot be written" in row.last_error
    assert any("will retry" in record.getMessage() for record in caplog.records)


def test_a_transaction_of_several_saves_wakes_the_writer_once(
    empty_backend, plan, monkeypatch, django_capture_on_commit_callbacks
):
    provisions = list(Provision.objects.filter(document=plan).order_by("pk")[:3])
    turns = []
    drain = outbox.drain
    monkeypatch.setattr(outbox, "drain", lambda **kwargs: turns.append(1) or drain(**kwargs))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for provision in provisions:
            edit(provision, text=f"{provision.text} zeolite")
    assert turns == [1]
    assert sorted(keys(empty_backend, "zeolite")) == sorted(f"provision:{p.pk}" for p in provisions)

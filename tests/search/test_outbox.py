"""Saves never wait on the Whoosh index: they record the entries to update in the outbox, in their own
transaction, and one writer applies them after the commit, retrying what fails."""

import logging

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from regulations.models import Provision
from search import outbox
from search.models import PendingIndexUpdate
from search.service import search


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

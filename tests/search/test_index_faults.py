"""Index faults are visible: a lost, damaged or read-only index answers 503 (or a banner) and logs an
error; the documented repair (`rebuild_index`, `rebuild_index --check --fix`) mends it."""

import logging
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from search.service import search


def test_a_deleted_index_folder_answers_503_and_is_logged_not_an_empty_index(own_index, client, caplog):
    assert search("battery", backend=own_index).total > 0
    shutil.rmtree(own_index.path)
    with caplog.at_level(logging.ERROR):
        page = client.get(reverse("search:results"), {"q": "battery"})
        api = client.get("/api/search/", {"q": "battery"})
    assert page.status_code == 503 and "Search is being repaired" in page.content.decode()
    assert api.status_code == 503 and "being repaired" in api.json()["error"]
    assert any("missing" in record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR)
    assert not own_index.path.exists(), "an empty index was created in its place"
    call_command("rebuild_index", "--no-progress")
    assert client.get("/api/search/", {"q": "battery"}).json()["total"] > 0


def test_a_renamed_index_folder_answers_503(own_index, client):
    own_index.path.rename(own_index.path.with_name("moved"))
    assert client.get("/api/search/", {"q": "battery"}).status_code == 503


def _truncate_a_segment_file(backend) -> None:
    """As found by a process that starts after the damage: Whoosh maps segment files into memory, and a
    file shrinking under a live mapping ends the process that maps it (SIGBUS), whatever the code."""
    backend.folder.open().searcher.close()
    backend.folder._generation = None  # noqa: SLF001
    generation = backend.folder.resolved()
    segment = max((path for path in generation.iterdir() if path.suffix == ".seg"), key=lambda p: p.stat().st_size)
    segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 3])


def test_a_truncated_segment_is_reported_by_check_and_repaired_by_fix(own_index, capsys):
    _truncate_a_segment_file(own_index)
    with pytest.raises(SystemExit) as exit_code:
        call_command("rebuild_index", "--check")
    assert exit_code.value.code == 1
    assert "damaged" in capsys.readouterr().out
    call_command("rebuild_index", "--check", "--fix")
    assert "Repaired" in capsys.readouterr().out
    call_command("rebuild_index", "--check")
    assert "matches the database" in capsys.readouterr().out
    assert search("battery", backend=own_index).total > 0


def test_a_truncated_segment_answers_503_not_500(own_index, client):
    _truncate_a_segment_file(own_index)
    assert client.get("/api/search/", {"q": "battery"}).status_code == 503


def read_only(monkeypatch):
    """What Whoosh meets in a read-only folder (tests may run as root, whom chmod does not stop)."""
    from whoosh.filedb.filestore import FileStorage

    def refuse(self, name, **kwargs):
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(FileStorage, "create_file", refuse)


def test_rebuilding_a_read_only_index_says_what_to_do(own_index, monkeypatch):
    read_only(monkeypatch)
    with pytest.raises(CommandError, match="cannot be written .*Permission denied.*make the folder writable"):
        call_command("rebuild_index", "--no-progress")
    monkeypatch.undo()
    call_command("rebuild_index", "--no-progress")
    assert search("battery", backend=own_index).total > 0


def test_a_read_only_index_is_shown_to_readers_logged_and_repaired(
    own_index, monkeypatch, plan, client, caplog, django_capture_on_commit_callbacks
):
    from regulations.models import Provision

    read_only(monkeypatch)
    provision = Provision.objects.filter(document=plan).first()
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        provision.text = "A text about zeolite."
        provision.save()
    assert any("cannot be written" in record.getMessage() for record in caplog.records)
    page = client.get(reverse("search:results"), {"q": "battery"})
    assert page.status_code == 200
    assert "Search is being repaired; results may be incomplete." in page.content.decode()
    # The repair the README gives: make the folder writable again, then check and fix.
    monkeypatch.undo()
    call_command("rebuild_index", "--check", "--fix")
    assert client.get("/api/search/", {"q": "zeolite"}).json()["warning"] is None
    assert search("zeolite", backend=own_index).total == 1

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from django.core.management import call_command

from regulations.models import GlossaryTerm, Provision, Relation
from search.service import search


def keys(backend, query):
    return [hit.key for hit in search(query, backend=backend).hits]


def test_a_saved_provision_is_searchable_after_commit(empty_backend, plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        provision = Provision.objects.create(
            document=plan, eid="part_9", position=999, kind="general", heading_en="Zeolite recovery", text="排污许可证"
        )
    assert keys(empty_backend, "zeolite") == [f"provision:{provision.pk}"]
    assert keys(empty_backend, "许可证") == [f"provision:{provision.pk}"]

    with django_capture_on_commit_callbacks(execute=True):
        provision.heading_en = "Perovskite recovery"
        provision.save()
    assert keys(empty_backend, "zeolite") == []
    assert keys(empty_backend, "perovskite") == [f"provision:{provision.pk}"]

    with django_capture_on_commit_callbacks(execute=True):
        provision.delete()
    assert keys(empty_backend, "perovskite") == []


def test_nothing_is_written_before_the_commit(empty_backend, plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Provision.objects.create(document=plan, eid="part_9", position=999, kind="general", heading_en="Zeolite")
    assert callbacks
    assert keys(empty_backend, "zeolite") == []


def test_renaming_a_document_reindexes_its_provisions(empty_backend, plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        plan.short_title = "Quokka Plan"
        plan.save()
    found = {hit.key for hit in search("quokka", page_size=500, backend=empty_backend).hits}
    own = {f"document:{plan.pk}"} | {
        f"provision:{pk}" for pk in Provision.objects.filter(document=plan).values_list("pk", flat=True)
    }
    # The other ends of its relations are reindexed too: their relation words ("implements Quokka Plan") name it.
    ends = {
        f"provision:{provision}" if provision else f"document:{document}"
        for relation in Relation.objects.touching_document(plan)
        for document, provision in (
            (relation.source_document_id, relation.source_provision_id),
            (relation.target_document_id, relation.target_provision_id),
        )
    }
    assert own <= found
    assert found - own and found - own <= ends


def test_editing_a_glossary_term_changes_the_synonyms(backend, empty_backend, django_capture_on_commit_callbacks):
    term = GlossaryTerm.objects.get(slug="iva")
    with django_capture_on_commit_callbacks(execute=True):
        term.synonyms_en = [*term.synonyms_en, "wombat output"]
        term.save()
    assert "wombat output" in search("IVA", backend=empty_backend).also_searched


def test_check_and_fix_repair_the_index(empty_backend, capsys):
    call_command("rebuild_index", "--check", "--fix")
    call_command("rebuild_index", "--check")
    assert "matches the database" in capsys.readouterr().out
    assert search("battery", backend=empty_backend).total > 0


WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    import django
    django.setup()
    from search.backends.whoosh import Backend
    from tests.search.conftest import make_record
    backend = Backend("w", {{"PATH": {path!r}}})
    name = sys.argv[1]
    for i in range(25):
        backend.index([make_record(f"provision:{{name}}{{i}}", "Concurrent", f"word{{name}} item{{i}}")])
    """
)


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "index"
    root = str(Path(__file__).resolve().parents[2])
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=root, path=str(path)))
    from search.backends.whoosh import Backend

    backend = Backend("test", {"PATH": path})
    backend.rebuild(iter([]), 0)  # create the index first, as rebuild_index would
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, str(script), name], env=env, cwd=root) for name in ("1", "2")]
    assert [proc.wait(timeout=120) for proc in procs] == [0, 0]
    assert time.perf_counter() - started < 120
    assert len(backend.digests()) == 50


def wait_for_merges(backend, seconds=10):
    from search.backends.whoosh import writing

    deadline = time.monotonic() + seconds
    while writing.segments_to_merge(backend.folder.open().index._segments()) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_small_segments_from_live_saves_are_merged_away_from_the_save(empty_backend, monkeypatch):
    from search.backends.whoosh import writing
    from tests.search.conftest import make_record

    merges = []
    original = writing.merge_small_only
    monkeypatch.setattr(writing, "merge_small_only", lambda *args: merges.append(1) or original(*args))
    saves = writing.MERGE_FACTOR * 2 + 1
    for number in range(saves):
        empty_backend.index([make_record(f"provision:{number}", f"Heading {number}", "shared words")])
    wait_for_merges(empty_backend)
    assert merges, "the small segments were never merged"
    assert empty_backend.segment_count() < saves
    assert search("shared", backend=empty_backend).total == saves


def test_phrases_read_the_positions_of_merged_segments(empty_backend):
    """A merge rewrites the word pairs' positions through Whoosh's own reader and writer."""
    from search.backends.whoosh import writing
    from tests.search.conftest import make_record

    bodies = ["Exceed the emission limit value.", "Exceed emission limit. Emission limit value."]
    saves = writing.MERGE_FACTOR * 2 + 1
    for number in range(saves):
        empty_backend.index([make_record(f"provision:{number}", "Limits", bodies[number % 2])])
    wait_for_merges(empty_backend)
    assert empty_backend.segment_count() < saves
    in_order = [f"provision:{number}" for number in range(0, saves, 2)]
    assert sorted(keys(empty_backend, '"exceed emission limit value"')) == sorted(in_order)
    assert search('"emission limit value"', backend=empty_backend).total == saves


def test_an_index_opened_as_another_process_commits_is_opened_again(tmp_path, monkeypatch):
    """Whoosh lists the folder, then opens the newest table of contents: a commit in between has deleted it."""
    from whoosh import index as whoosh_index

    from search.backends.whoosh import Backend, generations

    backend = Backend("test", {"PATH": tmp_path / "index"})
    backend.rebuild(iter([]), 0)
    real_open_dir = whoosh_index.open_dir
    raced = []

    def open_dir_during_a_commit(*args, **kwargs):
        if not raced:
            raced.append(1)
            raise FileNotFoundError("_MAIN_1.toc")
        return real_open_dir(*args, **kwargs)

    monkeypatch.setattr(whoosh_index, "open_dir", open_dir_during_a_commit)
    assert generations.open_index(backend.folder.existing()).latest_generation() > -1
    assert raced == [1]


def test_live_merges_fold_the_small_segments_together_and_leave_the_largest_alone(empty_backend):
    """In an index smaller than a "small" segment, folding the main segment in would rewrite all of it every
    few saves."""
    from search.backends.whoosh import writing
    from tests.search.conftest import make_record

    main = [make_record(f"provision:{number}", f"Heading {number}", "shared words") for number in range(30)]
    empty_backend.rebuild(iter(main), len(main))
    largest = empty_backend.folder.open().index._segments()[0].segment_id()
    saves = writing.MERGE_FACTOR * 2 + 1
    for number in range(saves):
        empty_backend.index([make_record(f"provision:{100 + number}", f"Heading {number}", "shared words")])
    wait_for_merges(empty_backend)
    segments = empty_backend.folder.open().index._segments()
    assert len(segments) < 1 + saves
    assert largest in [segment.segment_id() for segment in segments]
    assert search("shared", backend=empty_backend).total == 30 + saves


def test_a_live_merge_folds_segments_of_one_size_only():
    """Saves leave segments of a few entries each: a merge folds MERGE_FACTOR of the smallest together, not
    every small segment (which rewrote all recently saved entries while saves waited for the lock)."""
    from search.backends.whoosh import writing

    class Segment:
        def __init__(self, documents):
            self.documents = documents

        def doc_count_all(self):
            return self.documents

    largest, *small = [Segment(n) for n in (5000, 1500, 300, 70, 20, 5, 1, 1, 1)]
    assert writing.segments_to_merge([largest, *small]) == []
    another = Segment(2)
    assert writing.segments_to_merge([largest, *small, another]) == [*small[-3:], another]
    big = [Segment(600) for _ in range(writing.MERGE_FACTOR)]
    assert writing.segments_to_merge([largest, *big]) == big
    assert writing.segments_to_merge([Segment(3000) for _ in range(writing.MERGE_FACTOR + 1)]) == []

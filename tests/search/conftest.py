import shutil

import pytest

from search.backends import get_backend
from search.indexing import rebuild_index
from tests.helpers import whoosh_at


@pytest.fixture
def backend(corpus_index, settings, db):
    settings.SEARCH_BACKENDS = whoosh_at(corpus_index)
    return get_backend()


@pytest.fixture
def live(corpus_index, tmp_path, settings, db):
    """A writable copy of the corpus index, kept up to date by the live updates."""
    shutil.copytree(corpus_index, tmp_path / "index", symlinks=True)
    settings.SEARCH_BACKENDS = whoosh_at(tmp_path / "index")
    return get_backend()


@pytest.fixture
def empty_backend(tmp_path, settings, db):
    """A fresh, empty index of this test's own (for tests that write)."""
    settings.SEARCH_BACKENDS = whoosh_at(tmp_path / "index")
    backend = get_backend()
    backend.rebuild(iter([]), 0)  # only a rebuild creates an index, even an empty one
    return backend


@pytest.fixture
def own_index(tmp_path, settings, db):
    """A complete index of the corpus of this test's own (to break, or to rebuild)."""
    settings.SEARCH_BACKENDS = whoosh_at(tmp_path / "index")
    backend = get_backend()
    rebuild_index(backend)
    return backend


POSTGRES_ONLY = "the PostgreSQL search backend needs a PostgreSQL database (DATABASE_URL=postgres://…)"


def skip_without_postgres() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(POSTGRES_ONLY)


@pytest.fixture(scope="session")
def postgres_corpus_index(django_db_setup, django_db_blocker):
    """The real corpus in the PostgreSQL backend's tables of the test database, built once per session
    (committed, so read-only for the tests that use it); None on SQLite."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return None
        from search.backends.postgres import Backend

        backend = Backend("postgres-corpus", {})
        rebuild_index(backend)
    return backend


@pytest.fixture
def postgres_backend(postgres_corpus_index, db):
    skip_without_postgres()
    return postgres_corpus_index


@pytest.fixture
def empty_postgres_backend(postgres_corpus_index, db):
    """The PostgreSQL backend with its tables emptied inside this test's transaction (rolled back after)."""
    skip_without_postgres()
    from django.db import connection

    from search.backends.postgres.schema import ENTRY_TABLE, WORD_TABLE

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ENTRY_TABLE}")
        cursor.execute(f"DELETE FROM {WORD_TABLE}")
    return postgres_corpus_index


@pytest.fixture(params=["whoosh", "postgres"])
def any_backend(request):
    """Each backend on the real corpus (the PostgreSQL one skipped on SQLite)."""
    return request.getfixturevalue("backend" if request.param == "whoosh" else "postgres_backend")


def make_record(key, heading="", body="", *, kind=None, title="", glossary="", num="", meta="", **facets):
    from search.records import with_digest

    kind = kind or key.partition(":")[0]
    all_facets = {name: [] for name in ("industry", "document", "topic", "status", "jurisdiction", "year")}
    all_facets.update({name: list(values) for name, values in facets.items()})
    all_facets["kind"] = [kind]
    return with_digest(
        {
            "key": key,
            "kind": kind,
            "num": num,
            "heading": heading,
            "glossary": glossary,
            "title": title,
            "body": body,
            "meta": meta,
            "facets": all_facets,
            "data": {
                "title": heading,
                "title_zh": "",
                "document": title,
                "document_slug": (facets.get("document") or [""])[0],
                "num": num,
                "eid": "",
                "text": body,
            },
        }
    )

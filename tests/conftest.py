import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from config.env import cache_from_url
from regulations.corpus.loader import load_corpus
from regulations.site import page_cache
from tests.helpers import whoosh_at


def pytest_sessionstart(session):
    """WhiteNoise warns on every WSGI app when the collectstatic folder does not exist yet; schemathesis
    builds one while the test modules are collected, so the folder is made before collection."""
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session", autouse=True)
def _scratch_search_index(tmp_path_factory):
    """Tests never write into a developer's own search index (the PostgreSQL backend's tables are in
    the test database already)."""
    path = tmp_path_factory.mktemp("search-index")
    # Index updates are applied by the commit itself, not by a background thread: deterministic tests.
    overrides = {"SEARCH_UPDATES": "immediate", "CACHES": {"default": cache_from_url("locmem://tests", path)}}
    if settings.SEARCH_BACKEND != "postgres":
        overrides["SEARCH_BACKENDS"] = whoosh_at(path)
    with override_settings(**overrides):
        yield path


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, _scratch_search_index):
    """The real corpus, loaded once into the test database; each test runs in a transaction on top.

    Loading recorded its entries in the search outbox, to wait for an index (the session's scratch index is
    never built): each test starts with none pending. Done here rather than in a session fixture of its own,
    because pytest-django creates no test database for a run whose tests need none, and such a fixture would
    then write into the developer's own database."""
    from search.models import PendingIndexUpdate

    with django_db_blocker.unblock(), page_cache.paused():
        load_corpus(settings.CORPUS_DIR)
        PendingIndexUpdate.objects.all().delete()


@pytest.fixture(scope="session")
def corpus_index(django_db_setup, django_db_blocker, tmp_path_factory):
    """The real corpus in a Whoosh index, built once per session (read-only for the tests that use it)."""
    from search.backends import get_backend
    from search.indexing import rebuild_index

    path = tmp_path_factory.mktemp("corpus-index")
    with override_settings(SEARCH_BACKENDS=whoosh_at(path)), django_db_blocker.unblock():
        rebuild_index(get_backend())
    return path


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with no throttle counts and no cached pages: a page cached by a test whose writes were
    rolled back must not be served to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_search_catalog():
    """Each test's first search reads its own catalog: one built from a test's rows, rolled back since, would
    otherwise serve the next under the same (uncommitted, so unchanged) catalog version."""
    from search import catalog

    catalog._catalogs.clear()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A test's writes never commit, so the page cache, which follows commits, is off but in its own tests
    # (tests/regulations/test_page_cache.py), which run the commit callbacks.
    settings.PAGE_CACHE_SECONDS = 0
    # Tests render pages without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs a change and then what its commit runs (a test's own transaction never commits)."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


@pytest.fixture
def plan(db):
    from regulations.models import Document

    return Document.objects.get(slug="industrial-carbon-peaking-2022")

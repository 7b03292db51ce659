import pytest
from django.conf import settings

from regulations.corpus import load_corpus


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real corpus, loaded once into the test database; each test runs in a transaction on top."""
    with django_db_blocker.unblock():
        load_corpus(settings.CORPUS_DIR)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests render pages without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def plan(db):
    from regulations.models import Document

    return Document.objects.get(slug="industrial-carbon-peaking-2022")

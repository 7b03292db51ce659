"""The browser harness: pytest-django's live server and one Chromium per test session, one page per test.

The live server serves the test database with the corpus that `django_db_setup` loaded and committed once for the
session. pytest-django's own helper would wrap every test that uses `live_server` in `transactional_db`, which
flushes the database after each test (and the corpus with it); these tests only read, so the helper is replaced
below by one that gives the server thread database access and flushes nothing. pytest-django runs tests that use
`live_server` after all the others, so the few rows this harness commits (a superuser, an annotation written with a
stray control character) are never seen by other tests, and they are removed at the end.

Chromium is the system's (Debian's `chromium` package, installed by `.ci/run` when missing): Playwright's own
browser download is not used.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from tests.helpers import whoosh_at

CHROMIUM = os.environ.get("RULEBOOK_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
SCREENSHOTS = ROOT / "build" / "screenshots"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PLAN = "/documents/industrial-carbon-peaking-2022/"
PROVISION = PLAN + "part_2__sec_7__item_2/"
ADMIN_USER = "browser-admin"


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(item.fspath).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site(request, live_server, django_db_setup, django_db_blocker):
    """The live server's address, with the corpus searchable, a superuser and an annotation that carries a vertical
    tab (text stored before the admin refused control characters)."""
    with django_db_blocker.unblock():
        staged = _stage_rows()
        try:
            with override_settings(**_search_settings(request)):
                yield live_server.url
        finally:
            _remove_rows(staged)
            _end_server_sessions()


def _search_settings(request):
    if settings.SEARCH_BACKEND == "postgres":
        return {}  # the corpus's entries were written with it, in the test database
    return {"SEARCH_BACKENDS": whoosh_at(request.getfixturevalue("corpus_index"))}


def _stage_rows():
    from django.contrib.auth import get_user_model

    from regulations.corpus.loader import load_corpus
    from regulations.models import Annotation, Document, Provision

    if not Document.objects.exists():  # a transactional test flushed the database before these ran
        load_corpus(settings.CORPUS_DIR)
    user = get_user_model().objects.create_superuser(ADMIN_USER, "browser@example.org", None)
    provision = Provision.objects.get(document__slug="industrial-carbon-peaking-2022", eid="part_2__sec_7__item_2")
    annotation = Annotation(
        provision=provision,
        kind=Annotation.Kind.INTERPRETATION,
        title="Pasted from a memo\x0bwith a soft line break",
        body="The recycling item\x0bcovers **traction batteries** as well.",
        visibility=Annotation.Visibility.PUBLIC,
        publication="published",
        author=user,
    )
    annotation.save()
    return user, annotation


def _remove_rows(staged):
    from django.contrib.sessions.models import Session

    user, annotation = staged
    annotation.history.all().delete()
    annotation.delete()
    user.delete()
    Session.objects.all().delete()


def _end_server_sessions():
    """The server's request threads may still hold PostgreSQL sessions (a browser's kept-alive connection ends after
    the last test), and the test database cannot be dropped while they do."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(autouse=True)
def _live_server_helper(request, django_db_blocker):
    """pytest-django's helper of this name, without `transactional_db`: the server thread reads the committed corpus
    while a test runs, and nothing is flushed afterwards."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("django_db_setup")
    live_server = request.getfixturevalue("live_server")
    live_server._live_server_modified_settings.enable()
    with django_db_blocker.unblock():
        yield
    live_server._live_server_modified_settings.disable()


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: install it with `apt-get install -y chromium` (.ci/run does).")
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API keeps an event loop running in this thread, and Django refuses database calls
    # from a thread with a running loop; the tests' own few queries (set-up, an id) run between browser calls.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def admin_cookies(site, django_db_blocker):
    """A signed-in session of the superuser, as the cookie a browser would hold."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    with django_db_blocker.unblock():
        client.force_login(get_user_model().objects.get(username=ADMIN_USER))
    return [
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": site}
    ]


class Page:
    """A browser tab on the live server that records console errors and failed page scripts."""

    def __init__(self, context, site):
        self.site = site
        self.tab = context.new_page()
        self.errors = []
        self.tab.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.tab.on("pageerror", lambda error: self.errors.append(str(error)))
        # The console names no address for a failed load; the response does.
        self.tab.on(
            "response",
            lambda response: response.status >= 400 and self.errors.append(f"{response.status} {response.url}"),
        )

    def open(self, path):
        response = self.tab.goto(self.site + path)
        assert response.ok, f"{path} answered {response.status}"
        return response


@pytest.fixture
def browser_page(request, site, chromium):
    """One page in a fresh context (no shared cookies or storage); the width is the test's `width` parameter."""
    width = getattr(request, "param", "desktop")
    context = chromium.new_context(viewport=WIDTHS[width], locale="en-GB", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    page = Page(context, site)
    page.width = width
    yield page
    context.close()
    assert page.errors == [], f"console errors: {page.errors}"


def node_module(*parts):
    path = NODE_MODULES.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing: run `npm ci` (make install-test does).")
    return path


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.tab.screenshot(path=SCREENSHOTS / f"{name}-{page.width}.png", full_page=True)


def java():
    found = shutil.which("java")
    if not found:
        pytest.fail("Java is needed for the Nu HTML Checker: install a JRE 17 (`apt-get install -y default-jre`).")
    return found

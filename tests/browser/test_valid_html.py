"""Every page family is valid HTML: the Nu HTML Checker (vnu.jar from npm) finds no error in the pages as served."""

import json
import subprocess
import urllib.request

from django.conf import settings

from tests.browser.conftest import PLAN, PROVISION, ROOT, java, node_module
from tests.browser.test_pages import CHINESE, CHINESE_PAGES, PAGES, page_path

FAMILIES = {
    **PAGES,
    "document-list": "/documents/",
    "glossary": "/glossary/",
    "pinned-provision": PROVISION + "@2024-01-31/",
    "pinned-document": PLAN + "@2024-01-31/",
    "document-history": PLAN + "history/",
    "not-found": PLAN + "part_9__sec_99/",
}


def served_html(site, path, cookie=None, language=None):
    headers = {"Cookie": cookie} if cookie else {}
    if language:
        headers["Accept-Language"] = language
    request = urllib.request.Request(site + path, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310 (the test's own live server)
            return response.read()
    except urllib.error.HTTPError as error:  # a 404 page is a page family too
        return error.read()


def test_every_page_family_is_valid_html(site, admin_cookies):
    folder = ROOT / "build" / "html"
    folder.mkdir(parents=True, exist_ok=True)
    cookie = f"{settings.SESSION_COOKIE_NAME}={admin_cookies[0]['value']}"
    files = []
    for name in FAMILIES:
        path = folder / f"{name}.html"
        path.write_bytes(
            served_html(
                site,
                FAMILIES[name] or page_path(name),
                cookie if name.startswith("admin") else None,
                CHINESE if name in CHINESE_PAGES else None,
            )
        )
        files.append(str(path))
    checker = subprocess.run(  # noqa: S603 (fixed arguments)
        [
            java(),
            "-jar",
            str(node_module("vnu-jar", "build", "dist", "vnu.jar")),
            "--errors-only",
            "--format",
            "json",
            *files,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(checker.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']} [{m.get('extract', '')[:80]}]"
        for m in messages
    ]
    assert errors == []

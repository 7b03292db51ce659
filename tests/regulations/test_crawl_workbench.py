"""Crawls over one document's pages with history, drafts and annotations in place, as a reader and as staff:
every link answers without a server error, and the anonymous crawl never meets a draft or internal note."""

import re
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth.models import Group, User

from regulations.models import Annotation, Document, Publication

SLUG = "cn-epr-implementation-plan-2016"
MARKER = "XQJCRAWLSECRET"
# The site's own pages beyond the documents; the crawl stays on one document to keep it quick.
ALSO = ("/changes/", "/links/check/")


@pytest.fixture
def workbench(db):
    document = Document.objects.get(slug=SLUG)
    provisions = list(document.provisions.order_by("position"))
    edited = next(p for p in provisions if p.text)
    edited.text += " Amended wording."
    edited._change_reason = "Amendment recorded for the crawl"
    edited.save()
    leaf = next(p for p in reversed(provisions) if not p.children.exists())
    leaf.heading_en = f"{MARKER} draft heading"
    leaf.publication = Publication.DRAFT
    leaf.save()
    Annotation.objects.create(provision=edited, title=f"{MARKER} internal note", body="Internal.")
    Annotation.objects.create(provision=edited, title="Public note", body="**Public**.", visibility="public")
    Annotation.objects.create(document=document, title="On the whole plan", body="Text.", visibility="public")
    removed = next(p for p in provisions if p not in (edited, leaf) and not p.children.exists())
    removed.delete()
    return document


def crawl(client, start: str):
    """Yields (url, status, html) for every page reached from `start` within the document."""
    seen = set()
    queue = deque([start, *ALSO])
    while queue:
        url = queue.popleft()
        response = client.get(url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        yield url, response.status_code, body
        for href in re.findall(r'href="([^"]+)"', body):
            parts = urlsplit(href.replace("&amp;", "&"))
            if parts.scheme or parts.netloc or not parts.path.startswith(f"/documents/{SLUG}/"):
                continue
            key = (parts.path, tuple(sorted(name for name, _ in parse_qsl(parts.query))))
            if key not in seen:
                seen.add(key)
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


def test_anonymous_crawl_meets_no_server_error_and_no_draft(client, workbench):
    pages = 0
    for url, status, body in crawl(client, workbench.get_absolute_url()):
        pages += 1
        assert status in (200, 404, 410), (url, status)
        assert MARKER not in body, url
    assert pages > 40


def test_staff_crawl_meets_no_server_error(client, workbench):
    user = User.objects.create_user("crawler")
    user.groups.add(Group.objects.get(name="Compliance staff"))
    client.force_login(user)
    pages, saw_marker = 0, False
    for url, status, body in crawl(client, workbench.get_absolute_url()):
        pages += 1
        assert status in (200, 404, 410), (url, status)
        saw_marker |= MARKER in body
    assert saw_marker and pages > 40

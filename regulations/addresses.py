"""The one place that builds the site's addresses: documents, provisions, their history, annotations, glossary.

Every address of a document's family starts with the document's own address, so only that one is
reversed (and memoised per URL configuration: pages and search results link to the same few
documents many times); the rest is appended here, in the shape regulations/site/urls.py gives it.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=4096)
def _reversed(name: str, args: tuple, prefix: str, urlconf) -> str:
    # The script prefix and urlconf are part of the key: the same name can lead elsewhere under another.
    return reverse(name, args=list(args))


def named(name: str, *args) -> str:
    """reverse() for a route of the site, memoised."""
    return _reversed(name, tuple(str(arg) for arg in args), get_script_prefix(), get_urlconf())


def query_string(params: dict) -> str:
    """'?a=1&b=2' from the parameters that have a value, or '' when none has."""
    clean = {key: value for key, value in params.items() if value not in (None, "")}
    return "?" + urlencode(clean) if clean else ""


def document_url(slug: str) -> str:
    return named("regulations:document-detail", slug)


def provision_url(slug: str, eid: str) -> str:
    return f"{document_url(slug)}{eid}/"


def subject_url(slug: str, eid: str | None = None) -> str:
    """A provision's address when it has an identifier, else its document's."""
    return provision_url(slug, eid) if eid else document_url(slug)


def anchor_url(slug: str, eid: str) -> str:
    """A provision's place on its document's page."""
    return f"{document_url(slug)}#{eid}"


def pinned_url(slug: str, eid: str | None, day) -> str:
    """The text as it stood on a day: …/@YYYY-MM-DD/."""
    return f"{subject_url(slug, eid)}@{day.isoformat() if hasattr(day, 'isoformat') else day}/"


def history_url(slug: str, eid: str | None = None) -> str:
    return f"{subject_url(slug, eid)}history/"


def compare_url(slug: str, eid: str | None = None, **params) -> str:
    """A redline: `from` and `to` name versions (a provision) or moments (a document)."""
    return f"{subject_url(slug, eid)}compare/{query_string(params)}"


def annotation_url(slug: str, eid: str | None, pk) -> str:
    return f"{subject_url(slug, eid)}#annotation-{pk}"


def export_url(slug: str, extension: str) -> str:
    return f"{document_url(slug)}export.{extension}"


def document_list_url(**params) -> str:
    return named("regulations:document-list") + query_string(params)


def industry_url(slug: str) -> str:
    return named("regulations:industry-detail", slug)


def target_list_url(**params) -> str:
    return named("regulations:target-list") + query_string(params)


def glossary_url(slug: str = "") -> str:
    return named("regulations:glossary") + (f"#{slug}" if slug else "")


def changes_url(**params) -> str:
    return named("regulations:changes") + query_string(params)


def changes_feed_url(**params) -> str:
    return named("regulations:changes-feed") + query_string(params)

"""Cached pages: a document's, a provision's, an industry's and the targets table, as anonymous readers see them
(published rows only), served from the cache until a save changes what they show.

Each page is cached under the generations of the scopes it shows: its document (``document:<slug>``), its
industry (``industry:<slug>``), the targets table (``targets``), and ``site`` (what every page shows). A save
replaces the generation of exactly the scopes it changed (``scopes_changed_by``), so the next request renders
afresh and every other page stays cached. The scopes are worked out when the row is saved (a deleted row's
relations are gone after) and replaced when the transaction commits, all of a transaction's in one write: a
reader that finds the new generation reads the committed rows.
The generations are rows of the database (PageGeneration), the pages entries of the cache: a cache that is
unreachable, flushed or restored from an old snapshot costs speed, never a stale page (an old "in force" badge
under a generation a save has replaced is never looked up again).
Signed-in readers may see drafts: their pages are never cached nor served from the cache. A page is kept once
per interface language (the cookie's, else Accept-Language's: regulations.site.middleware).
"""

import hashlib
import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpResponse
from django.utils import timezone, translation

from regulations.commit_batches import on_commit_once
from regulations.models import (
    Annotation,
    Document,
    Industry,
    LegalEvent,
    PageGeneration,
    Provision,
    Relation,
    Target,
)

logger = logging.getLogger(__name__)
PAGE_PREFIX = "pages:page:"
SITE = "site"
TARGETS = "targets"
# A query string longer than this is somebody's experiment, not a page worth keeping.
LONGEST_CACHED_QUERY = 300


def document_scope(slug: str) -> str:
    return f"document:{slug}"


def industry_scope(slug: str) -> str:
    return f"industry:{slug}"


# -- serving -----------------------------------------------------------------------------------------
# The generation of a scope no save has replaced yet.
FIRST_GENERATION = "first"


def _generations(scopes: list[str]) -> list[str]:
    found = dict(PageGeneration.objects.filter(scope__in=scopes).values_list("scope", "token"))
    return [found.get(scope, FIRST_GENERATION) for scope in scopes]


def _query_key(request, reads: tuple[str, ...] | None) -> str | None:
    """The part of the query string the page reads, or None when the request asks for something else too."""
    query = request.GET
    if reads is None:
        text = "&".join(f"{name}={value}" for name in sorted(query) for value in query.getlist(name))
    elif set(query) - set(reads):
        return None
    else:
        text = "&".join(f"{name}={query.get(name)}" for name in reads if name in query)
    return text if len(text) <= LONGEST_CACHED_QUERY else None


def cached_page(scopes: Callable[..., list[str]], reads: tuple[str, ...] | None = ()):
    """Serve the view's 200 answers to anonymous GETs from the cache, keyed on the path, the query values in
    ``reads`` (None: the whole query string), the interface language and the generations of
    ``scopes(**url_kwargs)``."""

    def decorate(view):
        @wraps(view)
        def serve(request, *args, **kwargs):
            if (
                settings.PAGE_CACHE_SECONDS <= 0
                or request.method not in ("GET", "HEAD")
                or request.user.is_authenticated
            ):
                return view(request, *args, **kwargs)
            query = _query_key(request, reads)
            if query is None:
                return view(request, *args, **kwargs)
            generations = _generations([SITE, *scopes(**kwargs)])
            # Pages print full addresses (scheme and host), the legal status on the current day, and their
            # interface in the reader's language.
            today = timezone.localdate().isoformat()
            language = translation.get_language()
            parts = [request.scheme, request.get_host(), request.path, query, today, language, *generations]
            key = PAGE_PREFIX + hashlib.sha256("\n".join(parts).encode()).hexdigest()
            try:
                stored = cache.get(key)
            except Exception:  # each cache backend raises its own (Redis: ConnectionError)
                # A cache that does not answer costs speed, not the page (/healthz reports it).
                logger.exception("page cache unavailable for %s", request.path)
                return view(request, *args, **kwargs)
            if stored is not None:
                content, content_type = stored
                response = HttpResponse(content, content_type=content_type)
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies and not getattr(response, "streaming", False):
                try:
                    cache.set(key, (response.content, response["Content-Type"]), settings.PAGE_CACHE_SECONDS)
                except Exception:
                    logger.exception("page cache unavailable for %s", request.path)
                else:
                    response["X-Page-Cache"] = "miss"
            return response

        return serve

    return decorate


# -- invalidation ------------------------------------------------------------------------------------
def replace_generations(scopes: Iterable[str]) -> None:
    # In the order of their names, so two saves replacing overlapping scopes never wait on each other's rows.
    rows = [PageGeneration(scope=scope, token=uuid.uuid4().hex) for scope in sorted(set(scopes))]
    if rows:
        PageGeneration.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["scope"], update_fields=["token"]
        )


def forget_all_pages() -> None:
    """After a change that sends no signals (a bulk load): every page renders afresh."""
    replace_generations([SITE])


def _documents_related_to(document_ids: set[int]) -> set[str]:
    """The document slugs whose pages show these documents (relations either way), themselves included."""
    if not document_ids:
        return set()
    pairs = Relation.objects.filter(Q(source_document__in=document_ids) | Q(target_document__in=document_ids))
    slugs = set(Document.objects.filter(pk__in=document_ids).values_list("slug", flat=True))
    for source, target in pairs.values_list("source_document__slug", "target_document__slug"):
        slugs |= {source, target}
    return slugs


def _documents_showing_provision(provision: Provision) -> set[str]:
    """Its document, and the documents with a relation to this very provision (they show its heading)."""
    pairs = Relation.objects.filter(Q(source_provision=provision.pk) | Q(target_provision=provision.pk))
    slugs = set(Document.objects.filter(pk=provision.document_id).values_list("slug", flat=True))
    for source, target in pairs.values_list("source_document__slug", "target_document__slug"):
        slugs |= {source, target}
    return slugs


def _industries_with_ancestors(industry_ids: set[int]) -> set[str]:
    slugs, seen = set(), set()
    while industry_ids - seen:
        seen |= industry_ids
        rows = list(Industry.objects.filter(pk__in=industry_ids).values_list("slug", "parent_id"))
        slugs |= {slug for slug, _parent in rows}
        industry_ids = {parent for _slug, parent in rows if parent}
    return slugs


def _scopes_of_documents(document_ids: set[int]) -> set[str]:
    scopes = {document_scope(slug) for slug in _documents_related_to(document_ids)}
    industries = set(
        Provision.industries.through.objects.filter(provision__document__in=document_ids).values_list(
            "industry_id", flat=True
        )
    )
    scopes |= {industry_scope(slug) for slug in _industries_with_ancestors(industries)}
    if Target.objects.filter(provision__document__in=document_ids).exists():
        scopes.add(TARGETS)
    return scopes


def _scopes_of_provision(provision: Provision) -> set[str]:
    scopes = {document_scope(slug) for slug in _documents_showing_provision(provision)}
    if provision.pk:
        industries = set(provision.industries.values_list("pk", flat=True))
        scopes |= {industry_scope(slug) for slug in _industries_with_ancestors(industries)}
        if provision.targets.exists():
            scopes.add(TARGETS)
    return scopes


def scopes_changed_by(instance) -> set[str]:
    """The scopes whose pages show something of this row."""
    if isinstance(instance, Document):
        scopes = _scopes_of_documents({instance.pk})
        old_slug = getattr(instance, "_slug_before_save", None)
        return scopes | {document_scope(instance.slug)} | ({document_scope(old_slug)} if old_slug else set())
    if isinstance(instance, Provision):
        return _scopes_of_provision(instance)
    if isinstance(instance, LegalEvent):
        return _scopes_of_documents({instance.document_id})
    if isinstance(instance, Relation):
        return _scopes_of_documents({instance.source_document_id, instance.target_document_id} - {None})
    if isinstance(instance, Target):
        provision = Provision.objects.filter(pk=instance.provision_id).first()
        return {TARGETS} | (_scopes_of_provision(provision) if provision else set())
    if isinstance(instance, Annotation):
        document_id = (
            instance.document_id
            or Provision.objects.filter(pk=instance.provision_id).values_list("document_id", flat=True).first()
        )
        return {document_scope(slug) for slug in _documents_related_to({document_id} - {None})}
    if isinstance(instance, Industry):
        documents = set(
            Provision.industries.through.objects.filter(industry=instance.pk).values_list(
                "provision__document_id", flat=True
            )
        )
        industries = {industry_scope(slug) for slug in _industries_with_ancestors({instance.pk})}
        return (
            industries
            | {industry_scope(instance.slug), TARGETS}
            | {document_scope(slug) for slug in _documents_related_to(documents)}
        )
    # Topics, authorities, relation types, glossary terms…: shown across the site.
    return {SITE}


_paused = threading.local()


@contextmanager
def paused():
    """No invalidation per row (a bulk load saves thousands); every page renders afresh at the end."""
    _paused.active = True
    try:
        yield
    finally:
        _paused.active = False
        transaction.on_commit(forget_all_pages)


def _changed(instance) -> None:
    if getattr(_paused, "active", False) or settings.PAGE_CACHE_SECONDS <= 0:
        return
    on_commit_once(replace_generations, scopes_changed_by(instance))


def _is_history_row(sender) -> bool:
    # django-simple-history's version rows accompany a save of the row itself.
    return sender.__name__.startswith("Historical")


def on_save_or_delete(sender, instance, **kwargs):
    if sender._meta.app_label == "regulations" and not _is_history_row(sender) and sender is not PageGeneration:
        _changed(instance)


def on_document_pre_save(sender, instance, **kwargs):
    if instance.pk:
        instance._slug_before_save = Document.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()


def on_m2m_changed(sender, instance, action, model, pk_set, **kwargs):
    if not action.startswith("post_") or instance._meta.app_label != "regulations":
        return
    _changed(instance)
    for other in model.objects.filter(pk__in=pk_set or ()):
        _changed(other)


def connect() -> None:
    pre_save.connect(on_document_pre_save, sender=Document, dispatch_uid="page-cache-document-slug")
    post_save.connect(on_save_or_delete, dispatch_uid="page-cache-save")
    post_delete.connect(on_save_or_delete, dispatch_uid="page-cache-delete")
    m2m_changed.connect(on_m2m_changed, dispatch_uid="page-cache-m2m")

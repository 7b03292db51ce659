"""The search page, the JSON API and autocomplete. Thin: read the request, call the service, render."""

import logging
from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from search import service
from search.backends.base import IndexUnavailableError
from search.fields import FACET_FIELDS
from search.results import SearchError
from search.wording import FACET_TITLES, KIND_LABELS, matched_in_text, note_text

logger = logging.getLogger(__name__)

EXAMPLE_QUERIES = [
    "EPR",
    "traction battery recycling",
    "工信部联节〔2022〕88号",
    "动力电池 回收",
    '"industrial value added"',
    "industry:steel energy",
    "kind:glossary NEV",
    "tracea*",
]
# What a reader is told while the index is missing or damaged (the log has the cause and the repair).
UNAVAILABLE = gettext_lazy("Search is being repaired; please try again shortly.")


FACET_TOP = 5  # values shown before "more"
WITHIN_DOCUMENT_PAGE_SIZE = 100  # a search in one document lists its matches in its outline, on one page


def _filters(request) -> dict[str, list[str]]:
    return {name: request.GET.getlist(name) for name in FACET_FIELDS if request.GET.getlist(name)}


def _state_url(base: str, q: str, filters: dict[str, list[str]], page: int = 1, spell: bool = True) -> str:
    params = [("q", q)] if q else []
    for name in FACET_FIELDS:
        params += [(name, value) for value in filters.get(name, [])]
    if page > 1:
        params.append(("page", str(page)))
    if not spell:
        params.append(("spell", "off"))
    return f"{base}?{urlencode(params)}" if params else base


@require_GET
def results(request):
    q = request.GET.get("q", "")
    filters = _filters(request)
    raw_page = request.GET.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) <= 1000 else 1
    spell = request.GET.get("spell") != "off"  # "search instead for" what was typed, uncorrected
    within = list(filters) == ["document"] and len(filters["document"]) == 1 and bool(q.strip())
    context = {"q": q, "filters": filters, "examples": EXAMPLE_QUERIES, "error": None, "results": None}
    status = 200
    if q.strip() or filters:
        try:
            context["results"] = service.search(
                q,
                filters=filters,
                page=page,
                correct=spell,
                page_size=WITHIN_DOCUMENT_PAGE_SIZE if within else None,
            )
        except SearchError as error:
            context["error"] = str(error)
            status = 400
        except IndexUnavailableError:
            logger.exception("search index unavailable for %r", q)
            context["error"] = UNAVAILABLE
            status = 503
        except Exception:
            logger.exception("search failed for %r", q)
            context["error"] = gettext("Search is not available at the moment. Please try again shortly.")
            status = 503
    base = request.path
    found = context["results"]
    if found is not None and found.goto and page == 1:
        return redirect(found.goto)  # a document number, exactly: its document
    if found is not None:
        _word_for_the_reader(found)
        facets = []
        for name, values in found.facets.items():
            if not values:
                continue
            entries = []
            for value in values:
                chosen = list(filters.get(name, []))
                if value.selected:
                    chosen = [v for v in chosen if v != value.value]
                else:
                    chosen.append(value.value)
                toggled = {**filters, name: chosen}
                entries.append({"value": value, "url": _state_url(base, q, toggled)})
            top = [entry for index, entry in enumerate(entries) if index < FACET_TOP or entry["value"].selected]
            more = [entry for entry in entries if entry not in top]
            facets.append({"name": name, "title": FACET_TITLES[name], "values": top, "more": more})
        context["facets"] = facets
        labels = {(name, v.value): v.label for name, values in found.facets.items() for v in values}
        context["active_filters"] = [
            {
                "name": name,
                "title": FACET_TITLES.get(name, name),
                "value": labels.get((name, value), value),
                "url": _state_url(base, q, {**filters, name: [v for v in values if v != value]}),
            }
            for name, values in filters.items()
            for value in values
        ]
        context["prev_url"] = _state_url(base, q, filters, found.page - 1) if found.page > 1 else None
        context["next_url"] = _state_url(base, q, filters, found.page + 1) if found.page < found.num_pages else None
        if found.suggestion:
            context["suggestion_url"] = _state_url(base, found.suggestion, filters)
        if found.corrected_from:
            context["typed_url"] = _state_url(base, found.corrected_from, filters, spell=False)
        if within:
            context["outline"] = _by_outline(found.hits)
    return render(request, "search/results.html", context, status=status)


def _word_for_the_reader(found) -> None:
    """The page's copy of the results, worded in the interface language (the API keeps them as they are)."""
    found.notes = [note_text(note) for note in found.notes]
    for value in found.facets.get("kind", []):
        value.label = KIND_LABELS.get(value.value, value.label)
    for hit in [*found.hits, *found.definitions]:
        hit.matched_in = [matched_in_text(label) for label in hit.matched_in]


def _by_outline(hits) -> list[dict]:
    """A document's hits in document order, under the top-level parts they are in."""
    groups: list[dict] = []
    for hit in sorted(hits, key=lambda hit: (hit.kind != "document", hit.position)):
        part = hit.part or (gettext("This document") if hit.kind == "document" else gettext("Notes"))
        if not groups or groups[-1]["part"] != part:
            groups.append({"part": part, "hits": []})
        groups[-1]["hits"].append(hit)
    return groups


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


# DRF views, so the API's authentication and throttles (API_ANON_RATE, counted in the shared cache) apply;
# the answers stay the plain JSON below, documented by search/openapi.py (a postprocessing hook).
@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([AllowAny])  # public and read-only: another method is a 405, never a 401
def api(request):
    """GET /api/search/?q=…&page=…&<facet>=… (facets: kind, industry, document, topic, status,
    jurisdiction, year; repeat a facet to accept several values)."""
    raw_page = request.GET.get("page", "1")
    try:
        page = int(raw_page)
    except ValueError:
        return _error("“page” must be a whole number.")
    try:
        found = service.search(request.GET.get("q", ""), filters=_filters(request), page=page)
    except SearchError as error:
        return _error(str(error))
    except IndexUnavailableError:
        logger.exception("search index unavailable for %r", request.GET.get("q", ""))
        return _error(str(UNAVAILABLE), status=503)
    except Exception:
        logger.exception("search API failed for %r", request.GET.get("q", ""))
        return _error("Search is not available at the moment.", status=503)
    return JsonResponse(
        {
            "query": found.query,
            "total": found.total,
            "page": found.page,
            "results": [_hit_json(hit) for hit in found.hits],
            "facets": {
                name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
                for name, values in found.facets.items()
            },
            "suggestion": found.suggestion,
            "corrected_from": found.corrected_from,
            "definitions": [_hit_json(hit) for hit in found.definitions],
            "warning": found.warning,
            "notes": [{"code": note.code, "value": note.value, "text": note_text(note)} for note in found.notes],
            "any_word": found.any_word,
            "timed_out": found.timed_out,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _hit_json(hit) -> dict:
    return {
        "kind": hit.kind,
        "title": hit.title,
        "document": hit.document,
        "num": hit.num,
        "citation": hit.citation,
        "url": hit.url,
        "snippet": hit.snippet,
        "score": hit.score,
        "status": hit.status,
        "status_label": hit.status_label,
    }


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([AllowAny])  # public and read-only: another method is a 405, never a 401
def autocomplete(request):
    prefix = request.GET.get("q", "")[:100]
    try:
        suggestions = service.suggest(prefix, limit=8) if prefix.strip() else []
    except Exception:
        logger.exception("autocomplete failed for %r", prefix)
        suggestions = []
    return JsonResponse(
        {
            "suggestions": [
                {"label": s.label, "kind": s.kind, "url": s.url, "document": s.document} for s in suggestions
            ]
        },
        json_dumps_params={"ensure_ascii": False},
    )

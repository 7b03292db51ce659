"""The document list and a document's pages: the text, as of a day, its history, a redline, and its downloads."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext

from regulations.history import timeline, versions
from regulations.models import Publication, Topic
from regulations.site import citations, exports, page_cache
from regulations.site.forms import DocumentFilterForm
from regulations.site.pages.documents import document_list_page, document_page
from regulations.site.views.errors import problem
from regulations.site.views.shared import (
    as_attachment,
    current_subject,
    follow_old_address,
    pinned_day,
    reads_drafts,
    site_root,
    status_day,
)


def document_list(request):
    topics = list(Topic.objects.all())
    filters, notes = DocumentFilterForm(request.GET, topics).usable_data()
    context = document_list_page(filters, topics, reads_drafts(request))
    return render(
        request,
        "regulations/document_list.html",
        {"section": "documents", "filters": filters, "notes": notes, **context},
    )


@page_cache.cached_page(lambda slug: [page_cache.document_scope(slug)], reads=("on",))
def document_detail(request, slug):
    if "as_of" in request.GET:
        return _document_pinned(request, slug, request.GET["as_of"], suffix="")
    day, answer = status_day(request)
    if answer:
        return answer
    try:
        context = document_page(slug, reads_drafts(request))
    except Http404 as missing:
        return follow_old_address(request, slug, not_found=missing)
    context.update(status_day=day, status_validity=context["document"].validity(day))
    return render(
        request,
        "regulations/document_detail.html",
        {
            "section": "documents",
            "site_root": site_root(request),
            **citations.cite_panel(context["document"], None, site_root(request), request.GET.get("cite_on", "")),
            **context,
        },
    )


def document_pinned(request, slug, day):
    return _document_pinned(request, slug, day, suffix=f"@{day}/")


def _document_pinned(request, slug, day, suffix):
    document, _, answer = current_subject(request, slug, suffix=suffix)
    if answer:
        return answer
    day, answer = pinned_day(request, day)
    if answer:
        return answer
    try:
        context = timeline.pinned_document_page(document, day, drafts=reads_drafts(request))
    except timeline.NotInForceOnDate as missing:
        title = gettext("%(document)s on that date") % {"document": document.short_title}
        return problem(request, title, str(missing), status=404, document=document)
    return render(
        request,
        "regulations/document_pinned.html",
        {"section": "documents", "document": document, "site_root": site_root(request), **context},
    )


def document_history(request, slug):
    document, _, answer = current_subject(request, slug, suffix="history/")
    if answer:
        return answer
    context = timeline.document_history_page(document, drafts=reads_drafts(request))
    return render(
        request, "regulations/document_history.html", {"section": "documents", "document": document, **context}
    )


def document_compare(request, slug):
    document, _, answer = current_subject(request, slug, suffix="compare/")
    if answer:
        return answer
    start, end = request.GET.get("from", ""), request.GET.get("to", "")
    if not start or not end:
        return problem(
            request,
            gettext("Choose two versions to compare"),
            gettext(
                "A comparison needs a “from” and a “to”: pick two versions on the history page, or give two dates."
            ),
            document=document,
        )
    try:
        context = timeline.document_compare_page(document, start, end, drafts=reads_drafts(request))
    except versions.InvalidDate as error:
        return problem(request, gettext("That comparison cannot be made"), str(error), document=document)
    return render(
        request, "regulations/document_compare.html", {"section": "documents", "document": document, **context}
    )


def _exported(request, slug, suffix):
    """The published document an export is asked of, or the answer for an old address."""
    document, _, answer = current_subject(request, slug, suffix=suffix)
    if answer:
        return None, answer
    if document.publication != Publication.PUBLISHED:
        raise Http404(gettext("Drafts are not exported."))
    return document, None


def document_export_json(request, slug):
    document, answer = _exported(request, slug, "export.json")
    if answer:
        return answer
    data = exports.document_json(document, request.build_absolute_uri)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    return as_attachment(response, f"{slug}.json")


def document_export_markdown(request, slug):
    document, answer = _exported(request, slug, "export.md")
    if answer:
        return answer
    text = exports.document_markdown(document, request.build_absolute_uri)
    return as_attachment(HttpResponse(text, content_type="text/markdown; charset=utf-8"), f"{slug}.md")

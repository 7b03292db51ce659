"""A provision's pages: the text, as of a day, its history, and a redline between two of its versions."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext

from regulations.history import timeline
from regulations.models.numbering import interface_reference
from regulations.site import citations, page_cache
from regulations.site.pages.provisions import ancestors_of, provision_page
from regulations.site.views.errors import problem
from regulations.site.views.shared import (
    current_subject,
    follow_old_address,
    pinned_day,
    reads_drafts,
    site_root,
    status_day,
)


@page_cache.cached_page(lambda slug, eid: [page_cache.document_scope(slug)], reads=("on",))
def provision_detail(request, slug, eid):
    if "as_of" in request.GET:
        return _provision_pinned(request, slug, eid, request.GET["as_of"], suffix="")
    day, answer = status_day(request)
    if answer:
        return answer
    try:
        context = provision_page(slug, eid, reads_drafts(request))
    except Http404 as missing:
        return follow_old_address(request, slug, eid, not_found=missing)
    context.update(status_day=day, status_validity=context["provision"].validity(day))
    return render(
        request,
        "regulations/provision_detail.html",
        {
            "section": "documents",
            "site_root": site_root(request),
            **citations.cite_panel(
                context["document"],
                context["provision"],
                site_root(request),
                request.GET.get("cite_on", ""),
                context["ancestors"],
            ),
            **context,
        },
    )


def provision_pinned(request, slug, eid, day):
    return _provision_pinned(request, slug, eid, day, suffix=f"@{day}/")


def _provision_pinned(request, slug, eid, day, suffix):
    document, provision, answer = current_subject(request, slug, eid, suffix=suffix)
    if answer:
        return answer
    day, answer = pinned_day(request, day)
    if answer:
        return answer
    try:
        context = timeline.pinned_provision_page(provision, day, drafts=reads_drafts(request))
    except timeline.NotInForceOnDate as missing:
        return problem(
            request,
            gettext("%(document)s %(provision)s on that date")
            % {"document": document.short_title, "provision": interface_reference(provision.eid, provision.num)},
            str(missing),
            status=404,
            document=document,
            provision=provision,
        )
    return render(
        request,
        "regulations/provision_pinned.html",
        {
            "section": "documents",
            "document": document,
            "provision": provision,
            "site_root": site_root(request),
            **context,
        },
    )


def provision_history(request, slug, eid):
    document, provision, answer = current_subject(request, slug, eid, suffix="history/")
    if answer:
        return answer
    context = timeline.provision_history_page(provision, drafts=reads_drafts(request))
    return render(
        request,
        "regulations/provision_history.html",
        {
            "section": "documents",
            "document": document,
            "provision": provision,
            "ancestors": ancestors_of(provision),
            **context,
        },
    )


def provision_compare(request, slug, eid):
    document, provision, answer = current_subject(request, slug, eid, suffix="compare/")
    if answer:
        return answer
    try:
        context = timeline.provision_compare_page(
            provision, request.GET.get("from"), request.GET.get("to"), drafts=reads_drafts(request)
        )
    except timeline.InvalidVersion as error:
        return problem(
            request, gettext("That comparison cannot be made"), str(error), document=document, provision=provision
        )
    return render(
        request,
        "regulations/provision_compare.html",
        {
            "section": "documents",
            "document": document,
            "provision": provision,
            "ancestors": ancestors_of(provision),
            **context,
        },
    )

"""What the site's views share: who reads, from where, and what an address names now (or where it went)."""

import datetime
import difflib

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils.translation import gettext

from regulations.addresses import document_url, provision_url
from regulations.history import versions
from regulations.models import Document, Provision
from regulations.permissions import can_read_internal
from regulations.site.views.errors import problem


def reads_drafts(request) -> bool:
    return can_read_internal(request.user)


def site_root(request) -> str:
    """scheme://host, for printing full permanent addresses."""
    return f"{request.scheme}://{request.get_host()}"


def as_attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def follow_old_address(request, slug: str, eid: str | None = None, suffix: str = "", not_found: Http404 | None = None):
    """An address that names nothing current: 301 to where it moved, 410 with the last text if removed."""
    drafts = reads_drafts(request)
    found = (
        versions.resolve_provision(slug, eid, drafts=drafts) if eid else versions.resolve_document(slug, drafts=drafts)
    )
    if found.outcome == "moved":
        query = request.GET.urlencode()
        return HttpResponsePermanentRedirect(found.url + suffix + (f"?{query}" if query else ""))
    if found.outcome == "removed":
        record = found.last_record
        return render(
            request,
            "regulations/gone.html",
            {"record": record, "is_provision": eid is not None, "slug": slug, "document_url": document_url(slug)},
            status=410,
        )
    if eid is not None:
        document = Document.objects.visible(drafts).filter(slug=slug).first()
        if document is not None:
            return missing_provision(request, document, eid, drafts)
    if eid is None:
        raise not_found or Http404(gettext("No document “%(slug)s”.") % {"slug": slug})
    raise not_found or Http404(gettext("Document “%(slug)s” has no provision “%(eid)s”.") % {"slug": slug, "eid": eid})


NEAREST = 5


def missing_provision(request, document: Document, eid: str, drafts: bool):
    """A 404 for a mistyped provision: the document's contents, and the identifiers nearest to the one asked for."""
    provisions = list(Provision.objects.visible(drafts).filter(document=document).only("eid", "num", "heading_en"))
    by_eid = {provision.eid: provision for provision in provisions}
    close = difflib.get_close_matches(eid, list(by_eid), n=NEAREST, cutoff=0.6)
    nearest = [by_eid[match] for match in close]
    for provision in nearest:
        provision.url = provision_url(document.slug, provision.eid)
    message = gettext("%(document)s has no provision “%(eid)s”.") % {"document": document.short_title, "eid": eid[:80]}
    context = {"message": message, "path": request.path, "document": document, "nearest": nearest}
    return render(request, "404.html", context, status=404)


def current_subject(request, slug: str, eid: str | None = None, suffix: str = ""):
    """(document, provision, None) for a current address, or (None, None, response) for an old one."""
    drafts = reads_drafts(request)
    document = Document.objects.visible(drafts).filter(slug=slug).first()
    provision = None
    if document is not None and eid is not None:
        provision = Provision.objects.visible(drafts).filter(document=document, eid=eid).first()
    if document is None or (eid is not None and provision is None):
        return None, None, follow_old_address(request, slug, eid, suffix)
    return document, provision, None


def pinned_day(request, day: str):
    """(the date, None), or (None, a problem page) for a date that cannot be used."""
    try:
        return versions.parse_day(day), None
    except versions.InvalidDate as error:
        return None, problem(request, gettext("That date cannot be used"), str(error))


def status_day(request):
    """(the day of ?on=, None): the day pages give legal statuses for (None: today), or (None, a problem page)."""
    value = request.GET.get("on", "").strip()
    if not value:
        return None, None
    try:
        return datetime.date.fromisoformat(value), None
    except ValueError:
        shown = value[:40]
        return None, problem(
            request,
            gettext("That date cannot be used"),
            gettext("“%(value)s” is not a day; write it as YYYY-MM-DD, e.g. 2025-06-01.") % {"value": shown},
        )

"""The Markdown preview of the admin's text areas (regulations.admin.widgets.MarkdownTextarea): the text
rendered exactly as the pages render it."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.urls import path
from django.utils.translation import gettext

from regulations.text.rendering import render_markdown

PREVIEW_MAX_CHARS = 200_000
MARKDOWN_MODELS = ("document", "provision", "annotation")
PREVIEW_JS = ["js/admin-preview.js"]


def can_preview_markdown(user) -> bool:
    return bool(
        user.is_active
        and user.is_staff
        and any(
            user.has_perm(f"regulations.{action}_{model}") for action in ("add", "change") for model in MARKDOWN_MODELS
        )
    )


def markdown_preview_view(request):
    """POST text=… → the HTML the pages would show for it (sanitised by render_markdown)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not can_preview_markdown(request.user):
        raise PermissionDenied
    text = request.POST.get("text", "")
    if len(text) > PREVIEW_MAX_CHARS:
        return HttpResponseBadRequest(gettext("Too long to preview."), content_type="text/plain; charset=utf-8")
    response = HttpResponse(render_markdown(text), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def preview_urls(admin_site) -> list:
    """The endpoint, behind the admin's login and CSRF checks (`admin:regulations_markdown_preview`)."""
    view = admin_site.admin_view(markdown_preview_view)
    return [path("preview-markdown/", view, name="regulations_markdown_preview")]

"""Pages for addresses and input we cannot use: the helpful 404, and the problem page that says what was wrong."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext

API_PREFIX = "/api/"


def not_found(request, exception=None):
    message = ""
    if isinstance(exception, Http404) and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "404.html", {"message": message, "path": request.path}, status=404)


def problem(request, title: str, message: str, status: int = 400, **context):
    """A clear page for input we cannot use: what was wrong and where to go instead."""
    return render(request, "regulations/problem.html", {"title": title, "message": message, **context}, status=status)


def bad_request(request, exception=None):
    """A request Django refused before any view ran (too many form fields, a body over the limit…), said plainly:
    as JSON to API clients, as a page to readers."""
    if isinstance(exception, TooManyFieldsSent):
        message = gettext("The request sends too many form fields; send JSON, or fewer fields.")
    elif isinstance(exception, RequestDataTooBig):
        message = gettext("The request body is larger than the server accepts.")
    else:
        message = gettext("The request could not be read.")
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=400)
    return problem(request, gettext("That request cannot be used"), message)

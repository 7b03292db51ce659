"""Pages for addresses and input we cannot use: the helpful 404, and the problem page that says what was wrong."""

from django.http import Http404
from django.shortcuts import render


def not_found(request, exception=None):
    message = ""
    if isinstance(exception, Http404) and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "404.html", {"message": message, "path": request.path}, status=404)


def problem(request, title: str, message: str, status: int = 400, **context):
    """A clear page for input we cannot use: what was wrong and where to go instead."""
    return render(request, "regulations/problem.html", {"title": title, "message": message, **context}, status=status)

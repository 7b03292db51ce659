"""/healthz for load balancers and monitors, and the answers while the database cannot be reached."""

import sys

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import server_error as django_server_error

from operations.health import UNREACHABLE, check_services

API_PREFIX = "/api/"
DATABASE_DOWN = "The database cannot be reached at the moment; please try again in a minute."
RETRY_AFTER_SECONDS = "30"


@never_cache
@require_GET
def healthz(request):
    """200 when every service answers, else 503; each with "ok" or "error" and the reason."""
    states = check_services()
    healthy = all(state.ok for state in states)
    return JsonResponse(
        {"status": "ok" if healthy else "error", **{state.name: state.as_json() for state in states}},
        status=200 if healthy else 503,
    )


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After: JSON for API clients, a page for readers. The page is rendered without the
    request, so no context processor (the signed-in user) reaches for the database again."""
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": DATABASE_DOWN}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": DATABASE_DOWN}), status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def server_error(request):
    """handler500: a database that went away while a middleware used it is a 503 too, not a bare 500."""
    if isinstance(sys.exc_info()[1], UNREACHABLE):
        return database_unavailable(request)
    return django_server_error(request)

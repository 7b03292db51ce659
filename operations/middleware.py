"""A request whose database cannot be reached answers 503 with a reason instead of a bare 500."""

import logging

from operations.health import UNREACHABLE
from operations.views import database_unavailable

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UNREACHABLE):
            return None
        logger.error("database unavailable for %s: %s", request.path, exception)
        return database_unavailable(request)

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from regulations.history.locking import Conflict


class EditConflict(Exception):
    """An edit based on an old revision; `payload` says what changed meanwhile (answered as 409)."""

    def __init__(self, conflict: Conflict):
        changed_at = conflict.changed_at
        self.payload = {
            "detail": f"Someone saved this after revision {conflict.loaded}; it is now at revision "
            f"{conflict.current}. Nothing was changed. Reload it, reapply your edit, and send the new revision.",
            "your_revision": conflict.loaded,
            "current_revision": conflict.current,
            "changed_meanwhile": conflict.changed_fields(),
            "changed_by": conflict.changed_by.get_username() if conflict.changed_by else None,
            "changed_at": changed_at.isoformat() if changed_at else None,
        }
        super().__init__(self.payload["detail"])


def exception_handler(error, context):
    """DRF's handler, plus a clear 409 for edits based on an old revision or refused by the database, and a
    400 with the limit for a body over DATA_UPLOAD_MAX_MEMORY_SIZE (Django's own answer is an HTML page)."""
    if isinstance(error, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response(
            {"detail": f"The request body is too large: at most {limit:,} bytes per request."},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(error, EditConflict):
        return Response(error.payload, status=status.HTTP_409_CONFLICT)
    if isinstance(error, IntegrityError):
        return Response(
            {
                "detail": "The database refused this change because it conflicts with existing data.",
                "reason": str(error),
            },
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(error, context)

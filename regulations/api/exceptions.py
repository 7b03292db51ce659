from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
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
    """DRF's handler, every answer an object with `detail`; plus clear 409s for an edit based on an old
    revision, a change the database refused and a delete of what others refer to, and a 400 with the limit
    for a body over DATA_UPLOAD_MAX_MEMORY_SIZE (Django's own answer to that is an HTML page)."""
    if isinstance(error, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response(
            {"detail": f"The request body is too large: at most {limit:,} bytes per request."},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(error, EditConflict):
        return Response(error.payload, status=status.HTTP_409_CONFLICT)
    if isinstance(error, ProtectedError | RestrictedError):  # before IntegrityError, their base class
        referring = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
        return Response(
            {
                "detail": "This cannot be deleted while other records refer to it; change or delete those first.",
                "referred_to_by": sorted(str(obj) for obj in referring)[:20],
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(error, IntegrityError):
        return Response(
            {
                "detail": "The database refused this change because it conflicts with existing data.",
                "reason": str(error),
            },
            status=status.HTTP_409_CONFLICT,
        )
    response = drf_exception_handler(error, context)
    if response is not None and isinstance(response.data, list):
        # A ValidationError raised outside a serializer (a filter's, say) is a bare list; every error answer
        # is an object with `detail`, as the schema says.
        response.data = {"detail": " ".join(str(message) for message in response.data)}
    return response


class NoSuchEndpoint(APIView):
    """Any address under /api/ that names no endpoint (or an object by a malformed identifier): a JSON 404."""

    permission_classes = [AllowAny]
    schema = None  # not an operation of the API

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound("There is no API endpoint at this address; the operations are listed at /api/docs/.")

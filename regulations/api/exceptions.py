from django.db import IntegrityError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from regulations.api.serializers import EditConflict


def exception_handler(error, context):
    """DRF's handler, plus a clear 409 for edits based on an old revision or refused by the database."""
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

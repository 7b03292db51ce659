from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from regulations.api.serializers.changes import ChangeListSerializer, ChangeSerializer
from regulations.history import changes
from regulations.text.control_characters import control_character_problem

FILTERS = ("document", "industry", "topic", "since", "before")


@extend_schema(
    parameters=[
        OpenApiParameter("document", str, description="Document slug."),
        OpenApiParameter("industry", str, description="Industry slug (its sub-industries included)."),
        OpenApiParameter("topic", str, description="Topic slug."),
        OpenApiParameter("since", str, description="Only changes on or after this date (YYYY-MM-DD)."),
        OpenApiParameter("before", str, description="Only changes before this date, or the `next` cursor."),
        OpenApiParameter("limit", int, description=f"At most {changes.MAX_LIMIT}."),
    ],
    responses={200: ChangeListSerializer},
)
class ChangeList(APIView):
    """Recorded changes, newest first: the same list as /changes/ and its Atom feed."""

    def get(self, request):
        params = request.query_params
        for name in FILTERS:
            # PostgreSQL cannot even compare a text with a NUL in it: refuse control characters up front.
            problem = control_character_problem(params.get(name, ""))
            if problem:
                return Response({"detail": f"{name}: {problem}"}, status=status.HTTP_400_BAD_REQUEST)
        try:
            limit = int(params.get("limit") or changes.DEFAULT_LIMIT)
        except ValueError:
            return Response({"detail": "limit must be a whole number."}, status=status.HTTP_400_BAD_REQUEST)
        try:
            page = changes.recent_changes(
                user=request.user,
                **{name: params.get(name) or None for name in FILTERS},
                limit=limit,
            )
        except changes.InvalidFilter as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        next_url = None
        if page.more and page.next_before:
            next_url = replace_query_param(request.build_absolute_uri(), "before", page.next_before)
        results = []
        for change in page:
            row = ChangeSerializer(change).data
            row["url"] = request.build_absolute_uri(change.url) if change.url else ""
            if change.history_url:
                row["history_url"] = request.build_absolute_uri(change.history_url)
            results.append(row)
        return Response({"results": results, "next": next_url})

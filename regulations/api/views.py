"""The JSON API: read for everyone, write for consultants. Addresses in responses are permanent."""

import django_filters
from django.db.models import Max, Prefetch
from django.shortcuts import get_object_or_404
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from regulations.api.permissions import ConsultantWrite
from regulations.api.serializers import (
    AnnotationSerializer,
    DocumentDetailSerializer,
    DocumentSerializer,
    GlossaryTermSerializer,
    IndustrySerializer,
    ProvisionSerializer,
    RelationSerializer,
    TargetSerializer,
)
from regulations.history import changes
from regulations.models import Annotation, Document, GlossaryTerm, Industry, Provision, Relation, Target
from regulations.permissions import can_read_internal


class DraftsForStaff:
    """Anonymous readers and clients without the internal permission see published content only."""

    @property
    def drafts(self) -> bool:
        return can_read_internal(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "drafts": self.drafts}

    def documents(self):
        return Document.objects.visible(self.drafts)

    def provisions(self):
        return Provision.objects.visible(self.drafts)

    def serialized_provisions(self):
        """Provisions with what ProvisionSerializer reads, fetched up front."""
        return (
            self.provisions()
            .select_related("document", "parent")
            .prefetch_related(
                "industries", Prefetch("targets", queryset=Target.objects.select_related("provision__document"))
            )
        )


class LastModifiedMixin:
    """Detail answers carry Last-Modified; ConditionalGetMiddleware adds the ETag and the 304s."""

    def last_modified(self, instance):
        return getattr(instance, "updated_at", None)

    def retrieve(self, request, *args, **kwargs):
        # DRF's retrieve, keeping the object it loaded instead of loading it a second time.
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        modified = self.last_modified(instance)
        if modified is not None:
            response["Last-Modified"] = http_date(modified.timestamp())
        return response


class DocumentFilter(django_filters.FilterSet):
    topic = django_filters.CharFilter(field_name="topics__slug")
    issuer = django_filters.CharFilter(field_name="issuers__slug")

    class Meta:
        model = Document
        fields = ["status", "jurisdiction", "kind", "topic", "issuer"]


class DocumentViewSet(DraftsForStaff, LastModifiedMixin, viewsets.ModelViewSet):
    lookup_field = "slug"
    permission_classes = [ConsultantWrite]
    filterset_class = DocumentFilter
    search_fields = ["title_en", "title_zh", "short_title", "doc_number"]
    ordering_fields = ["slug", "title_en", "updated_at"]
    ordering = ["slug"]

    def get_queryset(self):
        queryset = self.documents().select_related("superseded_by").prefetch_related("issuers", "topics", "dates")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("provisions", queryset=self.provisions().select_related("parent", "document"))
            )
        return queryset.distinct()

    def get_serializer_class(self):
        return DocumentSerializer if self.action == "list" else DocumentDetailSerializer

    def last_modified(self, document):
        newest_provision = document.provisions.aggregate(newest=Max("updated_at"))["newest"]
        return max(filter(None, [document.updated_at, newest_provision]))


class ProvisionFilter(django_filters.FilterSet):
    document = django_filters.CharFilter(field_name="document__slug")
    industry = django_filters.CharFilter(field_name="industries__slug")

    class Meta:
        model = Provision
        fields = ["document", "industry", "kind", "status", "verified"]


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("document_slug", str, OpenApiParameter.PATH)]),
)
class ProvisionViewSet(DraftsForStaff, LastModifiedMixin, viewsets.ModelViewSet):
    """Provisions of one document, addressed by their stable identifier."""

    lookup_field = "eid"
    lookup_value_regex = r"[a-z0-9_\-]+"
    serializer_class = ProvisionSerializer
    permission_classes = [ConsultantWrite]
    filterset_class = ProvisionFilter
    ordering_fields = ["position", "updated_at"]
    ordering = ["position"]

    def get_document(self):
        if not hasattr(self, "_document"):
            self._document = get_object_or_404(self.documents(), slug=self.kwargs["document_slug"])
        return self._document

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Provision.objects.none()
        return self.serialized_provisions().filter(document=self.get_document())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["document"] = self.get_document()
        return context


class AllProvisionViewSet(DraftsForStaff, viewsets.ReadOnlyModelViewSet):
    """Every provision, across documents, for filtering (by industry, kind, status…)."""

    serializer_class = ProvisionSerializer
    filterset_class = ProvisionFilter

    def get_queryset(self):
        return self.serialized_provisions().in_document_order().distinct()


class TargetFilter(django_filters.FilterSet):
    document = django_filters.CharFilter(field_name="provision__document__slug")
    industry = django_filters.CharFilter(field_name="provision__industries__slug")

    class Meta:
        model = Target
        fields = ["document", "industry", "target_year", "direction", "verified"]


class TargetViewSet(DraftsForStaff, viewsets.ReadOnlyModelViewSet):
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    ordering_fields = ["target_year", "metric", "value"]
    ordering = ["provision__document__slug", "provision__position", "position"]

    def get_queryset(self):
        return Target.objects.visible(self.drafts).select_related("provision__document").distinct()


class IndustryViewSet(viewsets.ModelViewSet):
    lookup_field = "slug"
    serializer_class = IndustrySerializer
    permission_classes = [ConsultantWrite]
    queryset = Industry.objects.select_related("parent")


class RelationFilter(django_filters.FilterSet):
    document = django_filters.CharFilter(method="filter_document", label="Either end is this document")
    type = django_filters.CharFilter(field_name="type__slug")

    class Meta:
        model = Relation
        fields = ["document", "type"]

    def filter_document(self, queryset, name, value):
        return queryset.filter(source_document__slug=value) | queryset.filter(target_document__slug=value)


class RelationViewSet(DraftsForStaff, viewsets.ModelViewSet):
    serializer_class = RelationSerializer
    permission_classes = [ConsultantWrite]
    filterset_class = RelationFilter

    def get_queryset(self):
        return Relation.objects.visible(self.drafts).with_ends().order_by("source_document__slug", "position", "pk")


class GlossaryTermViewSet(DraftsForStaff, viewsets.ModelViewSet):
    lookup_field = "slug"
    serializer_class = GlossaryTermSerializer
    permission_classes = [ConsultantWrite]
    search_fields = ["term_en", "term_zh", "definition"]

    def get_queryset(self):
        return GlossaryTerm.objects.prefetch_related(
            Prefetch("see_provisions", queryset=self.provisions().select_related("document"))
        )


class AnnotationFilter(django_filters.FilterSet):
    document = django_filters.CharFilter(field_name="document__slug")
    provision = django_filters.CharFilter(field_name="provision__eid", label="Provision identifier")
    industry = django_filters.CharFilter(field_name="provision__industries__slug")

    class Meta:
        model = Annotation
        fields = ["document", "provision", "industry", "kind", "visibility", "publication"]


class AnnotationViewSet(DraftsForStaff, LastModifiedMixin, viewsets.ModelViewSet):
    """Consultants' notes: public ones for everyone, internal ones and drafts for signed-in staff."""

    serializer_class = AnnotationSerializer
    permission_classes = [ConsultantWrite]
    filterset_class = AnnotationFilter
    search_fields = ["title", "body"]
    ordering_fields = ["effective_date", "created_at", "updated_at"]
    ordering = ["-created_at"]

    def get_queryset(self):
        annotations = Annotation.objects.visible(self.drafts)
        return annotations.select_related("document", "provision__document", "author").distinct()


class ChangeSerializer(drf_serializers.Serializer):
    date = drf_serializers.DateTimeField()
    action = drf_serializers.ChoiceField(choices=["added", "changed", "removed"])
    what = drf_serializers.ChoiceField(choices=["document", "provision", "target", "relation", "annotation"])
    label = drf_serializers.CharField()
    url = drf_serializers.CharField(help_text="The object's permanent address (its former one if removed).")
    history_url = drf_serializers.CharField(allow_null=True)
    fields = drf_serializers.ListField(child=drf_serializers.CharField())
    reason = drf_serializers.CharField(allow_blank=True)
    author = drf_serializers.CharField(allow_blank=True, help_text="Only for signed-in staff.")
    restricted = drf_serializers.CharField(allow_blank=True, help_text="“Draft” or “Internal”, for staff.")


class ChangeListSerializer(drf_serializers.Serializer):
    results = ChangeSerializer(many=True)
    next = drf_serializers.CharField(allow_null=True, help_text="The address of the next, older page.")


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
        try:
            limit = int(params.get("limit") or changes.DEFAULT_LIMIT)
        except ValueError:
            return Response({"detail": "limit must be a whole number."}, status=status.HTTP_400_BAD_REQUEST)
        try:
            page = changes.recent_changes(
                user=request.user,
                document=params.get("document") or None,
                industry=params.get("industry") or None,
                topic=params.get("topic") or None,
                since=params.get("since") or None,
                before=params.get("before") or None,
                limit=limit,
            )
        except changes.InvalidFilter as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        next_url = None
        if page.more and page.next_before:
            query = params.copy()
            query["before"] = page.next_before
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        results = []
        for change in page:
            row = ChangeSerializer(change).data
            row["url"] = request.build_absolute_uri(change.url) if change.url else ""
            if change.history_url:
                row["history_url"] = request.build_absolute_uri(change.history_url)
            results.append(row)
        return Response({"results": results, "next": next_url})

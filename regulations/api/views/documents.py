import django_filters
from django.db.models import Max, Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from regulations.api.filters import StrictBooleanFilter
from regulations.api.mixins import AtomicWriteViewSetMixin, DraftsForStaff, LastModifiedMixin, StatusOnDay, status_day
from regulations.api.permissions import ConsultantWrite
from regulations.api.serializers.documents import DocumentDetailSerializer, DocumentSerializer
from regulations.api.serializers.provisions import ProvisionSerializer
from regulations.models import Document, LegalEvent, Provision, Status


class StatusFilter(django_filters.ChoiceFilter):
    """The legal status derived for today, or for ?on=: a rule's status is never a stored column."""

    def __init__(self, **kwargs):
        super().__init__(choices=Status.choices, method=self.matching, **kwargs)

    def matching(self, queryset, name, value):
        day = status_day(self.parent.request)
        events = "events__provisions" if queryset.model is Document else "document__events__provisions"
        wanted = [row.pk for row in queryset.prefetch_related(events) if row.validity(day).code == value]
        return queryset.filter(pk__in=wanted)


class DocumentFilter(django_filters.FilterSet):
    topic = django_filters.CharFilter(field_name="topics__slug")
    issuer = django_filters.CharFilter(field_name="issuers__slug")
    status = StatusFilter()

    class Meta:
        model = Document
        fields = ["status", "jurisdiction", "kind", "rank", "topic", "issuer"]


class DocumentViewSet(AtomicWriteViewSetMixin, DraftsForStaff, StatusOnDay, LastModifiedMixin, viewsets.ModelViewSet):
    lookup_field = "slug"
    permission_classes = [ConsultantWrite]
    filterset_class = DocumentFilter
    search_fields = ["title_en", "title_zh", "short_title", "doc_number"]
    ordering_fields = ["slug", "title_en", "updated_at"]
    ordering = ["slug"]

    def get_queryset(self):
        queryset = self.documents().prefetch_related(
            "issuers",
            "topics",
            Prefetch("events", queryset=LegalEvent.objects.select_related("by").prefetch_related("provisions")),
        )
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
    status = StatusFilter()
    verified = StrictBooleanFilter()

    class Meta:
        model = Provision
        fields = ["document", "industry", "kind", "status", "verified"]


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("document_slug", str, OpenApiParameter.PATH)]),
)
class ProvisionViewSet(AtomicWriteViewSetMixin, DraftsForStaff, StatusOnDay, LastModifiedMixin, viewsets.ModelViewSet):
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
        return self.serialized_provisions(of_document=self.get_document())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["document"] = self.get_document()
        return context


class AllProvisionViewSet(DraftsForStaff, StatusOnDay, viewsets.ReadOnlyModelViewSet):
    """Every provision, across documents, for filtering (by industry, kind, status…)."""

    serializer_class = ProvisionSerializer
    filterset_class = ProvisionFilter

    def get_queryset(self):
        return self.serialized_provisions().in_document_order().distinct()

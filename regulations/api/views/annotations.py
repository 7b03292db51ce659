import django_filters
from rest_framework import viewsets

from regulations.api.mixins import AtomicWriteViewSetMixin, DraftsForStaff, LastModifiedMixin
from regulations.api.permissions import ConsultantWrite
from regulations.api.serializers.annotations import AnnotationSerializer
from regulations.models import Annotation


class AnnotationFilter(django_filters.FilterSet):
    document = django_filters.CharFilter(field_name="document__slug")
    provision = django_filters.CharFilter(field_name="provision__eid", label="Provision identifier")
    industry = django_filters.CharFilter(field_name="provision__industries__slug")

    class Meta:
        model = Annotation
        fields = ["document", "provision", "industry", "kind", "visibility", "publication"]


class AnnotationViewSet(AtomicWriteViewSetMixin, DraftsForStaff, LastModifiedMixin, viewsets.ModelViewSet):
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

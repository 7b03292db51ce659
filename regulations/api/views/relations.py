import django_filters
from rest_framework import viewsets

from regulations.api.mixins import AtomicWriteViewSetMixin, DraftsForStaff
from regulations.api.permissions import ConsultantWrite
from regulations.api.serializers.relations import RelationSerializer
from regulations.models import Relation


class RelationFilter(django_filters.FilterSet):
    document = django_filters.CharFilter(method="filter_document", label="Either end is this document")
    type = django_filters.CharFilter(field_name="type__slug")

    class Meta:
        model = Relation
        fields = ["document", "type"]

    def filter_document(self, queryset, name, value):
        return queryset.filter(source_document__slug=value) | queryset.filter(target_document__slug=value)


class RelationViewSet(AtomicWriteViewSetMixin, DraftsForStaff, viewsets.ModelViewSet):
    serializer_class = RelationSerializer
    permission_classes = [ConsultantWrite]
    filterset_class = RelationFilter

    def get_queryset(self):
        return Relation.objects.visible(self.drafts).with_ends().order_by("source_document__slug", "position", "pk")

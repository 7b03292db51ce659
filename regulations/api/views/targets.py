import django_filters
from rest_framework import viewsets

from regulations.api.filters import StrictBooleanFilter, WholeNumberFilter
from regulations.api.mixins import DraftsForStaff
from regulations.api.serializers.targets import TargetSerializer
from regulations.models import Target


class TargetFilter(django_filters.FilterSet):
    document = django_filters.CharFilter(field_name="provision__document__slug")
    industry = django_filters.CharFilter(field_name="provision__industries__slug")
    target_year = WholeNumberFilter()
    verified = StrictBooleanFilter()

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

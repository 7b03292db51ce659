from django.db.models import Prefetch
from rest_framework import viewsets

from regulations.api.mixins import AtomicWriteViewSetMixin, DraftsForStaff
from regulations.api.permissions import ConsultantWrite
from regulations.api.serializers.taxonomy import GlossaryTermSerializer, IndustrySerializer
from regulations.models import GlossaryTerm, Industry


class IndustryViewSet(AtomicWriteViewSetMixin, viewsets.ModelViewSet):
    lookup_field = "slug"
    serializer_class = IndustrySerializer
    permission_classes = [ConsultantWrite]
    queryset = Industry.objects.select_related("parent")


class GlossaryTermViewSet(AtomicWriteViewSetMixin, DraftsForStaff, viewsets.ModelViewSet):
    lookup_field = "slug"
    serializer_class = GlossaryTermSerializer
    permission_classes = [ConsultantWrite]
    search_fields = ["term_en", "term_zh", "definition"]

    def get_queryset(self):
        return GlossaryTerm.objects.prefetch_related(
            Prefetch("see_provisions", queryset=self.provisions().select_related("document"))
        )

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regulations.api.serializers.base import ModelValidationSerializer, PermanentUrlField, RevisionChecked
from regulations.api.serializers.provisions import ProvisionOutlineSerializer
from regulations.api.serializers.relations import RelationSerializer
from regulations.models import Document, Relation, Topic


class DocumentSerializer(RevisionChecked, ModelValidationSerializer):
    url = PermanentUrlField()
    issuers = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, queryset=Topic.objects.all())
    superseded_by = serializers.SlugRelatedField(
        slug_field="slug", queryset=Document.objects.all(), allow_null=True, required=False
    )
    dates = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "slug",
            "url",
            "title_en",
            "title_zh",
            "short_title",
            "doc_number",
            "kind",
            "jurisdiction",
            "status",
            "status_detail",
            "superseded_by",
            "issuers",
            "topics",
            "dates",
            "publication",
            "revision",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def get_dates(self, document) -> dict[str, str]:
        return {date.kind: date.iso for date in document.dates.all()}


class DocumentDetailSerializer(DocumentSerializer):
    provisions = ProvisionOutlineSerializer(many=True, read_only=True)
    relations = serializers.SerializerMethodField()
    details = serializers.DictField(required=False)
    sources = serializers.ListField(child=serializers.URLField(), required=False)

    class Meta(DocumentSerializer.Meta):
        fields = DocumentSerializer.Meta.fields + [
            "notice_title_en",
            "notice_title_zh",
            "doc_number_note",
            "form",
            "level",
            "language",
            "status_note",
            "summary",
            "details",
            "sources",
            "provisions",
            "relations",
        ]

    @extend_schema_field(RelationSerializer(many=True))
    def get_relations(self, document):
        relations = Relation.objects.touching_document(document).with_ends()
        if not self.context.get("drafts"):
            relations = relations.published()
        return RelationSerializer(relations, many=True, context=self.context).data

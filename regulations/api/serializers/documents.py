from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regulations.api.serializers.base import ModelValidationSerializer, PermanentUrlField, RevisionChecked
from regulations.api.serializers.provisions import ProvisionOutlineSerializer
from regulations.api.serializers.relations import RelationSerializer
from regulations.api.serializers.validity import LegalEventSerializer, ValiditySerializer, day_of
from regulations.models import Document, Relation, Status, Topic


class DocumentSerializer(RevisionChecked, ModelValidationSerializer):
    url = PermanentUrlField()
    issuers = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, queryset=Topic.objects.all())
    status = serializers.SerializerMethodField(help_text="The legal status today, or on the day given as ?on=.")
    validity = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField(help_text="The slug of the replacing rule, if one is recorded.")
    dates = serializers.SerializerMethodField(help_text="The first date of each kind of legal event.")

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
            "rank",
            "status",
            "validity",
            "superseded_by",
            "issuers",
            "topics",
            "dates",
            "publication",
            "revision",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices))
    def get_status(self, document) -> str:
        return document.validity(day_of(self.context)).code

    @extend_schema_field(ValiditySerializer)
    def get_validity(self, document):
        return ValiditySerializer(document.validity(day_of(self.context)), context=self.context).data

    def get_superseded_by(self, document) -> str | None:
        replacing = document.superseded_by
        return replacing.slug if replacing is not None else None

    def get_dates(self, document) -> dict[str, str]:
        dates = {}
        for event in document.events.all():
            dates.setdefault(event.kind, event.iso)
        return dates


class DocumentDetailSerializer(DocumentSerializer):
    provisions = ProvisionOutlineSerializer(many=True, read_only=True)
    relations = serializers.SerializerMethodField()
    details = serializers.DictField(required=False)
    sources = serializers.ListField(
        child=serializers.URLField(), required=False, help_text="Research sources: secondary reports, not official."
    )
    events = LegalEventSerializer(many=True, read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = DocumentSerializer.Meta.fields + [
            "notice_title_en",
            "notice_title_zh",
            "doc_number_note",
            "form",
            "level",
            "language",
            "official_url",
            "official_publisher",
            "eli",
            "events",
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

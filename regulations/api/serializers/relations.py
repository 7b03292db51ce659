from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regulations.api.serializers.base import ModelValidationSerializer, absolute
from regulations.models import Document, Relation, RelationType


class RelationEndSerializer(serializers.Serializer):
    document = serializers.CharField()
    provision = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    url = serializers.URLField()


class RelationSerializer(ModelValidationSerializer):
    type = serializers.SlugRelatedField(slug_field="slug", queryset=RelationType.objects.all())
    verb = serializers.CharField(source="type.verb", read_only=True)
    reverse_verb = serializers.CharField(source="type.reverse_verb", read_only=True)
    source = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    source_document = serializers.SlugRelatedField(slug_field="slug", queryset=Document.objects.all(), write_only=True)
    source_provision = serializers.CharField(write_only=True, required=False, allow_blank=True, allow_null=True)
    target_document = serializers.SlugRelatedField(slug_field="slug", queryset=Document.objects.all(), write_only=True)
    target_provision = serializers.CharField(write_only=True, required=False, allow_blank=True, allow_null=True)

    class Meta:
        model = Relation
        fields = [
            "id",
            "type",
            "verb",
            "reverse_verb",
            "source",
            "target",
            "source_document",
            "source_provision",
            "target_document",
            "target_provision",
            "note",
            "asserted_by",
            "asserted_on",
        ]
        # The ends are given as slugs and identifiers, so uniqueness is checked in validate().
        validators = []

    def _end(self, document, provision) -> dict:
        return {
            "document": document.slug,
            "provision": provision.eid if provision else None,
            "title": provision.heading_en if provision else document.title_en,
            "url": absolute(self.context, (provision or document).get_absolute_url()),
        }

    @extend_schema_field(RelationEndSerializer)
    def get_source(self, relation):
        return self._end(relation.source_document, relation.source_provision)

    @extend_schema_field(RelationEndSerializer)
    def get_target(self, relation):
        return self._end(relation.target_document, relation.target_provision)

    def validate(self, attrs):
        for side in ("source", "target"):
            document = attrs.get(f"{side}_document") or getattr(self.instance, f"{side}_document", None)
            eid = attrs.pop(f"{side}_provision", None)
            if eid:
                provision = document.provisions.filter(eid=eid).first() if document else None
                if provision is None:
                    raise serializers.ValidationError({f"{side}_provision": f"No provision “{eid}” in that document."})
                attrs[f"{side}_provision"] = provision
            elif self.instance is None or f"{side}_document" in attrs:
                attrs[f"{side}_provision"] = None
        ends = {
            key: attrs[key] if key in attrs else getattr(self.instance, key, None)
            for key in ("type", "source_document", "source_provision", "target_document", "target_provision")
        }
        if (ends["source_document"], ends["source_provision"]) == (ends["target_document"], ends["target_provision"]):
            raise serializers.ValidationError("A relation needs two different ends.")
        duplicates = Relation.objects.filter(**ends)
        if self.instance is not None:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise serializers.ValidationError("This relation is already recorded.")
        return super().validate(attrs)

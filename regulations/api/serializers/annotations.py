from rest_framework import serializers

from regulations.api.serializers.base import ModelValidationSerializer, PermanentUrlField, RevisionChecked
from regulations.models import Annotation, Document
from regulations.text.rendering import render_markdown


class AnnotationSerializer(RevisionChecked, ModelValidationSerializer):
    url = PermanentUrlField()
    document = serializers.SlugRelatedField(slug_field="slug", queryset=Document.objects.all(), required=False)
    provision = serializers.CharField(
        source="provision.eid",
        required=False,
        allow_null=True,
        default=None,
        help_text="Identifier of the provision in the document, or null for a note on the whole document.",
    )
    body_html = serializers.SerializerMethodField(help_text="The body rendered from Markdown and sanitised.")
    author = serializers.SerializerMethodField()

    class Meta:
        model = Annotation
        fields = [
            "id",
            "url",
            "document",
            "provision",
            "kind",
            "title",
            "body",
            "body_html",
            "effective_date",
            "source_url",
            "visibility",
            "publication",
            "author",
            "written_against_revision",
            "written_against_at",
            "revision",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["written_against_revision", "written_against_at", "created_at", "updated_at"]

    def get_body_html(self, annotation) -> str:
        return str(render_markdown(annotation.body))

    def get_author(self, annotation) -> str | None:
        if annotation.author is None or not self.context.get("drafts"):
            return None
        return annotation.author.get_full_name() or annotation.author.get_username()

    def validate(self, attrs):
        document = attrs.get("document") or getattr(self.instance, "document", None)
        if "provision" in attrs:
            eid = (attrs.pop("provision") or {}).get("eid")
            if eid and document is None:
                raise serializers.ValidationError({"document": "Name the document the provision belongs to."})
            attrs["provision"] = document.provisions.filter(eid=eid).first() if eid else None
            if eid and attrs["provision"] is None:
                raise serializers.ValidationError({"provision": f"No provision “{eid}” in {document.slug}."})
        if document is None:
            raise serializers.ValidationError({"document": "Name the document (and the provision, if any)."})
        return super().validate(attrs)

    def create(self, validated_data):
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            validated_data["author"] = request.user
        return super().create(validated_data)

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regulations.api.serializers.base import (
    ModelValidationSerializer,
    PermanentUrlField,
    RevisionChecked,
    text_list,
)
from regulations.api.serializers.targets import TargetSerializer
from regulations.api.serializers.validity import ValiditySerializer, day_of
from regulations.models import Industry, Provision, Status


class ProvisionOutlineSerializer(serializers.ModelSerializer):
    """A provision as an entry of its document's table of contents."""

    url = PermanentUrlField()
    parent = serializers.CharField(source="parent.eid", default=None, allow_null=True, read_only=True)

    class Meta:
        model = Provision
        fields = ["eid", "num", "kind", "heading_en", "heading_zh", "parent", "depth", "url"]


class ProvisionSerializer(RevisionChecked, ModelValidationSerializer):
    url = PermanentUrlField()
    document = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parent = serializers.CharField(
        source="parent.eid", default=None, allow_null=True, required=False, help_text="Identifier of the parent."
    )
    industries = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Industry.objects.all(), required=False
    )
    targets = TargetSerializer(many=True, read_only=True)
    status = serializers.SerializerMethodField(help_text="The legal status today, or on the day given as ?on=.")
    effective_status = serializers.SerializerMethodField(help_text="The same as status (kept for older clients).")
    validity = serializers.SerializerMethodField()
    key_terms = text_list()
    responsible_agencies = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)), required=False
    )

    class Meta:
        model = Provision
        fields = [
            "document",
            "eid",
            "url",
            "parent",
            "position",
            "depth",
            "num",
            "kind",
            "heading_en",
            "heading_zh",
            "heading_official_en",
            "articles",
            "text",
            "text_original",
            "key_terms",
            "responsible_agencies",
            "industries",
            "status",
            "effective_status",
            "validity",
            "verified",
            "note",
            "targets",
            "publication",
            "revision",
            "updated_at",
        ]
        read_only_fields = ["depth", "updated_at"]
        extra_kwargs = {"position": {"required": False}}

    def validate(self, attrs):
        document = self.context["document"]
        if "parent" in attrs:
            parent_eid = attrs.pop("parent").get("eid")
            attrs["parent"] = document.provisions.filter(eid=parent_eid).first() if parent_eid else None
            if parent_eid and attrs["parent"] is None:
                raise serializers.ValidationError({"parent": f"No provision “{parent_eid}” in {document.slug}."})
        if self.instance is None and "position" not in attrs:
            last = document.provisions.order_by("-position").first()
            attrs["position"] = last.position + 1 if last else 0
        return super().validate(attrs)

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices))
    def get_status(self, provision) -> str:
        return provision.validity(day_of(self.context)).code

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices))
    def get_effective_status(self, provision) -> str:
        return self.get_status(provision)

    @extend_schema_field(ValiditySerializer)
    def get_validity(self, provision):
        return ValiditySerializer(provision.validity(day_of(self.context)), context=self.context).data

    def implicit_values(self):
        return {"document": self.context["document"]}

    def create(self, validated_data):
        return super().create({**validated_data, "document": self.context["document"]})

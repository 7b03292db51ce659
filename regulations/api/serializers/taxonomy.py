from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regulations.api.serializers.base import ModelValidationSerializer, PermanentUrlField, absolute, text_list
from regulations.models import GlossaryTerm, Industry


class IndustrySerializer(ModelValidationSerializer):
    url = PermanentUrlField()
    parent = serializers.SlugRelatedField(
        slug_field="slug", queryset=Industry.objects.all(), allow_null=True, required=False
    )
    aliases = text_list()
    gbt4754_divisions = text_list()
    gbt4754_classes = text_list()
    isic_divisions = text_list()
    isic_classes = text_list()

    class Meta:
        model = Industry
        fields = [
            "slug",
            "url",
            "name_en",
            "name_zh",
            "parent",
            "aliases",
            "gbt4754_divisions",
            "gbt4754_classes",
            "gbt4754_verified",
            "isic_divisions",
            "isic_classes",
            "isic_verified",
            "note",
        ]

    def validate_parent(self, parent):
        ancestor = parent
        while ancestor is not None:
            if self.instance is not None and ancestor.pk == self.instance.pk:
                raise serializers.ValidationError("An industry cannot sit below itself.")
            ancestor = ancestor.parent
        return parent


class GlossaryTermSerializer(ModelValidationSerializer):
    url = PermanentUrlField()
    see_provisions = serializers.SerializerMethodField()
    abbreviations = text_list()
    synonyms_en = text_list()
    synonyms_zh = text_list()

    class Meta:
        model = GlossaryTerm
        fields = [
            "slug",
            "url",
            "term_en",
            "term_zh",
            "abbreviations",
            "synonyms_en",
            "synonyms_zh",
            "definition",
            "see_provisions",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_see_provisions(self, term):
        return [absolute(self.context, provision.get_absolute_url()) for provision in term.see_provisions.all()]

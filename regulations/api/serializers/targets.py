from rest_framework import serializers

from regulations.api.serializers.base import ModelValidationSerializer, absolute
from regulations.models import TARGET_FIELDS, Target


class TargetSerializer(ModelValidationSerializer):
    provision_url = serializers.SerializerMethodField()
    document = serializers.SlugRelatedField(source="provision.document", slug_field="slug", read_only=True)
    provision = serializers.CharField(source="provision.eid", read_only=True)

    class Meta:
        model = Target
        fields = ["document", "provision", "provision_url", "position", *TARGET_FIELDS]
        read_only_fields = ["position"]

    def get_provision_url(self, target) -> str:
        return absolute(self.context, target.provision.get_absolute_url())

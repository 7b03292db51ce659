"""A rule's legal status on a day and its legal events, as the API answers them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regulations.models import LegalEvent, Status


def day_of(context):
    """The day the answer describes: ?on=YYYY-MM-DD (read by the view), else today."""
    return context.get("day")


class ValiditySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, source="code")
    label = serializers.CharField()
    text = serializers.CharField(help_text="The status in words, e.g. “Reported replaced by … from 1 April 2026”.")
    on = serializers.DateField(source="day", help_text="The day it describes (?on=, or today).")
    since = serializers.CharField(help_text="When the deciding event took effect, at its precision.")
    reported = serializers.BooleanField(help_text="The deciding event is unverified (reported or single-source).")
    by = serializers.SerializerMethodField(help_text="The replacing or amending document's address, if in Rulebook.")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_by(self, validity):
        if validity.by is None:
            return None
        request = self.context.get("request")
        url = validity.by.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class LegalEventSerializer(serializers.ModelSerializer):
    date = serializers.CharField(source="iso", help_text="YYYY, YYYY-MM or YYYY-MM-DD, as precise as known.")
    by = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    by_url = serializers.SerializerMethodField()
    provisions = serializers.SlugRelatedField(slug_field="eid", many=True, read_only=True)

    class Meta:
        model = LegalEvent
        fields = ["kind", "date", "instrument", "by", "by_url", "provisions", "verified", "note", "source_url"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_by_url(self, event):
        if event.by_id is None:
            return None
        url = event.by.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

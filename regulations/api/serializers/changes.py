from rest_framework import serializers


class ChangeSerializer(serializers.Serializer):
    date = serializers.DateTimeField()
    action = serializers.ChoiceField(
        choices=["added", "changed", "removed", "took effect"],
        help_text="“took effect”: a recorded legal event on the day it takes effect (no one edited anything then).",
    )
    what = serializers.ChoiceField(
        choices=["event", "effect", "document", "provision", "target", "relation", "annotation"]
    )
    kind = serializers.ChoiceField(
        choices=["", "entry into force", "status change"], help_text="Of a legal effect; empty otherwise."
    )
    label = serializers.CharField()
    url = serializers.CharField(help_text="The object's permanent address (its former one if removed).")
    history_url = serializers.CharField(allow_null=True)
    fields = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField(allow_blank=True)
    author = serializers.CharField(allow_blank=True, help_text="Only for signed-in staff.")
    restricted = serializers.CharField(allow_blank=True, help_text="“Draft” or “Internal”, for staff.")


class ChangeListSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text="The address of the next, older page.")

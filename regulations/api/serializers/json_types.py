"""Request bodies must have the JSON types the schema gives: DRF would otherwise read 0 as the text "0",
"12" as the number 12, "yes" as true and "" as "no related object", accepting what the schema forbids."""

from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField


def type_problem(field: serializers.Field, value) -> str | None:
    """Why `value` is not of the JSON type `field` is documented with, or None if it is."""
    if value is None:
        return None  # allow_null is the field's own business
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "Must be true or false."
    if isinstance(field, serializers.IntegerField):
        return None if isinstance(value, int) and not isinstance(value, bool) else "Must be a whole number."
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        return None if isinstance(value, int) and not isinstance(value, bool) else "Must be a whole number."
    if isinstance(field, RelatedField):
        if not isinstance(value, str):
            return "Must be a string."
        return None if value else "Must not be empty; send null for none."
    if isinstance(field, serializers.CharField | serializers.ChoiceField | serializers.DateField):
        return None if isinstance(value, str) else "Must be a string."
    if isinstance(field, ManyRelatedField | serializers.ListField):
        if not isinstance(value, list):
            return "Must be a list."
        child = field.child_relation if isinstance(field, ManyRelatedField) else field.child
        return next(filter(None, (type_problem(child, item) for item in value)), None)
    if isinstance(field, serializers.DictField):
        if not isinstance(value, dict):
            return "Must be an object."
        return next(filter(None, (type_problem(field.child, item) for item in value.values())), None)
    return None


class JSONTypesChecked(serializers.Serializer):
    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name, field in self.fields.items():
                if not field.read_only and field.field_name in data:
                    problem = type_problem(field, data[field.field_name])
                    if problem:
                        errors[name] = [problem]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

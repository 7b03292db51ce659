"""What the API's serializers share: permanent addresses, the models' own validation, and the revision check."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regulations.api.exceptions import EditConflict
from regulations.api.serializers.json_types import JSONTypesChecked
from regulations.history.locking import check_revision
from regulations.text.control_characters import reject_control_characters


def absolute(context: dict, url: str) -> str:
    """An address from get_absolute_url(), absolute when a request is at hand."""
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url


@extend_schema_field({"type": "string", "format": "uri"})
class PermanentUrlField(serializers.Field):
    """The object's permanent address on the site."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, instance):
        return absolute(self.context, instance.get_absolute_url())


def text_list(**kwargs):
    return serializers.ListField(child=serializers.CharField(), required=False, **kwargs)


class ModelValidationSerializer(JSONTypesChecked, serializers.ModelSerializer):
    """Runs the model's own validation (clean, constraints) so the API refuses what the database would,
    and refuses text with control characters that pages and the Atom feed cannot carry."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if not field.read_only:
                field.validators.append(reject_control_characters)
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        concrete = {f.name for f in model._meta.concrete_fields}
        if self.instance is not None:
            candidate = model(**{f.attname: getattr(self.instance, f.attname) for f in model._meta.concrete_fields})
            candidate._state.adding = False
        else:
            candidate = model()
        for key, value in {**attrs, **self.implicit_values()}.items():
            if key in concrete:
                setattr(candidate, key, value)
        try:
            candidate.full_clean(exclude=self.unchecked_fields(), validate_unique=True, validate_constraints=True)
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None
        return attrs

    def implicit_values(self) -> dict:
        """Values the view supplies rather than the client (e.g. the document of a provision)."""
        return {}

    def unchecked_fields(self) -> list[str]:
        return []


class RevisionChecked(serializers.Serializer):
    """Optimistic locking: an edit that names the revision it started from is refused if that is not current."""

    # The check locks the row until the end of the transaction regulations.api.mixins opens for every write.

    revision = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The revision your edit is based on. Send it back unchanged: if someone saved in the "
        "meantime, the edit is refused with 409 and the fields they changed, and nothing is overwritten.",
    )

    def update(self, instance, validated_data):
        conflict = check_revision(instance, validated_data.pop("revision", None), required=False)
        if conflict is not None:
            raise EditConflict(conflict)
        return super().update(instance, validated_data)

    def create(self, validated_data):
        validated_data.pop("revision", None)
        return super().create(validated_data)

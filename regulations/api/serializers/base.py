"""What the API's serializers share: permanent addresses, the models' own validation, and the revision check."""

import copy

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
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


def _constrained_groups(model) -> list[set[str]]:
    """The fields each uniqueness rule and constraint of the model reads (every field, where it cannot be told)."""
    every = {f.name for f in model._meta.concrete_fields}
    pk = model._meta.pk.name
    groups = [{f.name} for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    groups += [set(names) for names in model._meta.unique_together]
    for constraint in model._meta.constraints:
        condition = getattr(constraint, "condition", None)
        if getattr(constraint, "expressions", ()) or (condition is not None and not isinstance(condition, Q)):
            groups.append(every)
            continue
        names = set(getattr(constraint, "fields", ())) | (condition.referenced_base_fields if condition else set())
        groups.append({pk if name == "pk" else name for name in names})
    return groups


def full_clean(instance, exclude: set[str], settled: set[str]) -> None:
    """Model.full_clean without the reads whose answer the database already holds: the foreign keys, uniqueness
    rules and constraints of the ``settled`` fields (values the row holds, which its foreign keys, unique
    indexes and check constraints accepted when they were written, and that no constraint pairs with a
    changed field). Every field's own validators still run, and clean()."""
    errors: dict = {}

    def collect(check, **kwargs) -> None:
        nonlocal errors
        try:
            check(**kwargs)
        except DjangoValidationError as error:
            errors = error.update_error_dict(errors)

    def failed() -> set[str]:  # as in full_clean: a field that failed is not checked further
        return {name for name in errors if name != NON_FIELD_ERRORS}

    # A foreign key's check reads whether its row exists (and matches limit_choices_to, which can change).
    settled_relations = {
        f.name
        for f in instance._meta.concrete_fields
        if f.is_relation and f.name in settled and not f.remote_field.limit_choices_to
    }
    collect(instance.clean_fields, exclude=exclude | settled_relations)
    collect(instance.clean)
    collect(instance.validate_unique, exclude=exclude | settled | failed())
    collect(instance.validate_constraints, exclude=exclude | settled | failed())
    if errors:
        raise DjangoValidationError(errors)


def text_list(**kwargs):
    return serializers.ListField(child=serializers.CharField(), required=False, **kwargs)


class ModelValidationSerializer(JSONTypesChecked, serializers.ModelSerializer):
    """Runs the model's own validation (clean, constraints) so the API refuses what the database would,
    and refuses text with control characters that pages and the Atom feed cannot carry. An update asks
    the database again only about what it changes (``full_clean``): a text edit reads no other row."""

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
        # A copy of the row as loaded (with the related rows loaded with it, and what it held) takes the edit,
        # so that the instance itself is changed only by the save.
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        for key, value in {**attrs, **self.implicit_values()}.items():
            if key in concrete:
                setattr(candidate, key, value)
        try:
            full_clean(candidate, exclude=set(self.unchecked_fields()), settled=self._settled_fields(candidate))
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None
        return attrs

    def _settled_fields(self, candidate) -> set[str]:
        """The fields an update leaves as the row holds them and no constraint ties to a field it changes."""
        if self.instance is None:
            return set()
        fields = self.Meta.model._meta.concrete_fields
        changed = {f.name for f in fields if getattr(candidate, f.attname) != getattr(self.instance, f.attname)}
        tied = set().union(*(group for group in _constrained_groups(self.Meta.model) if group & changed))
        return {f.name for f in fields} - changed - tied

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

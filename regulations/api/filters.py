"""Filters the API's FilterSets share."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """?name=true or ?name=false; anything else is a 400 that says so (django-filter's own boolean filter
    ignores a value it cannot read, and answers everything as if no filter had been given)."""

    def __init__(self, **kwargs):
        super().__init__(choices=[("true", "true"), ("false", "false")], coerce=lambda value: value == "true", **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberFilter(django_filters.NumberFilter):
    """?year=2025; a fraction such as 2025.5 is a 400 (NumberFilter reads any decimal)."""

    field_class = forms.IntegerField

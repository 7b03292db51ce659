"""Filters the API's views and FilterSets share."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import SearchFilter


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


class BoundedSearchFilter(SearchFilter):
    """DRF's ?search=, refused with a 400 past MAX_SEARCH_LENGTH characters: SQLite cannot match a LIKE pattern
    longer than 50,000 bytes (a 500), and no title or heading is anywhere near that long."""

    MAX_SEARCH_LENGTH = 500

    def get_search_terms(self, request):
        value = request.query_params.get(self.search_param, "")
        if len(value) > self.MAX_SEARCH_LENGTH:
            raise ValidationError(
                {self.search_param: [f"At most {self.MAX_SEARCH_LENGTH} characters; this is {len(value):,}."]}
            )
        return super().get_search_terms(request)

"""Consultants' annotations: on their own pages, and inline on the page of the document or provision they are on."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from regulations.admin.base import TrackedAdmin, TrackedInline
from regulations.admin.forms import AnnotationAdminForm, AnnotationInlineForm, ProvisionAnnotationFormSet
from regulations.admin.preview import PREVIEW_JS
from regulations.models import Annotation


class AnnotationInline(TrackedInline, admin.StackedInline):
    model = Annotation
    form = AnnotationInlineForm
    fields = [
        ("kind", "visibility", "publication"),
        "title",
        "body",
        ("effective_date", "source_url"),
        ("author", "written_against_revision", "written_against_at"),
    ]
    readonly_fields = ["author", "written_against_revision", "written_against_at"]
    ordering = ["-effective_date", "-created_at"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class DocumentAnnotationInline(AnnotationInline):
    """The document's own annotations; those on one of its provisions are on the provision's page."""

    fk_name = "document"
    verbose_name = gettext_lazy("annotation on the whole document")
    verbose_name_plural = gettext_lazy("annotations on the whole document")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(provision__isnull=True)


class ProvisionAnnotationInline(AnnotationInline):
    fk_name = "provision"
    formset = ProvisionAnnotationFormSet


@admin.register(Annotation)
class AnnotationAdmin(TrackedAdmin):
    form = AnnotationAdminForm
    list_display = [
        "title", "kind", "subject", "visibility", "publication", "effective_date", "author", "updated_at",
    ]  # fmt: skip
    list_filter = ["kind", "visibility", "publication", ("document", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["document", "provision__document", "author"]
    search_fields = ["title", "body"]
    ordering = ["-effective_date", "-created_at"]
    date_hierarchy = "effective_date"
    autocomplete_fields = ["document", "provision"]
    readonly_fields = [
        "author", "written_against_revision", "written_against_at", "revision", "created_at", "updated_at",
    ]  # fmt: skip
    actions = ["publish_selected", "mark_selected_as_draft"]
    fieldsets = [
        (None, {"fields": ["document", "provision", "kind", "title", "body", "effective_date", "source_url"]}),
        (gettext_lazy("Audience"), {"fields": ["visibility", "publication"]}),
        (
            gettext_lazy("Record"),
            {
                "fields": [
                    "author",
                    ("written_against_revision", "written_against_at"),
                    ("revision", "created_at", "updated_at"),
                ]
            },
        ),
    ]

    class Media:
        js = PREVIEW_JS

    @admin.display(description=gettext_lazy("subject"))
    def subject(self, obj):
        return obj.subject

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

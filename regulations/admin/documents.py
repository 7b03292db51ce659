"""Documents, with their issuers, dates, provision tree, outgoing relations and annotations on one page."""

from django.contrib import admin
from django.db.models import Count

from regulations.admin.annotations import DocumentAnnotationInline
from regulations.admin.base import TrackedAdmin
from regulations.admin.forms import CheckedModelForm, DocumentAdminForm
from regulations.admin.preview import PREVIEW_JS, preview_urls
from regulations.admin.provisions import ProvisionInline
from regulations.admin.relations import RelationInline
from regulations.models import Document, DocumentDate, DocumentIssuer


class DocumentIssuerInline(admin.TabularInline):
    form = CheckedModelForm
    model = DocumentIssuer
    fields = ["authority", "role", "position"]
    autocomplete_fields = ["authority"]
    ordering = ["position"]
    extra = 0


class DocumentDateInline(admin.TabularInline):
    form = CheckedModelForm
    model = DocumentDate
    fields = ["kind", "date", "precision", "verified"]
    ordering = ["date", "kind"]
    extra = 0


@admin.register(Document)
class DocumentAdmin(TrackedAdmin):
    form = DocumentAdminForm
    list_display = [
        "short_title", "slug", "kind", "jurisdiction", "status", "publication", "doc_number", "year", "provision_count",
    ]  # fmt: skip
    list_filter = [
        "publication", "jurisdiction", "kind", "status", "topics", "issuers", "status_verified", "doc_number_verified",
    ]  # fmt: skip
    search_fields = ["slug", "short_title", "title_en", "title_zh", "notice_title_zh", "doc_number"]
    ordering = ["slug"]
    list_select_related = ["superseded_by"]
    autocomplete_fields = ["superseded_by"]
    readonly_fields = ["revision", "updated_at"]
    filter_horizontal = ["topics"]
    prepopulated_fields = {"slug": ["short_title"]}
    inlines = [DocumentIssuerInline, DocumentDateInline, ProvisionInline, RelationInline, DocumentAnnotationInline]
    actions = ["publish_selected", "mark_selected_as_draft"]
    fieldsets = [
        (None, {"fields": ["slug", "short_title", "kind", "form", "level", "jurisdiction", "language", "topics"]}),
        ("Titles", {"fields": ["title_en", "title_zh", "title_note", "notice_title_en", "notice_title_zh"]}),
        ("Number", {"fields": ["doc_number", "doc_number_note", "doc_number_verified"]}),
        (
            "Status",
            {"fields": ["status", "status_detail", "status_note", "status_verified", "superseded_by", "dates_note"]},
        ),
        ("Content", {"fields": ["summary", "details", "sources"]}),
        ("Record", {"fields": ["publication", ("revision", "updated_at")]}),
    ]

    class Media:
        js = PREVIEW_JS

    def get_urls(self):
        # The preview serves every Markdown field; it needs one admin to live under, and this is the first.
        return [*preview_urls(self.admin_site), *super().get_urls()]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(provision_count=Count("provisions", distinct=True))
            .prefetch_related("dates")
        )

    @admin.display(description="year")
    def year(self, obj):
        return obj.year

    @admin.display(description="provisions", ordering="provision_count")
    def provision_count(self, obj):
        return obj.provision_count


@admin.register(DocumentIssuer)
class DocumentIssuerAdmin(admin.ModelAdmin):
    form = CheckedModelForm
    list_display = ["document", "authority", "role", "position"]
    list_filter = [("authority", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["document", "authority"]
    search_fields = ["document__slug", "document__short_title", "authority__abbreviation", "authority__name_en"]
    ordering = ["document__slug", "position"]
    autocomplete_fields = ["document", "authority"]


@admin.register(DocumentDate)
class DocumentDateAdmin(admin.ModelAdmin):
    form = CheckedModelForm
    list_display = ["document", "kind", "display", "precision", "verified"]
    list_filter = ["kind", "precision", "verified"]
    list_select_related = ["document"]
    search_fields = ["document__slug", "document__short_title"]
    ordering = ["date", "kind"]
    date_hierarchy = "date"
    autocomplete_fields = ["document"]

    @admin.display(description="date", ordering="date")
    def display(self, obj):
        return obj.display

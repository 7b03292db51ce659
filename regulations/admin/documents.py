"""Documents, with their issuers, dates, provision tree, outgoing relations and annotations on one page."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from regulations.admin.annotations import DocumentAnnotationInline
from regulations.admin.base import TrackedAdmin
from regulations.admin.forms import CheckedModelForm, DocumentAdminForm, LegalEventForm
from regulations.admin.preview import PREVIEW_JS, preview_urls
from regulations.admin.provisions import ProvisionInline
from regulations.admin.relations import RelationInline
from regulations.models import Document, DocumentIssuer, LegalEvent


class DocumentIssuerInline(admin.TabularInline):
    form = CheckedModelForm
    model = DocumentIssuer
    fields = ["authority", "role", "position"]
    autocomplete_fields = ["authority"]
    ordering = ["position"]
    extra = 0


class LegalEventInline(admin.StackedInline):
    """The document's legal life, one event per row: what happened, when, by which instrument, affecting what."""

    model = LegalEvent
    form = LegalEventForm
    fk_name = "document"
    fields = [("kind", "date", "precision", "verified"), ("instrument", "by"), "provisions", "note", "source_url"]
    autocomplete_fields = ["by", "provisions"]
    ordering = ["date", "position"]
    extra = 0


@admin.register(Document)
class DocumentAdmin(TrackedAdmin):
    form = DocumentAdminForm
    list_display = [
        "short_title", "slug", "kind", "rank", "jurisdiction", "status_today", "publication", "doc_number", "year",
        "provision_count",
    ]  # fmt: skip
    list_filter = [
        "publication", "jurisdiction", "rank", "kind", "topics", "issuers", "doc_number_verified",
    ]  # fmt: skip
    search_fields = ["slug", "short_title", "title_en", "title_zh", "notice_title_zh", "doc_number"]
    ordering = ["slug"]
    readonly_fields = ["revision", "updated_at", "status_today"]
    filter_horizontal = ["topics"]
    prepopulated_fields = {"slug": ["short_title"]}
    inlines = [DocumentIssuerInline, LegalEventInline, ProvisionInline, RelationInline, DocumentAnnotationInline]
    actions = ["publish_selected", "mark_selected_as_draft"]
    fieldsets = [
        (
            None,
            {"fields": ["slug", "short_title", "kind", "form", "rank", "level", "jurisdiction", "language", "topics"]},
        ),
        (
            gettext_lazy("Titles"),
            {
                "fields": [
                    "title_en",
                    "title_zh",
                    "alternative_titles",
                    "title_note",
                    "notice_title_en",
                    "notice_title_zh",
                ]
            },
        ),
        (gettext_lazy("Number"), {"fields": ["doc_number", "doc_number_note", "doc_number_verified"]}),
        (gettext_lazy("Validity"), {"fields": ["status_today", "status_note", "dates_note"]}),
        (gettext_lazy("Sources"), {"fields": ["official_url", "official_publisher", "eli", "sources"]}),
        (gettext_lazy("Content"), {"fields": ["summary", "details"]}),
        (gettext_lazy("Record"), {"fields": ["publication", ("revision", "updated_at")]}),
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
            .prefetch_related("events__by")
        )

    @admin.display(description=gettext_lazy("status today"))
    def status_today(self, obj):
        return obj.validity().text if obj.pk else "—"

    @admin.display(description=gettext_lazy("year"))
    def year(self, obj):
        return obj.year

    @admin.display(description=gettext_lazy("provisions"), ordering="provision_count")
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


@admin.register(LegalEvent)
class LegalEventAdmin(SimpleHistoryAdmin):
    """Every legal event, to record one on its own (say, an amendment) or to review them all; kept in history."""

    form = LegalEventForm
    list_display = ["document", "kind", "display", "instrument", "by", "verified"]
    list_filter = ["kind", "precision", "verified"]
    list_select_related = ["document", "by"]
    search_fields = ["document__slug", "document__short_title", "instrument", "note"]
    ordering = ["-date", "document__slug"]
    date_hierarchy = "date"
    autocomplete_fields = ["document", "by", "provisions"]
    fields = [("document", "kind"), ("date", "precision", "verified"), ("instrument", "by"), "provisions", "note"]
    fields += ["source_url", "position"]

    @admin.display(description=gettext_lazy("date"), ordering="date")
    def display(self, obj):
        return obj.display

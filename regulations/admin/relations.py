"""Relations between documents and provisions: on their own pages, and as the outgoing ones on a document's page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from regulations.admin.base import TrackedAdmin, TrackedInline
from regulations.admin.forms import RelationAdminForm, RelationInlineForm
from regulations.models import Relation


class RelationInline(TrackedInline, admin.StackedInline):
    """The document's outgoing relations (those it, or one of its provisions, asserts)."""

    model = Relation
    form = RelationInlineForm
    fk_name = "source_document"
    verbose_name = gettext_lazy("outgoing relation")
    verbose_name_plural = gettext_lazy("outgoing relations")
    fields = [
        ("type", "source_provision"),
        ("target_document", "target_provision"),
        "note",
        ("asserted_by", "asserted_on", "position"),
    ]
    autocomplete_fields = ["type", "source_provision", "target_document", "target_provision"]
    ordering = ["position"]
    extra = 0
    show_change_link = True
    classes = ["collapse"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "type", "source_document", "source_provision__document", "target_document", "target_provision__document"
            )
        )


@admin.register(Relation)
class RelationAdmin(TrackedAdmin):
    form = RelationAdminForm
    list_display = ["__str__", "type", "source_document", "target_document", "asserted_by", "asserted_on"]
    list_filter = ["type", "asserted_by"]
    list_select_related = ["type", "source_document", "source_provision", "target_document", "target_provision"]
    search_fields = [
        "note",
        "source_document__slug",
        "source_document__short_title",
        "source_provision__eid",
        "target_document__slug",
        "target_document__short_title",
        "target_provision__eid",
    ]
    ordering = ["source_document__slug", "position"]
    autocomplete_fields = ["type", "source_document", "source_provision", "target_document", "target_provision"]
    readonly_fields = ["revision"]
    fieldsets = [
        (None, {"fields": ["type", ("source_document", "source_provision"), ("target_document", "target_provision")]}),
        (gettext_lazy("Assertion"), {"fields": ["note", ("asserted_by", "asserted_on"), "position", "revision"]}),
    ]

    def view_on_site(self, obj):
        return obj.source_label.get_absolute_url()

"""Provisions and their targets: their own pages, the provision tree on a document's page, targets on a provision's."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext, gettext_lazy

from regulations.admin.annotations import ProvisionAnnotationInline
from regulations.admin.base import TrackedAdmin, TrackedInline, indented
from regulations.admin.forms import (
    ProvisionAdminForm,
    ProvisionInlineForm,
    ProvisionInlineFormSet,
    TargetAdminForm,
    TargetInlineForm,
)
from regulations.admin.preview import PREVIEW_JS
from regulations.admin.widgets import CompactSelect
from regulations.models import Provision, Target


def outline_label(provision: Provision) -> str:
    """'— — 2.7.2 Heading' style label that shows a provision's place in its tree."""
    number = provision.num or provision.eid
    return f"{'— ' * provision.depth}{number} {provision.heading_en}"


def outline(provision: Provision):
    return indented(provision.depth, f"{provision.num or '·'} {provision.heading_en}")


class ProvisionInline(TrackedInline, admin.TabularInline):
    """The document's provision tree, compact: full editing happens on the provision's own page."""

    model = Provision
    form = ProvisionInlineForm
    formset = ProvisionInlineFormSet
    fields = ["outline", "eid", "num", "heading_en", "kind", "position", "parent"]
    readonly_fields = ["outline"]
    ordering = ["position"]
    extra = 0
    show_change_link = True
    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("parent", "kind"):
            kwargs["widget"] = CompactSelect
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("outline"))
    def outline(self, obj):
        return "" if obj.pk is None else outline(obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        parent = formset.form.base_fields["parent"]
        # A parent is chosen among this document's provisions only; labels show the tree.
        parent.queryset = Provision.objects.filter(document=obj) if obj else Provision.objects.none()
        parent.choices = [("", gettext("— top level —"))] + [
            (provision.pk, outline_label(provision)) for provision in parent.queryset.order_by("position")
        ]
        return formset


class TargetInline(TrackedInline, admin.StackedInline):
    model = Target
    form = TargetInlineForm
    ordering = ["position"]
    extra = 0
    fields = [
        ("metric", "metric_zh"),
        "scope",
        ("baseline_year", "baseline_value"),
        ("target_year", "value", "unit"),
        ("comparison", "direction"),
        "description",
        ("verified", "position"),
        "note",
    ]


@admin.register(Provision)
class ProvisionAdmin(TrackedAdmin):
    form = ProvisionAdminForm
    list_display = ["outline", "document", "eid", "kind", "publication", "verified", "target_count"]
    list_display_links = ["outline"]
    list_filter = ["publication", "document", "kind", "verified", "industries"]
    list_select_related = ["document"]
    search_fields = [
        "eid",
        "num",
        "heading_en",
        "heading_zh",
        "heading_official_en",
        "text",
        "document__slug",
        "document__short_title",
    ]
    ordering = ["document__slug", "position"]
    autocomplete_fields = ["document", "parent", "industries"]
    readonly_fields = ["depth", "revision", "updated_at", "status_today"]
    inlines = [TargetInline, ProvisionAnnotationInline]
    actions = ["publish_selected", "mark_selected_as_draft"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "document",
                    "parent",
                    ("eid", "num"),
                    ("position", "depth"),
                    "kind",
                    "status_today",
                    "publication",
                ]
            },
        ),
        (
            gettext_lazy("Headings"),
            {"fields": ["heading_en", "heading_zh", "heading_zh_note", "heading_official_en", "articles"]},
        ),
        (
            gettext_lazy("Content"),
            {"fields": ["text", "text_original", "key_terms", "responsible_agencies", "industries"]},
        ),
        (gettext_lazy("Research"), {"fields": ["verified", "note", "details", ("revision", "updated_at")]}),
    ]

    class Media:
        js = PREVIEW_JS

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document").annotate(target_count=Count("targets"))

    @admin.display(description=gettext_lazy("status today"))
    def status_today(self, obj):
        return obj.validity().text if obj.pk else "—"

    @admin.display(description=gettext_lazy("provision"), ordering="position")
    def outline(self, obj):
        return outline(obj)

    @admin.display(description=gettext_lazy("targets"), ordering="target_count")
    def target_count(self, obj):
        return obj.target_count


@admin.register(Target)
class TargetAdmin(TrackedAdmin):
    form = TargetAdminForm
    list_display = ["metric", "provision", "baseline_year", "target_year", "value_display", "unit", "direction"]
    list_filter = ["direction", "target_year", "verified", ("provision__document", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["provision__document"]
    search_fields = ["metric", "metric_zh", "scope", "description", "provision__eid", "provision__heading_en"]
    ordering = ["provision__document__slug", "provision__position", "position"]
    autocomplete_fields = ["provision"]
    readonly_fields = ["revision"]
    fieldsets = [
        (None, {"fields": ["provision", "position"]}),
        (
            gettext_lazy("Target"),
            {
                "fields": [
                    ("metric", "metric_zh"),
                    "scope",
                    ("baseline_year", "baseline_value"),
                    ("target_year", "value", "unit"),
                    ("comparison", "direction"),
                    "description",
                ]
            },
        ),
        (gettext_lazy("Research"), {"fields": ["verified", "note", "revision"]}),
    ]

    @admin.display(description=gettext_lazy("value"), ordering="value")
    def value_display(self, obj):
        return obj.value_display

    def view_on_site(self, obj):
        return obj.provision.get_absolute_url()

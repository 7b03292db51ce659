"""The admin: the consultants' editor of the corpus.

Edits made here live in the database; `manage.py export_regulations` writes them back to the
corpus files. Model clean() methods and the forms in regulations.forms turn what the database
would refuse (a cycle in a provision tree, a parent in another document…) into field errors.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from regulations.forms import (
    CompactSelect,
    DocumentAdminForm,
    GlossaryTermAdminForm,
    IndustryAdminForm,
    ProvisionAdminForm,
    ProvisionInlineFormSet,
    TargetAdminForm,
    outline_label,
)
from regulations.models import (
    Authority,
    Document,
    DocumentDate,
    DocumentIssuer,
    GlossaryTerm,
    Industry,
    Provision,
    Relation,
    RelationType,
    Target,
    Topic,
)

admin.site.site_header = "Rulebook editor"
admin.site.site_title = "Rulebook editor"
admin.site.index_title = "Corpus"

INDENT_EM = 1.5


def indented(depth: int, text: str):
    return format_html('<span style="padding-left: {}em">{}</span>', depth * INDENT_EM, text)


# -- reference lists ----------------------------------------------------------------------


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["abbreviation", "name_en", "name_zh", "short_name_zh", "slug", "document_count"]
    search_fields = ["slug", "abbreviation", "name_en", "name_zh", "short_name_zh"]
    ordering = ["abbreviation", "name_zh"]
    prepopulated_fields = {"slug": ["abbreviation"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_count=Count("documents", distinct=True))

    @admin.display(description="documents", ordering="document_count")
    def document_count(self, obj):
        return obj.document_count


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_zh", "slug", "position", "document_count"]
    list_editable = ["position"]
    search_fields = ["slug", "name_en", "name_zh", "description"]
    ordering = ["position", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_count=Count("documents", distinct=True))

    @admin.display(description="documents", ordering="document_count")
    def document_count(self, obj):
        return obj.document_count


@admin.register(RelationType)
class RelationTypeAdmin(admin.ModelAdmin):
    list_display = ["slug", "verb", "reverse_verb", "symmetric", "position"]
    list_editable = ["position"]
    list_filter = ["symmetric"]
    search_fields = ["slug", "verb", "reverse_verb"]
    ordering = ["position"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    form = IndustryAdminForm
    list_display = ["outline", "name_zh", "slug", "parent", "gbt4754_verified", "isic_verified", "provision_count"]
    list_filter = ["gbt4754_verified", "isic_verified", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent__parent"]
    search_fields = ["slug", "name_en", "name_zh", "aliases", "note"]
    ordering = ["position"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["slug", "name_en", "name_zh", "parent", "position", "aliases", "note"]}),
        (
            "Classification codes",
            {
                "fields": [
                    ("gbt4754_divisions", "gbt4754_classes"),
                    ("gbt4754_verified", "gbt4754_note"),
                    ("isic_divisions", "isic_classes"),
                    ("isic_verified", "isic_note"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(provision_count=Count("provisions", distinct=True))

    @admin.display(description="industry", ordering="position")
    def outline(self, obj):
        depth, parent = 0, obj.parent
        while parent is not None and depth < 10:
            depth, parent = depth + 1, parent.parent
        return indented(depth, obj.name_en)

    @admin.display(description="provisions", ordering="provision_count")
    def provision_count(self, obj):
        return obj.provision_count


# -- documents ------------------------------------------------------------------------------


class DocumentIssuerInline(admin.TabularInline):
    model = DocumentIssuer
    fields = ["authority", "role", "position"]
    autocomplete_fields = ["authority"]
    ordering = ["position"]
    extra = 0


class DocumentDateInline(admin.TabularInline):
    model = DocumentDate
    fields = ["kind", "date", "precision", "verified"]
    ordering = ["date", "kind"]
    extra = 0


class ProvisionInline(admin.TabularInline):
    """The document's provision tree, compact: full editing happens on the provision's own page."""

    model = Provision
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

    @admin.display(description="outline")
    def outline(self, obj):
        if obj.pk is None:
            return ""
        return indented(obj.depth, f"{obj.num or '·'} {obj.heading_en}")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        parent = formset.form.base_fields["parent"]
        # A parent is chosen among this document's provisions only; labels show the tree.
        parent.queryset = Provision.objects.filter(document=obj) if obj else Provision.objects.none()
        parent.choices = [("", "— top level —")] + [
            (provision.pk, outline_label(provision)) for provision in parent.queryset.order_by("position")
        ]
        return formset


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentAdminForm
    list_display = ["short_title", "slug", "kind", "jurisdiction", "status", "doc_number", "year", "provision_count"]
    list_filter = ["jurisdiction", "kind", "status", "topics", "issuers", "status_verified", "doc_number_verified"]
    search_fields = ["slug", "short_title", "title_en", "title_zh", "notice_title_zh", "doc_number"]
    ordering = ["slug"]
    list_select_related = ["superseded_by"]
    autocomplete_fields = ["superseded_by"]
    readonly_fields = ["updated_at"]
    filter_horizontal = ["topics"]
    prepopulated_fields = {"slug": ["short_title"]}
    inlines = [DocumentIssuerInline, DocumentDateInline, ProvisionInline]
    fieldsets = [
        (None, {"fields": ["slug", "short_title", "kind", "form", "level", "jurisdiction", "language", "topics"]}),
        ("Titles", {"fields": ["title_en", "title_zh", "title_note", "notice_title_en", "notice_title_zh"]}),
        ("Number", {"fields": ["doc_number", "doc_number_note", "doc_number_verified"]}),
        (
            "Status",
            {"fields": ["status", "status_detail", "status_note", "status_verified", "superseded_by", "dates_note"]},
        ),
        ("Content", {"fields": ["summary", "details", "sources"]}),
        ("Record", {"fields": ["updated_at"]}),
    ]

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

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Provision:
            Provision.objects.recompute_depths(form.instance.pk)


@admin.register(DocumentIssuer)
class DocumentIssuerAdmin(admin.ModelAdmin):
    list_display = ["document", "authority", "role", "position"]
    list_filter = [("authority", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["document", "authority"]
    search_fields = ["document__slug", "document__short_title", "authority__abbreviation", "authority__name_en"]
    ordering = ["document__slug", "position"]
    autocomplete_fields = ["document", "authority"]


@admin.register(DocumentDate)
class DocumentDateAdmin(admin.ModelAdmin):
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


# -- provisions -----------------------------------------------------------------------------


class TargetInline(admin.StackedInline):
    model = Target
    form = TargetAdminForm
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
class ProvisionAdmin(admin.ModelAdmin):
    form = ProvisionAdminForm
    list_display = ["outline", "document", "eid", "kind", "status", "verified", "target_count"]
    list_display_links = ["outline"]
    list_filter = ["document", "kind", "status", "verified", "industries"]
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
    readonly_fields = ["depth", "updated_at"]
    inlines = [TargetInline]
    fieldsets = [
        (None, {"fields": ["document", "parent", ("eid", "num"), ("position", "depth"), "kind", "status"]}),
        (
            "Headings",
            {"fields": ["heading_en", "heading_zh", "heading_zh_note", "heading_official_en", "articles"]},
        ),
        ("Content", {"fields": ["text", "key_terms", "responsible_agencies", "industries"]}),
        ("Research", {"fields": ["verified", "note", "details", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document").annotate(target_count=Count("targets"))

    @admin.display(description="provision", ordering="position")
    def outline(self, obj):
        return indented(obj.depth, f"{obj.num or '·'} {obj.heading_en}")

    @admin.display(description="targets", ordering="target_count")
    def target_count(self, obj):
        return obj.target_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Provision.objects.recompute_depths(obj.document_id)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    form = TargetAdminForm
    list_display = ["metric", "provision", "baseline_year", "target_year", "value_display", "unit", "direction"]
    list_filter = ["direction", "target_year", "verified", ("provision__document", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["provision__document"]
    search_fields = ["metric", "metric_zh", "scope", "description", "provision__eid", "provision__heading_en"]
    ordering = ["provision__document__slug", "provision__position", "position"]
    autocomplete_fields = ["provision"]

    @admin.display(description="value", ordering="value")
    def value_display(self, obj):
        return obj.value_display


# -- links ----------------------------------------------------------------------------------


@admin.register(Relation)
class RelationAdmin(admin.ModelAdmin):
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
    fieldsets = [
        (None, {"fields": ["type", ("source_document", "source_provision"), ("target_document", "target_provision")]}),
        ("Assertion", {"fields": ["note", ("asserted_by", "asserted_on"), "position"]}),
    ]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    form = GlossaryTermAdminForm
    list_display = ["term_en", "term_zh", "slug", "position"]
    search_fields = ["slug", "term_en", "term_zh", "abbreviations", "synonyms_en", "synonyms_zh", "definition"]
    ordering = ["position", "term_en"]
    autocomplete_fields = ["see_provisions"]
    prepopulated_fields = {"slug": ["term_en"]}
    fieldsets = [
        (None, {"fields": ["slug", "term_en", "term_zh", "position"]}),
        ("Other names", {"fields": ["abbreviations", "synonyms_en", "synonyms_zh"]}),
        ("Meaning", {"fields": ["definition", "note", "see_provisions"]}),
    ]

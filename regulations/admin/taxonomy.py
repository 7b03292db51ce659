"""The reference lists the corpus is filed under: authorities, topics, industries, relation types, the glossary."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy

from regulations.admin.base import indented
from regulations.admin.forms import CheckedModelForm, GlossaryTermAdminForm, IndustryAdminForm
from regulations.models import Authority, GlossaryTerm, Industry, RelationType, Topic


class DocumentCountAdmin(admin.ModelAdmin):
    """Lists how many documents each entry is linked to (authorities issue them, topics group them)."""

    form = CheckedModelForm

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_count=Count("documents", distinct=True))

    @admin.display(description=gettext_lazy("documents"), ordering="document_count")
    def document_count(self, obj):
        return obj.document_count


@admin.register(Authority)
class AuthorityAdmin(DocumentCountAdmin):
    list_display = ["abbreviation", "name_en", "name_zh", "short_name_zh", "slug", "document_count"]
    search_fields = ["slug", "abbreviation", "name_en", "name_zh", "short_name_zh"]
    ordering = ["abbreviation", "name_zh"]
    prepopulated_fields = {"slug": ["abbreviation"]}


@admin.register(Topic)
class TopicAdmin(DocumentCountAdmin):
    list_display = ["name_en", "name_zh", "slug", "position", "document_count"]
    list_editable = ["position"]
    search_fields = ["slug", "name_en", "name_zh", "description"]
    ordering = ["position", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(RelationType)
class RelationTypeAdmin(admin.ModelAdmin):
    form = CheckedModelForm
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
            gettext_lazy("Classification codes"),
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

    @admin.display(description=gettext_lazy("industry"), ordering="position")
    def outline(self, obj):
        depth, parent = 0, obj.parent
        while parent is not None and depth < 10:
            depth, parent = depth + 1, parent.parent
        return indented(depth, obj.name_en)

    @admin.display(description=gettext_lazy("provisions"), ordering="provision_count")
    def provision_count(self, obj):
        return obj.provision_count


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
        (gettext_lazy("Other names"), {"fields": ["abbreviations", "synonyms_en", "synonyms_zh"]}),
        (gettext_lazy("Meaning"), {"fields": ["definition", "note", "see_provisions"]}),
    ]

from django.contrib import admin
from django.utils.translation import gettext_lazy

from search.models import RankingSettings


@admin.register(RankingSettings)
class RankingSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "boost_heading", "boost_body", "any_word_fallback", "snippet_length", "page_size"]
    fieldsets = [
        (
            gettext_lazy("Field boosts"),
            {
                "fields": ["boost_num", "boost_heading", "boost_glossary", "boost_title", "boost_body", "boost_meta"],
                "description": gettext_lazy(
                    "How much a match in each part counts. Takes effect within a few seconds, no reindex."
                ),
            },
        ),
        (gettext_lazy("Results"), {"fields": ["any_word_fallback", "snippet_length", "page_size"]}),
    ]

    def has_add_permission(self, request):
        return not RankingSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

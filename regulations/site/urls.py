from django.urls import path, register_converter

from regulations.history import linkcheck
from regulations.site import feeds, views


class DayConverter:
    """A calendar date in an address, e.g. @2024-01-31; whether it is a real date is checked by the view."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(DayConverter, "day")

app_name = "regulations"
urlpatterns = [
    path("", views.home, name="home"),
    path("documents/", views.document_list, name="document-list"),
    path("documents/<slug:slug>/", views.document_detail, name="document-detail"),
    path("documents/<slug:slug>/export.json", views.document_export_json, name="document-export-json"),
    path("documents/<slug:slug>/export.md", views.document_export_markdown, name="document-export-markdown"),
    path("documents/<slug:slug>/@<day:day>/", views.document_pinned, name="document-pinned"),
    path("documents/<slug:slug>/history/", views.document_history, name="document-history"),
    path("documents/<slug:slug>/compare/", views.document_compare, name="document-compare"),
    path("documents/<slug:slug>/<slug:eid>/", views.provision_detail, name="provision-detail"),
    path("documents/<slug:slug>/<slug:eid>/@<day:day>/", views.provision_pinned, name="provision-pinned"),
    path("documents/<slug:slug>/<slug:eid>/history/", views.provision_history, name="provision-history"),
    path("documents/<slug:slug>/<slug:eid>/compare/", views.provision_compare, name="provision-compare"),
    path("industries/", views.industry_list, name="industry-list"),
    path("industries/<slug:slug>/", views.industry_detail, name="industry-detail"),
    path("targets/", views.target_list, name="target-list"),
    path("targets/export.csv", views.target_export_csv, name="target-export-csv"),
    path("glossary/", views.glossary, name="glossary"),
    path("changes/", feeds.recent_changes_view, name="changes"),
    path("changes/feed/", feeds.ChangesFeed(), name="changes-feed"),
    path("links/check/", linkcheck.link_check_view, name="link-check"),
]

from django.urls import path, register_converter

from regulations.site.views import changes, documents, glossary, home, industries, links, provisions, targets


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
    path("", home.home, name="home"),
    path("documents/", documents.document_list, name="document-list"),
    path("documents/<slug:slug>/", documents.document_detail, name="document-detail"),
    path("documents/<slug:slug>/export.json", documents.document_export_json, name="document-export-json"),
    path("documents/<slug:slug>/export.md", documents.document_export_markdown, name="document-export-markdown"),
    path("documents/<slug:slug>/@<day:day>/", documents.document_pinned, name="document-pinned"),
    path("documents/<slug:slug>/history/", documents.document_history, name="document-history"),
    path("documents/<slug:slug>/compare/", documents.document_compare, name="document-compare"),
    path("documents/<slug:slug>/<slug:eid>/", provisions.provision_detail, name="provision-detail"),
    path("documents/<slug:slug>/<slug:eid>/@<day:day>/", provisions.provision_pinned, name="provision-pinned"),
    path("documents/<slug:slug>/<slug:eid>/history/", provisions.provision_history, name="provision-history"),
    path("documents/<slug:slug>/<slug:eid>/compare/", provisions.provision_compare, name="provision-compare"),
    path("industries/", industries.industry_list, name="industry-list"),
    path("industries/<slug:slug>/", industries.industry_detail, name="industry-detail"),
    path("targets/", targets.target_list, name="target-list"),
    path("targets/export.csv", targets.target_export_csv, name="target-export-csv"),
    path("glossary/", glossary.glossary, name="glossary"),
    path("changes/", changes.recent_changes_page, name="changes"),
    path("changes/feed/", changes.ChangesFeed(), name="changes-feed"),
    path("links/check/", links.link_check, name="link-check"),
]

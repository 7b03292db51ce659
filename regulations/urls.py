from django.urls import path

from regulations import views

app_name = "regulations"
urlpatterns = [
    path("", views.home, name="home"),
    path("documents/", views.document_list, name="document-list"),
    path("documents/<slug:slug>/", views.document_detail, name="document-detail"),
    path("documents/<slug:slug>/export.json", views.document_export_json, name="document-export-json"),
    path("documents/<slug:slug>/export.md", views.document_export_markdown, name="document-export-markdown"),
    path("documents/<slug:slug>/<slug:eid>/", views.provision_detail, name="provision-detail"),
    path("industries/", views.industry_list, name="industry-list"),
    path("industries/<slug:slug>/", views.industry_detail, name="industry-detail"),
    path("targets/", views.target_list, name="target-list"),
    path("targets/export.csv", views.target_export_csv, name="target-export-csv"),
    path("glossary/", views.glossary, name="glossary"),
]

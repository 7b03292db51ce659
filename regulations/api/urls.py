from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from regulations.api import views as api
from regulations.api.linkcheck import LinkCheckAPIView

router = DefaultRouter()
router.register("documents", api.DocumentViewSet, basename="document")
router.register("provisions", api.AllProvisionViewSet, basename="provision")
router.register("targets", api.TargetViewSet, basename="target")
router.register("industries", api.IndustryViewSet, basename="industry")
router.register("relations", api.RelationViewSet, basename="relation")
router.register("glossary", api.GlossaryTermViewSet, basename="glossaryterm")
router.register("annotations", api.AnnotationViewSet, basename="annotation")

document_provisions = api.ProvisionViewSet.as_view({"get": "list", "post": "create"})
document_provision = api.ProvisionViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("changes/", api.ChangeList.as_view(), name="changes"),
    path("links/check/", LinkCheckAPIView.as_view(), name="link-check"),
    path("documents/<slug:document_slug>/provisions/", document_provisions, name="document-provisions"),
    path(
        "documents/<slug:document_slug>/provisions/<str:eid>/",
        document_provision,
        name="document-provision",
    ),
    *router.urls,
]

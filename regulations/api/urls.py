from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from regulations.api.exceptions import NoSuchEndpoint
from regulations.api.linkcheck import LinkCheckAPIView
from regulations.api.views.annotations import AnnotationViewSet
from regulations.api.views.changes import ChangeList
from regulations.api.views.documents import AllProvisionViewSet, DocumentViewSet, ProvisionViewSet
from regulations.api.views.relations import RelationViewSet
from regulations.api.views.targets import TargetViewSet
from regulations.api.views.taxonomy import GlossaryTermViewSet, IndustryViewSet

router = DefaultRouter()
router.register("documents", DocumentViewSet, basename="document")
router.register("provisions", AllProvisionViewSet, basename="provision")
router.register("targets", TargetViewSet, basename="target")
router.register("industries", IndustryViewSet, basename="industry")
router.register("relations", RelationViewSet, basename="relation")
router.register("glossary", GlossaryTermViewSet, basename="glossaryterm")
router.register("annotations", AnnotationViewSet, basename="annotation")

document_provisions = ProvisionViewSet.as_view({"get": "list", "post": "create"})
document_provision = ProvisionViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("changes/", ChangeList.as_view(), name="changes"),
    path("links/check/", LinkCheckAPIView.as_view(), name="link-check"),
    path("documents/<slug:document_slug>/provisions/", document_provisions, name="document-provisions"),
    path(
        "documents/<slug:document_slug>/provisions/<str:eid>/",
        document_provision,
        name="document-provision",
    ),
    *router.urls,
    # Last: any other address under /api/ answers a JSON 404 rather than the site's HTML page.
    re_path(r"^", NoSuchEndpoint.as_view(), name="no-such-endpoint"),
]

from django.contrib import admin
from django.urls import include, path

from operations.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("search.urls")),
    path("api/", include("regulations.api.urls")),
    path("", include("regulations.site.urls")),
]

handler400 = "regulations.site.views.errors.bad_request"
handler404 = "regulations.site.views.errors.not_found"
handler500 = "operations.views.server_error"

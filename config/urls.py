from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from operations.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin, the API docs).
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}img/favicon.svg", permanent=True)),
    path("admin/", admin.site.urls),
    path("", include("search.urls")),
    path("api/", include("regulations.api.urls")),
    path("", include("regulations.site.urls")),
]

handler400 = "regulations.site.views.errors.bad_request"
handler404 = "regulations.site.views.errors.not_found"
handler500 = "operations.views.server_error"

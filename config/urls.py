from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import set_language

from operations.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin, the API docs).
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}img/favicon.svg", permanent=True)),
    # The language switcher. Without a CSRF token, so that pages stay cacheable (a token sets a cookie): a
    # forged post can change no more than the interface language of the reader's browser.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("search.urls")),
    path("api/", include("regulations.api.urls")),
    path("", include("regulations.site.urls")),
]

handler400 = "regulations.site.views.errors.bad_request"
handler404 = "regulations.site.views.errors.not_found"
handler500 = "operations.views.server_error"

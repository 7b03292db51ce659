from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("search.urls")),
    path("api/", include("regulations.api_urls")),
    path("", include("regulations.urls")),
]

handler404 = "regulations.views.not_found"

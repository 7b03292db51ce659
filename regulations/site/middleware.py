"""The interface language of a request: the language switcher's cookie, else Accept-Language (Django's
LocaleMiddleware), except on the API, which always answers in English so that clients parse one language."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"


class InterfaceLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path_info.startswith(API_PREFIX):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return
        super().process_request(request)

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if not request.path_info.startswith(API_PREFIX):
            # The cookie chooses the language as much as Accept-Language does: a shared cache must key on both.
            patch_vary_headers(response, ("Cookie",))
        return response

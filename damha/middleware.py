from django.conf import settings
from django.utils import translation


class CookieOnlyLocaleMiddleware:
    """Activate the language chosen with the switcher, else Vietnamese.

    Django's LocaleMiddleware would also honour the browser's Accept-Language, but an
    office with an English-language browser must still get Vietnamese (DESIGN.md,
    "Settings and language"), so only the ``django_language`` cookie counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils import translation
from django.utils.translation import gettext as _

from .security import log


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


LOGIN_AT_KEY = "_damha_login_at"


class SessionLifetimeMiddleware:
    """End every session 12 hours after login (``DAMHA_SESSION_MAX_AGE``), however
    active it has been.

    The 30-minute idle limit is Django's own (``SESSION_COOKIE_AGE`` with
    ``SESSION_SAVE_EVERY_REQUEST``); this adds the absolute cap, which Django lacks.
    The login time is stamped on the first response that finds a logged-in user
    without one, which is the login request itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            login_at = request.session.get(LOGIN_AT_KEY)
            if login_at is not None and time.time() - login_at > settings.DAMHA_SESSION_MAX_AGE:
                self._expire(request)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and LOGIN_AT_KEY not in request.session:
            request.session[LOGIN_AT_KEY] = time.time()
        return response

    def _expire(self, request):
        log.info(
            "session ended user=%s after %s s since login", request.user.get_username(), settings.DAMHA_SESSION_MAX_AGE
        )
        logout(request)
        messages.warning(
            request,
            _("Phiên làm việc đã hết hạn (tối đa %(hours)d giờ kể từ khi đăng nhập). Vui lòng đăng nhập lại.")
            % {"hours": settings.DAMHA_SESSION_MAX_AGE // 3600},
        )

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils import translation
from django.utils.translation import gettext as _

from .security import log, log_refused
from .sessions import LOGIN_AT_KEY, SEEN_AT_KEY


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


class SessionLifetimeMiddleware:
    """Sessions end after 30 minutes without a request and 12 hours after login.

    - Idle limit: the session's expiry (``SESSION_COOKIE_AGE`` from its last save) is
      moved on when a request comes ``DAMHA_SESSION_REFRESH`` seconds or more after the
      last move — by saving the session then, instead of on every request
      (``SESSION_SAVE_EVERY_REQUEST``), which cost a database write per page.
    - Absolute cap (``DAMHA_SESSION_MAX_AGE``), which Django lacks: the login time is
      stamped at login (:func:`damha.sessions.stamp_login`), or on the first response that finds a
      logged-in user without one (sessions from before this stamp existed).
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
        if user is not None and user.is_authenticated:
            now = time.time()
            if LOGIN_AT_KEY not in request.session:
                request.session[LOGIN_AT_KEY] = now
            if now - request.session.get(SEEN_AT_KEY, 0) >= settings.DAMHA_SESSION_REFRESH:
                request.session[SEEN_AT_KEY] = now  # modified: saved with a new expiry
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


class RefusalLogMiddleware:
    """Log every refused request in the security log with the reason it was given.

    A view that refuses sets ``response.refused_reason`` (the 403 handler, the API's JSON
    403), so the apps need not import the project's logging.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        reason = getattr(response, "refused_reason", None)
        if reason is not None:
            log_refused(request, reason)
        return response

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from . import logs
from .security import field, log, log_refused
from .sessions import LOGIN_AT_KEY, SEEN_AT_KEY


class RequestIdMiddleware:
    """First in the chain: an id for the request, in every log line and in ``X-Request-ID``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = logs.new_request_id(request.headers.get("X-Request-ID", ""))
        token = logs.request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            logs.request_id.reset(token)
        response.headers["X-Request-ID"] = request.id
        return response


class NoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every page, API answer and download.

    The tracker shows crime figures behind a login: on a shared office computer neither the
    browser nor a proxy may keep a copy after logout. Static files (served by WhiteNoise,
    which answers before this middleware) keep their long cache lifetimes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response


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


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a request carrying the cookie of a session that no longer
    exists leaves the browser's cookie alone.

    Logging in and changing the password give the session a new key and delete the old
    one. A request the browser sent before with the old cookie (the service worker's
    update check of /sw.js, a page's background fetch) and answered after would make
    Django's middleware delete "the" session cookie — by then the new one — and the user,
    just logged in or just given a new password, finds themselves logged out. Such a
    request has nothing to save: its answer simply sets no cookie. A logout (the session
    flushed by the request itself) still deletes the cookie.
    """

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if (
            session is not None
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and session.session_key is None  # the cookie's session was not found
            and not session.modified
        ):
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)


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
            "session ended user=%s after %s s since login",
            field(request.user.get_username()),
            settings.DAMHA_SESSION_MAX_AGE,
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

from django.shortcuts import redirect
from django.urls import reverse

from .people import MUST_CHANGE_KEY


class PasswordChangeRequiredMiddleware:
    """After a manager set a temporary password, its owner can do nothing but change it
    (the password page says why: committees.views.PasswordChangeView).

    The flag is read from the session (written at login by people.flag_forced_change),
    so ordinary requests cost no query. Logging out and switching the language stay
    possible.
    """

    ALLOWED = ("password_change", "password_change_done", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed = None

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(MUST_CHANGE_KEY) and request.user.is_authenticated:
            if self._allowed is None:
                self._allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in self._allowed:
                # No flash message here: a background request (the service worker, the
                # manifest) would queue a second copy; the password page says it itself.
                return redirect("password_change")
        return self.get_response(request)

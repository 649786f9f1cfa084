from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .people import MUST_CHANGE_KEY


class PasswordChangeRequiredMiddleware:
    """After a manager set a temporary password, its owner can do nothing but change it.

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
                messages.warning(
                    request, _("Mật khẩu của bạn là mật khẩu tạm thời. Hãy đặt mật khẩu mới trước khi tiếp tục.")
                )
                return redirect("password_change")
        return self.get_response(request)

"""The session stamps that the session-lifetime middleware reads, and the login receiver
that sets them (connected in DamhaConfig.ready(), kept apart from the middleware)."""

import time

LOGIN_AT_KEY = "_damha_login_at"
SEEN_AT_KEY = "_damha_seen_at"


def stamp_login(sender, request, user, **kwargs):
    """On login (``user_logged_in``): the login time (12-hour cap) and the last refresh."""
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[LOGIN_AT_KEY] = now
    request.session[SEEN_AT_KEY] = now


def connect():
    """Called once from DamhaConfig.ready()."""
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(stamp_login, dispatch_uid="damha.sessions.stamp_login")

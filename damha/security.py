"""Who is knocking: the client's address for django-axes, and the security log.

Every login, failed login, lockout, logout and refused access is written to the
``damha.security`` logger with the username and address, never a password
(docs/security.md).
"""

import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

log = logging.getLogger("damha.security")


def client_ip(request):
    """The address the request came from.

    Behind our reverse proxy every request arrives from the proxy, so the client is
    the entry the proxy appended to X-Forwarded-For: counted from the right, past
    ``DAMHA_PROXY_HOPS`` proxies. Entries further left were written by the client
    and are not trusted.
    """
    if settings.DAMHA_BEHIND_PROXY:
        hops = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(hops) >= settings.DAMHA_PROXY_HOPS > 0:
            return hops[-settings.DAMHA_PROXY_HOPS]
    return request.META.get("REMOTE_ADDR")


def _address(request):
    return client_ip(request) if request is not None else None


def log_login(sender, request, user, **kwargs):
    log.info("login user=%s ip=%s", user.get_username(), _address(request))


def log_logout(sender, request, user, **kwargs):
    if user is not None:
        log.info("logout user=%s ip=%s", user.get_username(), _address(request))


def log_login_failed(sender, credentials, request=None, **kwargs):
    log.warning("login failed user=%s ip=%s", credentials.get("username"), _address(request))


def log_lockout(sender, request, username, ip_address, **kwargs):
    log.warning(
        "lockout user=%s ip=%s for %s after %s failures",
        username,
        ip_address,
        settings.AXES_COOLOFF_TIME,
        settings.AXES_FAILURE_LIMIT,
    )


def log_refused(request, reason):
    user = getattr(request, "user", None)
    username = user.get_username() if user is not None and user.is_authenticated else "-"
    log.warning("refused user=%s ip=%s %s %s: %s", username, _address(request), request.method, request.path, reason)


def connect():
    """Called once from DamhaConfig.ready()."""
    user_logged_in.connect(log_login, dispatch_uid="damha.security.login")
    user_logged_out.connect(log_logout, dispatch_uid="damha.security.logout")
    user_login_failed.connect(log_login_failed, dispatch_uid="damha.security.login_failed")
    user_locked_out.connect(log_lockout, dispatch_uid="damha.security.lockout")

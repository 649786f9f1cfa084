"""Who is knocking: the client's address for django-axes, and the security log.

Every login, failed login, lockout, logout and refused access is written to the
``damha.security`` logger with the username and address, never a password
(docs/security.md).
"""

import logging
import re

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

log = logging.getLogger("damha.security")

# Longer fields are cut: a 100,000-character "username" was logged whole.
FIELD_MAX = 150
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\\]")
_NEEDS_QUOTES = re.compile(r'[\s="]')


def _escaped(match):
    char = match.group()
    if char == "\\":
        return "\\\\"
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def field(value, quote=True):
    """A value from the request as one safe token of a log line.

    Control characters (a newline would start a forged line) and backslashes are escaped,
    the value is cut at FIELD_MAX characters, and quoted when it holds a space, "=" or '"'
    (so ``user=x ip=1.2.3.4`` cannot fake a second field) unless ``quote`` is false (the
    free-text reason at the end of a line).
    """
    if value is None:
        return "-"
    text = str(value)
    cut = len(text) - FIELD_MAX
    text = text[:FIELD_MAX]
    text = _CONTROL.sub(_escaped, text)
    if cut > 0:
        text += f"…(+{cut})"
    if quote and (_NEEDS_QUOTES.search(text) or text == ""):
        text = '"' + text.replace('"', '\\"') + '"'
    return text


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
    log.info("login user=%s ip=%s", field(user.get_username()), field(_address(request)))


def log_logout(sender, request, user, **kwargs):
    if user is not None:
        log.info("logout user=%s ip=%s", field(user.get_username()), field(_address(request)))


def log_login_failed(sender, credentials, request=None, **kwargs):
    log.warning("login failed user=%s ip=%s", field(credentials.get("username")), field(_address(request)))


def log_lockout(sender, request, username, ip_address, **kwargs):
    log.warning(
        "lockout user=%s ip=%s for %s after %s failures",
        field(username),
        field(ip_address),
        settings.AXES_COOLOFF_TIME,
        settings.AXES_FAILURE_LIMIT,
    )


def log_refused(request, reason):
    user = getattr(request, "user", None)
    username = user.get_username() if user is not None and user.is_authenticated else None
    log.warning(
        "refused user=%s ip=%s %s %s: %s",
        field(username),
        field(_address(request)),
        field(request.method),
        field(request.path),
        field(reason, quote=False),
    )


def connect():
    """Called once from DamhaConfig.ready()."""
    user_logged_in.connect(log_login, dispatch_uid="damha.security.login")
    user_logged_out.connect(log_logout, dispatch_uid="damha.security.logout")
    user_login_failed.connect(log_login_failed, dispatch_uid="damha.security.login_failed")
    user_locked_out.connect(log_lockout, dispatch_uid="damha.security.lockout")

"""Settings for the Đầm Hà steering-committee target tracker.

One file, read from the environment (see README "Configuration"). Values that are
malformed are refused at start-up with a message naming the variable, rather than
silently falling back to a default.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no/on/off, not {raw!r}.")


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name, choices, default):
    value = (os.environ.get(name) or default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "csp",
    "axes",
    "damha",
    "committees",
    "indicators",
    "reports",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id (damha/logs.py).
    "damha.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files keep their cache lifetimes): no copy of any page,
    # API answer or download is kept by a browser or proxy (docs/security.md).
    "damha.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "damha.middleware.SessionMiddleware",  # Django's, a stale cookie kept (damha/middleware.py)
    "damha.middleware.CookieOnlyLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Logs the 403s (with the user, so after authentication) and their reasons.
    "damha.middleware.RefusalLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it logs out with a flash message when a session is too old.
    "damha.middleware.SessionLifetimeMiddleware",
    # A temporary password set by a manager must be changed before anything else.
    "committees.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a lockout flagged during login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out (username, address) pair before any
# password is checked (docs/security.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "damha.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "damha.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "damha.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the roll-up's recursive CTE has row estimates far above the
    # truth, which pushed its cost over jit_above_cost, and compiling took 5–7 s for a
    # statement that runs in 40 ms (docs/performance.md). Short OLTP queries never gain.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite as a real embedded database (docs/deployment.md, docs/security.md): without
    # these, 8 of 30 simultaneous submits under gunicorn answered 500 "database is locked".
    # - IMMEDIATE: a transaction takes the write lock when it begins, so two writers queue
    #   at BEGIN instead of both reading and then one failing to upgrade its lock (SQLite
    #   cannot wait for that: it fails at once, whatever the timeout);
    # - timeout: a writer waits up to DJANGO_SQLITE_TIMEOUT seconds for the lock;
    # - WAL: readers never block the writer nor wait for it (the mode is stored in the file);
    #   synchronous=NORMAL is safe with WAL (a power cut can lose the last commits, not
    #   corrupt the file).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("DJANGO_SQLITE_TIMEOUT", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
# With DEBUG off, `check --deploy` warns about SQLite (damha.W002) unless the embedded
# database is chosen on purpose: DAMHA_SQLITE_PRODUCTION=1 (one office, a few writers).
DAMHA_SQLITE_PRODUCTION = env_bool("DAMHA_SQLITE_PRODUCTION", False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The roll-up cache (indicators/datacache.py): entries are keyed by the versions of the
# data each page reads, which every write renews, so they are always correct; "off"
# computes every page afresh. "locmem" (the default, `make run`): each gunicorn worker
# keeps its own in-memory copy. "redis://host:port/db" (or "rediss://"): one cache for
# every worker and server (production behind several workers, docs/deployment.md); the
# rate-limit counters of /verify/ go there too, so the limit holds across workers. Losing
# Redis degrades to computing (indicators/cache.py), never to an error or a stale page.
_cache_setting = (os.environ.get("DAMHA_CACHE") or "locmem").strip()
if _cache_setting.lower().startswith(("redis://", "rediss://")):
    DAMHA_CACHE = "redis"
    CACHES = {
        "default": {
            "BACKEND": "indicators.cache.ResilientRedisCache",
            "LOCATION": _cache_setting,
            "KEY_PREFIX": "damha",
        },
        # While Redis is away the counters are kept per worker (FALLBACK), as with locmem:
        # the limit still holds, /verify/ still answers.
        "ratelimit": {
            "BACKEND": "indicators.cache.ResilientRedisCache",
            "LOCATION": _cache_setting,
            "KEY_PREFIX": "damha-ratelimit",
            "OPTIONS": {"FALLBACK": "damha-ratelimit"},
        },
    }
else:
    DAMHA_CACHE = _cache_setting.lower()
    if DAMHA_CACHE not in ("locmem", "off"):
        raise ImproperlyConfigured(f"DAMHA_CACHE must be locmem, off or redis://host:port/db, not {_cache_setting!r}.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
            if DAMHA_CACHE == "locmem"
            else "django.core.cache.backends.dummy.DummyCache",
            "LOCATION": "damha",
            "OPTIONS": {"MAX_ENTRIES": env_int("DAMHA_CACHE_ENTRIES", 300)},
        },
        # Counters of the public /verify/ page's rate limit: always on, whatever DAMHA_CACHE says.
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "damha-ratelimit"},
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # Django's rule with a Vietnamese message (Django's catalogue lacks its 5.2 wording).
        "NAME": "committees.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese for everyone; English only when chosen with the switcher (cookie). The
# browser's Accept-Language is deliberately ignored (see damha/middleware.py).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["damha.formats"]  # Vietnamese "1.234" and dd/mm/yyyy (damha/formats/vi)
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded attachments (signed reports, photos). Never served by URL: no MEDIA_URL route
# exists; indicators.views.attachment reads them after checking the reader's scope.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
DAMHA_ATTACHMENT_MAX_MB = env_int("DAMHA_ATTACHMENT_MAX_MB", 5)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "damha.storage.SRISafeManifestStaticFilesStorage"
        )
    },
}

# Third-party browser assets: "cdn" (pinned, with SRI) or "local" (npm copies in
# node_modules, served by whitenoise; `make assets`).
DAMHA_ASSETS = env_choice("DAMHA_ASSETS", ("cdn", "local"), "cdn")
# Only the two packages' dist folders: collecting (and compressing) all of node_modules
# took minutes and ~130 MB in production (docs/deployment.md). Served in "cdn" mode too,
# when installed: static/js/vendor-fallback.js uses them where the CDN does not load.
_VENDOR_DIRS = [
    (f"vendor/{package}/dist", BASE_DIR / "node_modules" / package / "dist") for package in ("bootstrap", "chart.js")
]
STATICFILES_DIRS += [entry for entry in _VENDOR_DIRS if DAMHA_ASSETS == "local" or entry[1].is_dir()]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "bcd-damha@localhost")
# The SMTP relay for reminders (docs/deployment.md); unused by the console backend.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
# The public address of the site, for links in e-mails (e.g. https://bcd.damha.example).
DAMHA_SITE_URL = os.environ.get("DAMHA_SITE_URL", "").rstrip("/")

# Files the application writes at run time (the demo's signing certificate); never committed.
DAMHA_DATA_DIR = Path(os.environ.get("DAMHA_DATA_DIR") or BASE_DIR / "data")


def _signing_certificate():
    """DAMHA_SIGNING_CERT (a PKCS#12 file) and DAMHA_SIGNING_PASSWORD: the committee's
    certificate that signs issued reports (docs/reports.md). Unset: reports are issued
    unsigned. Set: the file must open with the password, or the server refuses to start."""
    path = os.environ.get("DAMHA_SIGNING_CERT", "").strip()
    password = os.environ.get("DAMHA_SIGNING_PASSWORD", "")
    if not path:
        if password:
            raise ImproperlyConfigured("DAMHA_SIGNING_PASSWORD is set but DAMHA_SIGNING_CERT is not.")
        return None, ""
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ImproperlyConfigured(f"DAMHA_SIGNING_CERT: cannot read {path} ({error.strerror}).") from None
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(data, password.encode() or None)
    except ValueError:
        raise ImproperlyConfigured(
            f"DAMHA_SIGNING_CERT: {path} is not a PKCS#12 file, or DAMHA_SIGNING_PASSWORD does not open it."
        ) from None
    if key is None or certificate is None:
        raise ImproperlyConfigured(f"DAMHA_SIGNING_CERT: {path} holds no private key with its certificate.")
    return Path(path), password


DAMHA_SIGNING_CERT, DAMHA_SIGNING_PASSWORD = _signing_certificate()

# /verify/ (public): at most this many checks per client address and minute; uploads up to
# this many bytes (docs/reports.md).
DAMHA_VERIFY_PER_MINUTE = env_int("DAMHA_VERIFY_PER_MINUTE", 20)
DAMHA_VERIFY_MAX_BYTES = env_int("DAMHA_VERIFY_MAX_BYTES", 10 * 1024 * 1024)

# Logins, lockouts and refused accesses go to "damha.security" (docs/security.md);
# Django's own security events (CSRF failures, bad Host headers) to "django.security";
# server errors (500) with their tracebacks to "django.request" — Django's default sends
# those only to ADMINS by e-mail when DEBUG is off, so without this they went nowhere.
# Everything to the console (the process manager keeps it), each line with its request id;
# one JSON object per line in production (DJANGO_LOG_FORMAT=json), plain text with DEBUG.
DAMHA_LOG_FORMAT = env_choice("DJANGO_LOG_FORMAT", ("json", "plain"), "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "damha.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "damha.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": DAMHA_LOG_FORMAT, "filters": ["request_id"]},
    },
    "loggers": {
        "damha": {"handlers": ["console"], "level": "INFO"},
        "django.security": {"handlers": ["console"], "level": "WARNING"},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # Our own "damha.security" lines say the same in fewer words.
        "axes": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # /verify/ checks signatures without trust anchors on purpose: pyHanko would log a
        # path-building traceback for every check (reports/signing.py says what it means).
        "pyhanko": {"handlers": ["console"], "level": "CRITICAL", "propagate": False},
        "pyhanko_certvalidator": {"handlers": ["console"], "level": "CRITICAL", "propagate": False},
    },
}

# Behind a TLS-terminating reverse proxy (docs/deployment.md): trust its
# X-Forwarded-Proto for "is this HTTPS?" and its X-Forwarded-For for the client's
# address. DJANGO_PROXY_HOPS counts the proxies in front of the app that append to
# X-Forwarded-For (nginx alone: 1).
DAMHA_BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
DAMHA_PROXY_HOPS = env_int("DJANGO_PROXY_HOPS", 1)

# Sessions live in the database (several app servers share them) and end after 30
# minutes without a request and 12 hours after login whatever happens
# (damha.middleware.SessionLifetimeMiddleware). The expiry moves on at most once a
# minute (DAMHA_SESSION_REFRESH), not with every request: saving the session on every
# page was three queries, one of them a write, on every request (docs/performance.md);
# an idle session now ends 29 to 30 minutes after its last request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
DAMHA_SESSION_REFRESH = 60
DAMHA_SESSION_MAX_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Login throttling (django-axes): 5 failures of one username from one address lock
# that pair for 15 minutes. Locking the pair rather than the username alone keeps a
# stranger from locking a commune officer out of their own office by typing the
# officer's name five times (docs/security.md).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_CLIENT_IP_CALLABLE = "damha.security.client_ip"
AXES_COOLOFF_MESSAGE = _("Tài khoản tạm thời bị khóa vì đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.")
AXES_VERBOSE = False

# Content-Security-Policy (django-csp): no inline script or style anywhere, so a
# script injected into a page cannot run. Bootstrap and Chart.js come from the pinned
# CDN (with SRI) or from our own static files (DAMHA_ASSETS=local).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "https://cdn.jsdelivr.net"],
        "style-src": ["'self'", "https://cdn.jsdelivr.net"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Production hardening, on whenever DEBUG is off.
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Load balancers probe /healthz over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if DAMHA_BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

"""Settings for the benchmarks: the production settings as a server would run them.

Read with DJANGO_DEBUG=1 only to get the development secret key and plain static
storage (no collectstatic needed); DEBUG itself is then turned off, so no query log,
no template debugging — the code paths a production server takes. Persistent database
connections as a production deployment would configure them (DJANGO_CONN_MAX_AGE).
"""

import os
import warnings

os.environ["DJANGO_DEBUG"] = "1"
os.environ.setdefault("DATABASE_URL", "postgres://root@127.0.0.1:5432/bench_national")
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "60")

from damha.settings import *  # noqa: E402, F403 - benchmarks measure the production settings

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the bench user's login only
LOGGING = {"version": 1, "disable_existing_loggers": False}

# Static files are served from the app directories (no collectstatic for benchmarks).
warnings.filterwarnings("ignore", "No directory at")

"""Settings for the test suite: the production settings with DEBUG's development
defaults (a fixed secret key, plain static storage). Everything else, including
DATABASE_URL, comes from the environment exactly as in production."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from damha.settings import *  # noqa: E402, F403 - the one deliberate star import: tests extend production settings

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests only

# django-axes stays on; only the request-less authenticate() of Client.login() is let
# through (tests/auth_backends.py).
AUTHENTICATION_BACKENDS = ["tests.auth_backends.ClientLoginAxesBackend", "django.contrib.auth.backends.ModelBackend"]

import tempfile  # noqa: E402 - after the star import on purpose

# Uploaded attachments go to a throw-away folder, never into the work tree.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="damha-test-media-"))  # noqa: F405 - Path comes from damha.settings

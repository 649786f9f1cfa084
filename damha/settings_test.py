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

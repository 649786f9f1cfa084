#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "damha.settings")
    try:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    try:
        # Load the settings first: Django's command runner would otherwise swallow a
        # configuration error and fail later with a misleading "Models aren't loaded yet".
        settings.INSTALLED_APPS  # noqa: B018 - the attribute access loads the settings
    except ImproperlyConfigured as error:
        sys.exit(
            f"ImproperlyConfigured: {error}\n(For development: DJANGO_DEBUG=1, as `make run` sets it; see README.)"
        )
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

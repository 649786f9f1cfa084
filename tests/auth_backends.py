"""Test-only authentication backend (damha/settings_test.py).

django-axes refuses ``authenticate()`` calls without a request, and Django's test
``Client.login()`` makes exactly such a call. This subclass lets request-less calls
through (there is no address to throttle) and keeps axes fully on for every real
request, including logins through the form in tests.
"""

from axes.backends import AxesStandaloneBackend


class ClientLoginAxesBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

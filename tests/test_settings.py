"""Settings from the environment, and the language rule (DESIGN.md "Settings and language")."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETUP = "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)"


def start_django(**env):
    """Import the production settings in a fresh interpreter with exactly this environment."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DAMHA_"))}
    environ.update(DJANGO_SETTINGS_MODULE="damha.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", SETUP], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )


def test_bad_debug_value_is_refused():
    result = start_django(DJANGO_DEBUG="maybe", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 1
    assert "ImproperlyConfigured: DJANGO_DEBUG must be one of 1/0/true/false/yes/no/on/off, not 'maybe'." in (
        result.stderr
    )


def test_missing_secret_key_with_debug_off_is_refused():
    result = start_django(DJANGO_DEBUG="0")
    assert result.returncode == 1
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_debug_off_is_the_default():
    result = start_django()
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    ("env", "debug"),
    [
        ({"DJANGO_DEBUG": "1"}, "True"),
        ({"DJANGO_DEBUG": "true"}, "True"),
        ({"DJANGO_DEBUG": "off", "DJANGO_SECRET_KEY": "x" * 50}, "False"),
    ],
)
def test_good_values_start(env, debug):
    result = start_django(**env)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"DEBUG {debug}\n", "")


def test_bad_assets_mode_is_refused():
    result = start_django(DJANGO_DEBUG="1", DAMHA_ASSETS="usb")
    assert result.returncode == 1
    assert "DAMHA_ASSETS must be one of cdn, local, not 'usb'." in result.stderr


def test_bad_connection_age_is_refused():
    result = start_django(DJANGO_DEBUG="1", DJANGO_CONN_MAX_AGE="lâu")
    assert result.returncode == 1
    assert "DJANGO_CONN_MAX_AGE must be a whole number, not 'lâu'." in result.stderr


def test_settings_contract(settings):
    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE) == ("vi", "Asia/Ho_Chi_Minh")
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]


def test_english_browser_still_gets_vietnamese(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert '<h1 class="h3 mb-3">Đăng nhập</h1>' in html


def test_language_cookie_chooses_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


def test_unknown_language_cookie_falls_back_to_vietnamese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.content.decode()


def test_manage_py_without_configuration_says_why_not_models_not_loaded():
    # An empty environment (no DJANGO_DEBUG, no secret key): the command must name the
    # missing setting instead of Django's misleading "Models aren't loaded yet".
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=root,
        env={},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr
    assert "AppRegistryNotReady" not in result.stderr

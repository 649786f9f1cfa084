"""The demo-password system check (indicators/checks.py)."""

from unittest import mock

from django.contrib.auth import get_user_model
from django.core import checks
from django.db import ProgrammingError

from indicators.checks import demo_passwords
from indicators.fixtures.demo import USERS

DEMO_USERNAMES = sorted(username for username, *_rest in USERS)


def warnings_of(result):
    return [(w.id, w.msg) for w in result]


def test_warns_about_every_demo_account_with_the_demo_password(demo, settings):
    settings.DEBUG = False
    assert warnings_of(demo_passwords()) == [
        (
            "damha.W001",
            "Tài khoản mẫu vẫn dùng mật khẩu mẫu công khai: admin, congan.damha, congan.quangtan, duyet, lanhdao, vanphong.",
        )
    ]


def test_is_registered_with_the_security_checks(demo, settings):
    settings.DEBUG = False
    ids = [message.id for message in checks.run_checks(tags=[checks.Tags.security])]
    assert ids.count("damha.W001") == 1


def test_silent_once_every_demo_password_was_changed(demo, settings):
    settings.DEBUG = False
    User = get_user_model()
    for account in User.objects.filter(username__in=DEMO_USERNAMES).exclude(username="duyet"):
        account.set_password("mot-mat-khau-rieng-that-dai")
        account.save()
    assert warnings_of(demo_passwords()) == [("damha.W001", "Tài khoản mẫu vẫn dùng mật khẩu mẫu công khai: duyet.")]
    duyet = User.objects.get(username="duyet")
    duyet.set_password("mot-mat-khau-rieng-that-dai")
    duyet.save()
    assert demo_passwords() == []


def test_deactivated_demo_accounts_do_not_count(demo, settings):
    settings.DEBUG = False
    get_user_model().objects.filter(username__in=DEMO_USERNAMES).update(is_active=False)
    assert demo_passwords() == []


def test_silent_in_development(demo, settings):
    settings.DEBUG = True
    assert demo_passwords() == []


def test_silent_before_the_first_migrate(settings, db):
    """No tables yet (a fresh server running ``check --deploy``): nothing to warn about.
    tests/test_security.py runs the real thing on an empty database file."""
    settings.DEBUG = False
    no_table = ProgrammingError('relation "auth_user" does not exist')
    with mock.patch.object(get_user_model().objects, "filter", side_effect=no_table):
        assert demo_passwords() == []

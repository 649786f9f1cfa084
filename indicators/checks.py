"""The indicators app's system checks (registered in IndicatorsConfig.ready())."""

from django.conf import settings
from django.core import checks
from django.db import DatabaseError
from django.utils.translation import gettext as _


def demo_passwords(app_configs=None, **kwargs):
    """Warn while any demo account (indicators/fixtures/demo.py) still opens with the published
    demo password on a server with DEBUG off."""
    if settings.DEBUG:
        return []
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import check_password

    from .fixtures.demo import DEMO_PASSWORD, USERS

    usernames = [username for username, *_rest in USERS]
    try:
        accounts = list(
            get_user_model()
            .objects.filter(username__in=usernames, is_active=True)
            .order_by("username")
            .values_list("username", "password")
        )
    except DatabaseError:
        # No database yet (before the first migrate): nothing to warn about.
        return []
    # hashers.check_password, not User.check_password: a check must not write (the
    # latter re-hashes and saves outdated hashes).
    weak = [username for username, encoded in accounts if check_password(DEMO_PASSWORD, encoded)]
    if not weak:
        return []
    return [
        checks.Warning(
            _("Tài khoản mẫu vẫn dùng mật khẩu mẫu công khai: %(users)s.") % {"users": ", ".join(weak)},
            hint=_(
                "Đổi mật khẩu (manage.py changepassword TÊN_ĐĂNG_NHẬP) hoặc khóa các tài khoản này "
                "trong trang Quản trị trước khi đưa vào sử dụng."
            ),
            id="damha.W001",
        )
    ]

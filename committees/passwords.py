"""Password rules with Vietnamese messages (settings.AUTH_PASSWORD_VALIDATORS)."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's own rule; Django 5.2 changed this message's msgid and Django's Vietnamese
    catalogue has no translation for the new one, so the message is ours."""

    def get_error_message(self):
        return _("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.") % {"min_length": self.min_length}

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "committees"
    verbose_name = _("Đơn vị, Ban Chỉ đạo và phân quyền")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .people import flag_forced_change

        # Wiring only: the session remembers a forced password change (committees/middleware.py).
        user_logged_in.connect(flag_forced_change, dispatch_uid="committees.flag_forced_change")

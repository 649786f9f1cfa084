from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Chỉ tiêu và số liệu")

    def ready(self):
        from django.core import checks as django_checks

        from committees.services import register_impact

        from . import checks
        from .selectors import unit_change_impact

        django_checks.register(checks.demo_passwords, django_checks.Tags.security)
        # The unit-change preview lists the targets and open submissions a change leaves behind.
        register_impact(unit_change_impact)
        django_checks.register(checks.sqlite_in_production, django_checks.Tags.database, deploy=True)

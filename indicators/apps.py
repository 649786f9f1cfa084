from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Chỉ tiêu và số liệu")

    def ready(self):
        from committees.services import register_impact

        from .selectors import unit_change_impact

        # The unit-change preview lists the targets and open submissions a change leaves behind.
        register_impact(unit_change_impact)

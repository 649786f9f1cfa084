from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    # The same Vietnamese word names a document type ("Report"); the app is "Reports".
    verbose_name = pgettext_lazy("tên ứng dụng", "Báo cáo")

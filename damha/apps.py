from django.apps import AppConfig


class DamhaConfig(AppConfig):
    name = "damha"
    verbose_name = "Đầm Hà"

    def ready(self):
        from . import checks, security

        checks.register()
        security.connect()

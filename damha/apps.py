from django.apps import AppConfig


class DamhaConfig(AppConfig):
    name = "damha"
    verbose_name = "Đầm Hà"

    def ready(self):
        from . import security, sessions

        security.connect()
        sessions.connect()

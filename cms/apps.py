from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "หน้าเว็บ"

    def ready(self):
        from . import routing, signals  # noqa: F401

        routing.connect_signals()

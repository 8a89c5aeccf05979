from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "หน้าเว็บ"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import routing, signals  # noqa: F401

        routing.connect_signals()
        post_migrate.connect(_editor_groups_after_migrate, sender=self)


def _editor_groups_after_migrate(sender, **kwargs):
    from .services import agency_editor_groups_ensure

    agency_editor_groups_ensure()

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "ร่วมคิด: หน่วยงานและบัญชีผู้ใช้"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_site_after_migrate, sender=self)


def _site_after_migrate(sender, using="default", **kwargs):
    from .services import django_site_ensure

    django_site_ensure(using=using)

from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = "ข้อเสนอแนะ"

    def ready(self):
        from . import signals

        signals.connect()

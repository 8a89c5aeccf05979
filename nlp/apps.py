from django.apps import AppConfig


class NlpConfig(AppConfig):
    name = "nlp"
    verbose_name = "ภาษาไทย (NLP)"

    def ready(self) -> None:
        from . import signals  # noqa: F401

"""Keep per-process caches honest when the taxonomy or the dictionary changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CustomWord, Tag


@receiver([post_save, post_delete], sender=CustomWord)
def _custom_word_changed(sender, **kwargs):
    from .pipeline import dictionary_reset

    dictionary_reset()


@receiver([post_save, post_delete], sender=Tag)
def _tag_changed(sender, **kwargs):
    from .tagger import tags_cache_reset

    tags_cache_reset()

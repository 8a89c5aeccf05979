from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.models import Membership

from .services import agency_editor_membership_sync


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def sync_wagtail_editor_group(sender, instance: Membership, **kwargs):
    agency_editor_membership_sync(user=instance.user, agency=instance.agency)

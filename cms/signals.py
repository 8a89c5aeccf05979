from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import post_page_move

from portal.models import Membership

from .services import agency_editor_membership_sync, page_agency_sync


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def sync_wagtail_editor_group(sender, instance: Membership, **kwargs):
    agency_editor_membership_sync(user=instance.user, agency=instance.agency)


@receiver(post_page_move)
def sync_agency_after_move(sender, instance, parent_page_before, parent_page_after, **kwargs):
    """A campaign or survey moved under another agency's page belongs to that agency now."""
    if parent_page_before.pk != parent_page_after.pk:
        page_agency_sync(instance)

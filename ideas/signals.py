"""Invalidate the shared listing cache (``ideas.cache``) when something it shows changes outside
the ideas services: a user's shown name or erasure, tag labels, agency names, plan items linked
to ideas (and whether their plan is published), a campaign page published/unpublished/deleted
or any page moved, ideas edited or deleted elsewhere (admin, cascades).

The ideas services bump the cache themselves (votes, comments, status, tags, new ideas).
"""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import cache as listing_cache
from .models import Idea, IdeaCampaignPage

# User fields that change how an author is shown on a listing (``User.public_name``).
SHOWN_USER_FIELDS = {"display_name", "first_name", "last_name", "email", "username", "is_erased"}


def user_saved(sender, instance, created, update_fields=None, **kwargs):
    if created:
        return
    if update_fields is not None and not SHOWN_USER_FIELDS & set(update_fields):
        return  # e.g. last_login on every sign-in
    listing_cache.everything_changed()


def everything_changed(sender, **kwargs):
    listing_cache.everything_changed()


def idea_changed(sender, instance, **kwargs):
    listing_cache.campaign_changed(instance.campaign_id)


def campaign_page_changed(sender, instance, **kwargs):
    listing_cache.campaign_changed(instance.pk)


def connect() -> None:
    from nlp.models import Tag
    from plans.models import ImprovementPlan, PlanItem
    from portal.models import Agency

    post_save.connect(user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="ideas-list-user")
    post_delete.connect(
        everything_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="ideas-list-user-del"
    )
    for model in (Tag, PlanItem, ImprovementPlan, Agency):
        post_save.connect(everything_changed, sender=model, dispatch_uid=f"ideas-list-{model}")
        post_delete.connect(everything_changed, sender=model, dispatch_uid=f"ideas-list-d-{model}")
    m2m_changed.connect(
        everything_changed, sender=PlanItem.ideas.through, dispatch_uid="ideas-list-plan-links"
    )
    post_save.connect(idea_changed, sender=Idea, dispatch_uid="ideas-list-idea")
    post_delete.connect(idea_changed, sender=Idea, dispatch_uid="ideas-list-idea-del")
    # A page moved to another agency's tree changes its ideas' agency (cms.signals), by update().
    post_page_move.connect(everything_changed, dispatch_uid="ideas-list-page-move")
    for signal in (page_published, page_unpublished, post_save, post_delete):
        signal.connect(
            campaign_page_changed,
            sender=IdeaCampaignPage,
            dispatch_uid=f"ideas-list-campaign-{id(signal)}",
        )

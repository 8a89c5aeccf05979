"""Named permission rules for ideas (checked with ``user.has_perm("ideas.<rule>", obj)``).

Objects: an ``Idea`` (or anything with ``agency_id``) for staff rules, a ``Comment`` for the
comment rules, an ``Agency`` for the moderation queue.
"""

from datetime import timedelta

import rules
from django.utils import timezone

from portal.permissions import is_agency_manager, is_agency_moderator

COMMENT_EDIT_WINDOW = timedelta(minutes=15)


@rules.predicate
def is_idea_author(user, idea) -> bool:
    return idea is not None and user.is_authenticated and idea.author_id == user.pk


@rules.predicate
def idea_is_submitted(user, idea) -> bool:
    return idea is not None and idea.status == "submitted"


@rules.predicate
def idea_is_hidden(user, idea) -> bool:
    return idea is not None and idea.status == "hidden"


@rules.predicate
def is_comment_author(user, comment) -> bool:
    return comment is not None and user.is_authenticated and comment.author_id == user.pk


@rules.predicate
def comment_in_edit_window(user, comment) -> bool:
    return comment is not None and timezone.now() - comment.created_at <= COMMENT_EDIT_WINDOW


@rules.predicate
def is_comment_agency_moderator(user, comment) -> bool:
    if comment is None:
        return False
    return is_agency_moderator.test(user, comment.idea) or is_agency_manager.test(
        user, comment.idea
    )


is_idea_staff = is_agency_moderator | is_agency_manager

rules.add_perm("ideas.view_idea", ~idea_is_hidden | is_idea_author | is_idea_staff)
rules.add_perm("ideas.add_idea", rules.is_authenticated)
rules.add_perm("ideas.change_idea", is_idea_author & idea_is_submitted)
rules.add_perm("ideas.vote", rules.is_authenticated)
rules.add_perm("ideas.comment", rules.is_authenticated)
rules.add_perm("ideas.change_status", is_idea_staff)
rules.add_perm("ideas.set_tags", is_idea_staff)
rules.add_perm("ideas.hide_idea", is_idea_staff)
rules.add_perm("ideas.moderate", is_idea_staff)
rules.add_perm("ideas.change_comment", is_comment_author & comment_in_edit_window)
rules.add_perm(
    "ideas.delete_comment",
    (is_comment_author & comment_in_edit_window) | is_comment_agency_moderator,
)
rules.add_perm("ideas.flag_comment", rules.is_authenticated & ~is_comment_author)
rules.add_perm("ideas.hide_comment", is_comment_agency_moderator)

"""Role × action matrix for staff actions (rules + services + API agree)."""

import pytest

from ideas import services
from ideas.models import IdeaStatus
from ideas.services import IdeaForbidden
from portal.models import Role
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# who → may they act on an idea of "their" agency?
ROLES = {
    "anonymous": False,
    "citizen": False,
    "author": False,
    "facilitator": False,
    "moderator": True,
    "manager": True,
    "agency_admin": True,
    "moderator_other_agency": False,
    "manager_other_agency": False,
    "superuser": True,
}
ACTIONS = ["ideas.change_status", "ideas.set_tags", "ideas.hide_idea", "ideas.moderate"]


def _actor(role: str, idea):
    from django.contrib.auth.models import AnonymousUser

    if role == "anonymous":
        return AnonymousUser()
    if role == "author":
        return idea.author
    if role == "superuser":
        return UserFactory(is_superuser=True)
    user = UserFactory()
    mapping = {
        "facilitator": (Role.FACILITATOR, idea.agency),
        "moderator": (Role.MODERATOR, idea.agency),
        "manager": (Role.MANAGER, idea.agency),
        "agency_admin": (Role.ADMIN, idea.agency),
        "moderator_other_agency": (Role.MODERATOR, AgencyFactory()),
        "manager_other_agency": (Role.MANAGER, AgencyFactory()),
    }
    if role in mapping:
        member_role, agency = mapping[role]
        MembershipFactory(user=user, agency=agency, role=member_role)
    return user


@pytest.mark.parametrize("role", list(ROLES))
def test_rule_matrix(campaign, make_idea, role):
    idea = make_idea(campaign)
    actor = _actor(role, idea)
    for action in ACTIONS:
        assert actor.has_perm(action, idea) is ROLES[role], (role, action)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_service_matrix(campaign, make_idea, role):
    idea = make_idea(campaign)
    actor = _actor(role, idea)
    allowed = ROLES[role]
    calls = [
        lambda: services.idea_status_change(
            idea=idea, actor=actor, status="under_review", response="กำลังพิจารณา"
        ),
        lambda: services.idea_tags_set(idea=idea, actor=actor, slugs=["waiting-time"]),
        lambda: services.idea_status_change(
            idea=idea, actor=actor, status=IdeaStatus.HIDDEN, response=""
        ),
    ]
    for call in calls:
        if allowed:
            call()
        else:
            with pytest.raises(IdeaForbidden):
                call()
    idea.refresh_from_db()
    assert (idea.status == IdeaStatus.HIDDEN) is allowed


@pytest.mark.parametrize("role", ["citizen", "author", "moderator_other_agency", "moderator"])
def test_api_status_matrix(client, campaign, make_idea, token_for, role):
    idea = make_idea(campaign)
    actor = _actor(role, idea)
    response = client.post(
        f"/api/v1/ideas/{idea.pk}/status",
        {"status": "rejected", "response": "ทำไม่ได้ในปีนี้"},
        content_type="application/json",
        headers=token_for(actor),
    )
    assert response.status_code == (200 if ROLES[role] else 403)


def test_author_and_comment_rules(campaign, make_idea):
    from freezegun import freeze_time

    author = UserFactory()
    idea = make_idea(campaign, author=author)
    stranger = UserFactory()
    assert author.has_perm("ideas.change_idea", idea)
    assert not stranger.has_perm("ideas.change_idea", idea)
    with freeze_time("2026-11-25 09:00"):
        comment = services.comment_create(idea=idea, author=stranger, body="ความเห็น")
    with freeze_time("2026-11-25 09:10"):
        assert stranger.has_perm("ideas.change_comment", comment)
        assert not author.has_perm("ideas.change_comment", comment)
        assert author.has_perm("ideas.flag_comment", comment)
        assert not stranger.has_perm("ideas.flag_comment", comment)
    with freeze_time("2026-11-25 09:20"):
        assert not stranger.has_perm("ideas.change_comment", comment)
        assert not stranger.has_perm("ideas.delete_comment", comment)

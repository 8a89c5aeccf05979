"""Moving a campaign or survey page under another agency's page (Wagtail's move) moves its
stored agency too, so permissions, listings and the evidence pack follow the tree."""

import pytest

from cms.services import agency_page_ensure
from ideas.models import Idea, IdeaCampaignPage
from portal.models import Role
from surveys.models import SurveyPage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies(agency_factory, home_page):
    a = agency_factory(slug="move-a", name="หน่วยงานต้นทาง")
    b = agency_factory(slug="move-b", name="หน่วยงานปลายทาง")
    return a, b, agency_page_ensure(agency=a), agency_page_ensure(agency=b)


def _idea(campaign):
    return Idea.objects.create(
        campaign=campaign,
        agency_id=campaign.agency_id,
        author=UserFactory(),
        title="ขอทางลาดสำหรับรถเข็น",
        body="ทางเข้าอาคารมีแต่บันได ผู้ใช้รถเข็นเข้าไม่ได้",
    )


def test_moving_a_campaign_moves_it_and_its_ideas_to_the_new_agency(agencies, make_campaign):
    a, b, _page_a, page_b = agencies
    campaign = make_campaign(a)
    ideas = [_idea(campaign), _idea(campaign)]
    assert campaign.agency_id == a.pk

    campaign.move(page_b, pos="last-child")

    campaign = IdeaCampaignPage.objects.get(pk=campaign.pk)
    assert campaign.agency_id == b.pk
    assert campaign.get_parent().pk == page_b.pk
    assert {i.agency_id for i in Idea.objects.filter(pk__in=[i.pk for i in ideas])} == {b.pk}


def test_moving_a_survey_moves_it_and_an_old_revision_keeps_the_new_agency(agencies, make_survey):
    a, b, _page_a, page_b = agencies
    survey = make_survey(a)
    old_revision = survey.latest_revision
    assert survey.agency_id == a.pk

    survey.move(page_b, pos="last-child")
    assert SurveyPage.objects.get(pk=survey.pk).agency_id == b.pk

    # Publishing a revision saved before the move must not bring the old agency back.
    old_revision.publish()
    assert SurveyPage.objects.get(pk=survey.pk).agency_id == b.pk


def test_move_within_the_same_agency_changes_nothing(agencies, make_survey):
    a, _b, page_a, _page_b = agencies
    first, second = make_survey(a), make_survey(a)
    second.move(first, pos="left")
    assert SurveyPage.objects.get(pk=second.pk).agency_id == a.pk


def test_move_through_the_wagtail_admin_and_permissions_follow(
    client, agencies, make_campaign, make_survey, make_member
):
    a, b, _page_a, page_b = agencies
    campaign, survey = make_campaign(a), make_survey(a)
    idea = _idea(campaign)
    manager_b = make_member(Role.MANAGER, b)
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    for page in (campaign, survey):
        response = client.post(f"/cms-admin/pages/{page.pk}/move/{page_b.pk}/confirm/")
        assert response.status_code == 302

    assert IdeaCampaignPage.objects.get(pk=campaign.pk).agency_id == b.pk
    assert SurveyPage.objects.get(pk=survey.pk).agency_id == b.pk
    # The new agency's manager now works with them; the moderation queue shows the idea.
    client.force_login(manager_b)
    assert client.get(f"/surveys/{survey.pk}/results/").status_code == 200
    assert f"/ideas/{idea.pk}/" in client.get("/ideas/moderation/").content.decode()

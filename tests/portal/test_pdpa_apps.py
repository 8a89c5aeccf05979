"""PDPA export and erasure across the apps that hold personal data."""

import pytest

from cms.services import agency_page_ensure
from portal import pdpa
from portal.models import ERASED_DISPLAY_NAME
from tests.factories import SURVEY_ALL_KINDS
from tests.factories import survey_page as make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributions(home_page, agency_factory, user_factory):
    from ideas.models import IdeaCampaignPage
    from ideas.services import comment_create, idea_create, notification_create, vote_cast
    from workshops.services import participant_join, workshop_create

    agency = agency_factory(slug="pdpa-agency")
    parent = agency_page_ensure(agency=agency)
    campaign = IdeaCampaignPage(title="แคมเปญ PDPA", slug="pdpa", question="ปรับปรุงอะไรดี")
    parent.add_child(instance=campaign)
    campaign.save_revision().publish()
    campaign.refresh_from_db()

    citizen = user_factory(email="somying@example.com", display_name="สมหญิง ใจงาม")
    other = user_factory()
    idea = idea_create(
        campaign=campaign,
        author=citizen,
        title="ขอที่จอดรถผู้พิการเพิ่ม",
        body="ที่จอดรถผู้พิการหน้าตึกมีแค่สองช่อง ไม่พอสำหรับผู้มาใช้บริการ",
        consent=True,
    )
    vote_cast(idea=idea, user=citizen)
    vote_cast(idea=idea, user=other)
    comment_create(idea=idea, author=citizen, body="เห็นด้วยกับข้อเสนอนี้มากค่ะ")
    notification_create(user=citizen, text="ข้อเสนอของคุณได้รับการพิจารณา", url="/")

    workshop = workshop_create(agency=agency, created_by=other, title="เวิร์กช็อปทดสอบ")
    participant_join(workshop=workshop, user=citizen, display_name="สมหญิง")

    from surveys.services import survey_response_submit

    survey = make_survey(agency, questions=SURVEY_ALL_KINDS, slug="pdpa-survey")
    likert = survey.questions.get(kind="likert5")
    nps = survey.questions.get(kind="nps")
    single = survey.questions.get(kind="single")
    survey_response_submit(
        survey=survey,
        user=citizen,
        answers={str(likert.pk): 5, str(nps.pk): 10, str(single.pk): "ผู้ป่วย"},
        consent=True,
    )
    return {"citizen": citizen, "idea": idea, "workshop": workshop, "survey": survey}


def test_export_has_every_apps_data(contributions):
    data = pdpa.personal_data_export(user=contributions["citizen"])
    assert data["ideas"]["ideas"][0]["title"] == "ขอที่จอดรถผู้พิการเพิ่ม"
    assert len(data["ideas"]["votes"]) == 1
    assert data["ideas"]["comments"][0]["body"] == "เห็นด้วยกับข้อเสนอนี้มากค่ะ"
    assert data["ideas"]["notifications"]
    assert data["workshops"]["participations"][0]["display_name"] == "สมหญิง"
    assert data["surveys"]["survey_responses"][0]["answers"]
    assert {c["purpose"] for c in data["consents"]} >= {"idea_submission", "survey_response"}


def test_erasure_keeps_contributions_and_counts(contributions):
    from ideas.models import Idea, Notification
    from surveys.models import SurveyResponse
    from workshops.models import Participant

    citizen = contributions["citizen"]
    pdpa.account_erase(user=citizen)

    idea = Idea.objects.get(pk=contributions["idea"].pk)
    assert idea.vote_count == 2 and idea.votes.count() == 2
    assert idea.comment_count == 1
    assert idea.author.public_name == ERASED_DISPLAY_NAME
    assert "สมหญิง" not in idea.author_name
    assert not Notification.objects.filter(user=citizen).exists()
    participant = Participant.objects.get(workshop=contributions["workshop"], user=citizen)
    assert participant.display_name == ERASED_DISPLAY_NAME
    assert SurveyResponse.objects.filter(survey=contributions["survey"]).count() == 1
    exported = pdpa.personal_data_export(user=citizen)
    assert exported["account"]["email"] is None
    assert exported["account"]["display_name"] == ""

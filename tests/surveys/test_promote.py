"""Staff turn a free-text survey answer into an idea (linked back to the survey)."""

import pytest

from cms.services import agency_page_ensure
from portal.models import AuditLogEntry
from surveys import selectors
from surveys.models import Answer, QuestionKind
from surveys.services import SurveyInputError, answer_promote_to_idea, survey_response_submit

pytestmark = pytest.mark.django_db


def _campaign(agency, slug="camp"):
    from ideas.models import IdeaCampaignPage

    page = IdeaCampaignPage(title="ลดเวลารอคอย", slug=slug, question="ช่วยกันคิดวิธีลดเวลารอ")
    agency_page_ensure(agency=agency).add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def text_answer(survey, valid_answers):
    survey_response_submit(survey=survey, user=None, answers=valid_answers, consent=True)
    return Answer.objects.get(question__kind=QuestionKind.TEXT)


def test_service_creates_idea_and_links_back(survey, text_answer, make_member):
    campaign = _campaign(survey.agency)
    staff = make_member("moderator", agency=survey.agency)
    idea = answer_promote_to_idea(
        answer=text_answer,
        campaign=campaign,
        actor=staff,
        title="ขอระบบคิวออนไลน์",
        personal_data_checked=True,
    )
    text_answer.refresh_from_db()
    assert text_answer.promoted_idea == idea
    assert idea.origin == "survey" and idea.author is None and idea.campaign_id == campaign.pk
    assert idea.body == text_answer.text
    assert selectors.answer_for_idea(idea).response.survey == survey
    assert AuditLogEntry.objects.filter(action="survey.answer_promoted").count() == 1
    with pytest.raises(SurveyInputError) as exc:
        answer_promote_to_idea(
            answer=text_answer,
            campaign=campaign,
            actor=staff,
            title="ซ้ำอีกครั้ง",
            personal_data_checked=True,
        )
    assert exc.value.status == 409


def test_service_rejects_other_agency_unchecked_and_bad_title(
    survey, text_answer, agency_factory, make_member
):
    from ideas.models import Idea

    staff = make_member("moderator", agency=survey.agency)
    other = _campaign(agency_factory(), slug="other")
    own = _campaign(survey.agency)
    cases = [
        {"campaign": other, "title": "หัวข้อที่ยาวพอ", "personal_data_checked": True},
        {"campaign": own, "title": "หัวข้อที่ยาวพอ", "personal_data_checked": False},
        {"campaign": own, "title": "สั้น", "personal_data_checked": True},
    ]
    for case in cases:
        with pytest.raises(SurveyInputError):
            answer_promote_to_idea(answer=text_answer, actor=staff, **case)
    assert Idea.objects.count() == 0
    text_answer.refresh_from_db()
    assert text_answer.promoted_idea is None


def test_promote_from_results_page(client, survey, text_answer, make_member):
    campaign = _campaign(survey.agency)
    url = f"/surveys/answers/{text_answer.pk}/promote/"
    data = {"campaign": campaign.pk, "title": "ขอระบบคิวออนไลน์", "body": "", "checked": "on"}
    client.force_login(make_member("facilitator", agency=survey.agency))
    assert client.post(url, data).status_code == 403
    client.force_login(make_member("manager", agency=survey.agency))
    results = client.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "สร้างเป็นข้อเสนอในแคมเปญ" in results and campaign.title in results
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/surveys/{survey.pk}/results/")
    text_answer.refresh_from_db()
    assert text_answer.promoted_idea.title == "ขอระบบคิวออนไลน์"
    html = client.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "นำไปสร้างข้อเสนอแล้ว" in html
    assert text_answer.promoted_idea.get_absolute_url() in html
    again = client.post(url, data, follow=True).content.decode()
    assert "ถูกนำไปสร้างข้อเสนอแล้ว" in again

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


def test_api_export_holds_everything_about_the_person(client, contributions):
    """GET /api/v1/me/export: account, e-mail addresses, consents, ideas, votes, comments,
    notifications, survey answers, workshop participation with notes and dot votes, API token
    metadata (never the token) and audit-log entries made by the person."""
    from portal.services import api_token_create, audit_log
    from workshops.models import Participant
    from workshops.services import Actor, workshop_op

    citizen = contributions["citizen"]
    workshop = contributions["workshop"]
    workshop.status = "live"
    workshop.save(update_fields=["status"])
    participant = Participant.objects.get(workshop=workshop, user=citizen)
    workshop_op(
        workshop_id=workshop.pk,
        actor=Actor(participant=participant, user=citizen, facilitator=False),
        op="note.add",
        payload={"text": "อยากให้มีที่นั่งรอมากขึ้น"},
    )
    raw_token = api_token_create(user=citizen, name="แอปของฉัน")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)
    audit_log(actor=citizen, action="idea.status", target=contributions["idea"], to="accepted")

    response = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {raw_token}"})
    assert response.status_code == 200
    data = response.json()
    assert data["account"]["email"] == "somying@example.com"
    assert data["account"]["display_name"] == "สมหญิง ใจงาม"
    assert data["email_addresses"][0]["email"] == "somying@example.com"
    assert [i["title"] for i in data["ideas"]["ideas"]] == ["ขอที่จอดรถผู้พิการเพิ่ม"]
    assert [v["idea"] for v in data["ideas"]["votes"]] == [contributions["idea"].pk]
    assert data["ideas"]["comments"][0]["body"] == "เห็นด้วยกับข้อเสนอนี้มากค่ะ"
    assert data["ideas"]["notifications"][0]["text"] == "ข้อเสนอของคุณได้รับการพิจารณา"
    answers = data["surveys"]["survey_responses"][0]["answers"]
    assert {a["value"] for a in answers} == {5, 10, "ผู้ป่วย"}
    (participation,) = data["workshops"]["participations"]
    assert participation["workshop"] == workshop.code
    assert [n["text"] for n in participation["notes"]] == ["อยากให้มีที่นั่งรอมากขึ้น"]
    assert {c["purpose"] for c in data["consents"]} >= {"idea_submission", "survey_response"}
    assert all(c["notice_version"] and c["given_at"] for c in data["consents"])
    (token,) = data["api_tokens"]
    assert token["name"] == "แอปของฉัน" and token["prefix"] == raw_token[:8]
    assert token["last_used_at"]  # this very request used it
    assert raw_token not in response.content.decode()
    (entry,) = data["audit_log"]
    assert entry["action"] == "idea.status" and entry["by_you"]


def test_api_erasure_keeps_counts_and_shows_the_erased_name(client, contributions):
    """DELETE /api/v1/me: the public record stays true (votes, comments) under the erased name."""
    from portal.services import api_token_create

    citizen = contributions["citizen"]
    idea = contributions["idea"]
    before = client.get(f"/api/v1/ideas/{idea.pk}").json()
    headers = {"Authorization": f"Bearer {api_token_create(user=citizen)}"}
    response = client.delete(
        "/api/v1/me", {"confirm": True}, content_type="application/json", headers=headers
    )
    assert response.status_code == 200 and response.json()["erased"] is True

    after = client.get(f"/api/v1/ideas/{idea.pk}").json()
    assert after["author"]["display_name"] == ERASED_DISPLAY_NAME
    assert (after["vote_count"], after["comment_count"]) == (
        before["vote_count"],
        before["comment_count"],
    )
    comments = client.get(f"/api/v1/ideas/{idea.pk}/comments").json()
    comments = comments["results"] if isinstance(comments, dict) else comments
    assert [c["author"]["display_name"] for c in comments] == [ERASED_DISPLAY_NAME]
    page = client.get(f"/ideas/{idea.pk}/").content.decode()
    assert ERASED_DISPLAY_NAME in page and "สมหญิง" not in page
    from portal.models import AuditLogEntry

    assert AuditLogEntry.objects.filter(
        action="account.erase", target=f"portal.user:{citizen.pk}"
    ).exists()
    assert client.get("/api/v1/me", headers=headers).status_code == 401

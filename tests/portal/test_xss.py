"""Citizen-supplied text is never rendered as markup: ideas, comments, workshop notes, surveys."""

import pytest

from cms.services import agency_page_ensure
from tests.factories import SURVEY_ALL_KINDS
from tests.factories import survey_page as make_survey

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
MARKERS = ("<script>alert", "<img src=x")  # as text (escaped or stripped) they are inert


def _assert_inert(html: str) -> None:
    for marker in MARKERS:
        assert marker not in html


@pytest.fixture
def world(home_page, agency_factory, make_member, user_factory):
    from ideas.models import IdeaCampaignPage
    from ideas.services import comment_create, idea_create

    agency = agency_factory(slug="xss-agency")
    parent = agency_page_ensure(agency=agency)
    campaign = IdeaCampaignPage(title="แคมเปญทดสอบ", slug="xss", question="ปรับปรุงอะไรดี")
    parent.add_child(instance=campaign)
    campaign.save_revision().publish()
    campaign.refresh_from_db()
    author = user_factory(display_name=f"ชื่อ {PAYLOAD}"[:80])
    idea = idea_create(
        campaign=campaign,
        author=author,
        title=f"หัวข้อ {PAYLOAD}"[:200],
        body=f"รายละเอียดข้อเสนอ {PAYLOAD}",
        consent=True,
    )
    comment_create(idea=idea, author=author, body=f"ความเห็น {PAYLOAD}")
    return {
        "agency": agency,
        "campaign": campaign,
        "idea": idea,
        "staff": make_member("manager", agency=agency),
        "facilitator": make_member("facilitator", agency=agency),
    }


def test_idea_pages_and_api_escape_payloads(client, world):
    idea = world["idea"]
    for url in (f"/ideas/{idea.pk}/", world["campaign"].url, "/"):
        _assert_inert(client.get(url).content.decode())
    client.force_login(world["staff"])
    _assert_inert(client.get("/ideas/moderation/").content.decode())
    body = client.get(f"/api/v1/ideas/{idea.pk}").json()
    assert "<script" not in body["title"] + body["body"]  # stored as plain text


def test_workshop_note_text_is_escaped_on_server_rendered_pages(client, world):
    from workshops.services import Actor, participant_join, workshop_create, workshop_op

    facilitator = world["facilitator"]
    workshop = workshop_create(
        agency=world["agency"], created_by=facilitator, title="เวิร์กช็อป", status="live"
    )
    participant = participant_join(workshop=workshop, user=facilitator)
    workshop_op(
        workshop_id=workshop.pk,
        actor=Actor(participant=participant, user=facilitator, facilitator=True),
        op="note.add",
        payload={"text": f"โน้ต {PAYLOAD}"},
    )
    client.force_login(facilitator)
    for url in (f"/workshops/{workshop.code}/", f"/workshops/console/{workshop.code}/"):
        response = client.get(url)
        assert response.status_code == 200
        _assert_inert(response.content.decode())
    # The API carries the note as plain text in JSON; the board script renders it as text.
    state = client.get(f"/api/v1/workshops/{workshop.code}")
    assert state["Content-Type"].startswith("application/json")
    from pathlib import Path

    scripts = list((Path(__file__).resolve().parents[2] / "static" / "workshops").glob("*.js"))
    assert scripts
    for script in scripts:
        assert "innerHTML" not in script.read_text()


def test_survey_free_text_is_escaped_on_the_results_page(client, world):
    from surveys.services import survey_response_submit

    survey = make_survey(world["agency"], questions=SURVEY_ALL_KINDS, slug="xss-survey")
    questions = {q.kind: q for q in survey.questions.all()}
    survey_response_submit(
        survey=survey,
        user=None,
        answers={
            str(questions["likert5"].pk): 4,
            str(questions["nps"].pk): 8,
            str(questions["single"].pk): "ผู้ป่วย",
            str(questions["text"].pk): f"ข้อเสนอแนะ {PAYLOAD}",
        },
        consent=True,
    )
    client.force_login(world["staff"])
    response = client.get(f"/surveys/{survey.pk}/results/")
    assert response.status_code == 200
    _assert_inert(response.content.decode())

"""Issue #9 point 6: status changes, hiding, plan links, exports and erasure each leave an
audit entry (who, what, which record), shown to the agency's admins and nobody else."""

import pytest

from portal.models import AuditLogEntry
from portal.thai_dates import current_fiscal_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_world(make_campaign, make_survey, make_member, user_factory, agency_factory):
    from ideas.services import comment_create, idea_create
    from plans.models import ImprovementPlan, PlanItem
    from workshops.services import workshop_create

    campaign = make_campaign()
    agency = campaign.agency
    citizen = user_factory()

    def idea(title):
        return idea_create(
            campaign=campaign,
            author=citizen,
            title=title,
            body="รายละเอียดข้อเสนอที่ยาวพอสำหรับการทดสอบ",
            consent=True,
        )

    first, second = idea("ขอที่จอดรถเพิ่ม"), idea("ขอเก้าอี้รอคิวเพิ่ม")
    people = {role: make_member(role, agency=agency) for role in ("moderator", "manager", "admin")}
    people["facilitator"] = make_member("facilitator", agency=agency)
    people["leaver"] = make_member("moderator", agency=agency)
    plan = ImprovementPlan.objects.create(
        agency=agency, fiscal_year=current_fiscal_year(), title="แผนพัฒนา", is_published=True
    )
    return {
        "agency": agency,
        "ideas": (first, second),
        "comment": comment_create(idea=first, author=citizen, body="ความเห็นที่ต้องลบออก"),
        "other_comment": comment_create(idea=first, author=citizen, body="ความเห็นที่ต้องซ่อน"),
        "survey": make_survey(agency),
        "workshop": workshop_create(
            agency=agency, created_by=people["facilitator"], title="เวิร์กช็อป", status="live"
        ),
        "item": PlanItem.objects.create(
            plan=plan, title="ที่จอดรถ", pmqa_category=3, pmqa_item="3.3"
        ),
        "people": people,
        "other_admin": make_member("admin", agency=agency_factory()),
    }


def test_each_sensitive_action_is_logged_for_the_agency_admins(client, agency_world):
    w = agency_world
    people, agency = w["people"], w["agency"]
    first, second = w["ideas"]
    json = {"content_type": "application/json"}
    as_ = client.force_login

    as_(people["moderator"])
    status_body = {"status": "under_review", "response": "รับไว้พิจารณา"}
    assert client.post(f"/api/v1/ideas/{first.pk}/status", status_body, **json).status_code == 200
    hide = {"status": "hidden", "response": ""}
    assert client.post(f"/api/v1/ideas/{second.pk}/status", hide, **json).status_code == 200
    assert client.post(f"/ideas/comments/{w['comment'].pk}/delete/").status_code == 302
    hide_comment = {"action": "hide_comment", "comment": w["other_comment"].pk}
    assert client.post("/ideas/moderation/", hide_comment).status_code == 302
    as_(people["manager"])
    link = {"kind": "idea", "target_id": first.pk}
    assert client.post(f"/plans/staff/items/{w['item'].pk}/link/", link).status_code == 302
    fy = current_fiscal_year()
    assert client.get(f"/api/v1/agencies/{agency.slug}/evidence/{fy}.json").status_code == 200
    survey_csv = f"/surveys/{w['survey'].pk}/export/responses.csv"
    assert client.get(survey_csv).status_code == 200
    as_(people["facilitator"])
    code = w["workshop"].code
    assert client.get(f"/api/v1/workshops/{code}/export.xlsx").status_code == 200
    finish = {"status": "finished"}
    assert client.post(f"/workshops/console/{code}/status/", finish).status_code == 302
    as_(people["leaver"])
    assert client.delete("/api/v1/me", {"confirm": True}, **json).status_code == 200

    expected = {
        "idea.status": people["moderator"],
        "idea.hide": people["moderator"],
        "idea.comment_hide": people["moderator"],
        "idea.comment_remove": people["moderator"],
        "plan.link": people["manager"],
        "evidence.export": people["manager"],
        "survey.export_responses": people["manager"],
        "workshop.export": people["facilitator"],
        "workshop.status": people["facilitator"],
        "account.erase": None,
    }
    entries = AuditLogEntry.objects.filter(agency=agency)
    for action, actor in expected.items():
        entry = entries.filter(action=action).first()
        assert entry is not None, action
        assert entry.actor_id == (actor.pk if actor else None), action
        assert entry.target, action
    status = entries.get(action="idea.status")
    assert status.target == f"ideas.idea:{first.pk}"
    assert status.data["to_status"] == "under_review"

    url = f"/staff/{agency.slug}/audit/"
    as_(people["admin"])
    html = client.get(url).content.decode()
    for action in expected:
        assert action in html, action
    assert client.get(url + "?action=plan.link").content.decode().count("<tr>") == 2  # head + 1
    for outsider in (people["moderator"], people["manager"], w["other_admin"]):
        as_(outsider)
        assert client.get(url).status_code == 403

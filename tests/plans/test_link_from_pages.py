"""Linking to plan items from where managers work: the idea page, the moderation queue, the
workshop console and survey results. The button shows only to managers of the record's agency;
linking and unlinking from the record's side change the plan item and write the audit log."""

import pytest

from plans.models import PlanItem
from portal.models import AuditLogEntry, Role
from tests.factories import UserFactory

BUTTON = "เชื่อมกับแผนพัฒนา"


@pytest.fixture
def records(agency_a, make_plan, make_item, make_campaign, make_idea, make_workshop, make_survey):
    campaign = make_campaign(agency_a)
    plan = make_plan(agency_a, 2570)
    return {
        "idea": make_idea(campaign, title="ขอที่จอดรถผู้สูงอายุ", status="submitted"),
        "workshop": make_workshop(agency_a, title="ออกแบบจุดรับยา"),
        "survey": make_survey(agency_a, title="แบบสำรวจแผนกผู้ป่วยนอก"),
        "item": make_item(plan, title="ปรับปรุงที่จอดรถ"),
        "cancelled": make_item(plan, title="รายการที่ยกเลิก", status=PlanItem.Status.CANCELLED),
    }


def _page_urls(records) -> dict[str, str]:
    return {
        "idea": f"/ideas/{records['idea'].pk}/",
        "moderation": "/ideas/moderation/",
        "workshop": f"/workshops/console/{records['workshop'].code}/",
        "survey": f"/surveys/{records['survey'].pk}/results/",
    }


def _link_href(kind: str, pk: int) -> str:
    return f'href="/plans/link/{kind}/{pk}/?next='


# role in agency A → pages where the button must appear (others: absent or page refused)
ROLE_MATRIX = [
    (Role.MANAGER, {"idea", "moderation", "workshop", "survey"}),
    (Role.ADMIN, {"idea", "moderation", "workshop", "survey"}),
    (Role.MODERATOR, set()),
    (Role.FACILITATOR, set()),
]


@pytest.mark.parametrize("role,expected", ROLE_MATRIX)
def test_button_only_for_managers_of_the_agency(
    client, records, agency_a, make_member, role, expected
):
    client.force_login(make_member(role, agency_a))
    kinds = {"idea": "idea", "moderation": "idea", "workshop": "workshop", "survey": "survey"}
    for page, url in _page_urls(records).items():
        response = client.get(url)
        if response.status_code != 200:  # page itself refused to this role
            assert page not in expected
            continue
        html = response.content.decode()
        target = records[kinds[page]]
        shown = _link_href(kinds[page], target.pk) in html
        assert shown == (page in expected), (role, page)
        assert (BUTTON in html) == (page in expected), (role, page)


def test_no_button_for_other_agency_citizens_and_anonymous(
    client, records, agency_b, manager_b, make_member
):
    idea_url = f"/ideas/{records['idea'].pk}/"
    for user in (None, UserFactory(), manager_b, make_member(Role.ADMIN, agency_b)):
        client.logout()
        if user is not None:
            client.force_login(user)
        html = client.get(idea_url).content.decode()
        assert BUTTON not in html
        assert "/plans/link/" not in html


def test_button_next_returns_to_the_page(client, records, manager_a):
    client.force_login(manager_a)
    idea = records["idea"]
    html = client.get("/ideas/moderation/").content.decode()
    assert f"/plans/link/idea/{idea.pk}/?next=/ideas/moderation/" in html
    response = client.post(
        f"/plans/link/idea/{idea.pk}/",
        {"plan_item": records["item"].pk, "next": "/ideas/moderation/"},
    )
    assert response.status_code == 302 and response.url == "/ideas/moderation/"
    assert records["item"].ideas.filter(pk=idea.pk).exists()


@pytest.mark.parametrize("kind", ["idea", "workshop", "survey"])
def test_link_and_unlink_from_the_record(client, records, manager_a, kind):
    target, item = records[kind], records["item"]
    relation = {"idea": item.ideas, "workshop": item.workshops, "survey": item.surveys}[kind]
    url = f"/plans/link/{kind}/{target.pk}/"
    client.force_login(manager_a)

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert target.title in html and "ปรับปรุงที่จอดรถ" in html
    assert "รายการที่ยกเลิก" not in html  # cancelled items are not offered

    response = client.post(url, {"plan_item": item.pk})
    assert response.status_code == 302
    assert relation.filter(pk=target.pk).exists()
    entry = AuditLogEntry.objects.get(action="plan.link")
    assert entry.actor == manager_a
    assert entry.data == {"kind": kind, "target_id": target.pk}

    html = client.get(url).content.decode()
    unlink_url = f"/plans/link/{kind}/{target.pk}/unlink/{item.pk}/"
    assert f'action="{unlink_url}"' in html

    response = client.post(unlink_url, {"next": "/ideas/moderation/"})
    assert response.status_code == 302
    assert response.url == url + "?next=%2Fideas%2Fmoderation%2F"
    assert not relation.filter(pk=target.pk).exists()
    entry = AuditLogEntry.objects.get(action="plan.unlink")
    assert entry.actor == manager_a and entry.data == {"kind": kind, "target_id": target.pk}


@pytest.mark.parametrize("kind", ["idea", "workshop", "survey"])
def test_other_agency_manager_cannot_link_or_unlink(client, records, manager_a, manager_b, kind):
    target, item = records[kind], records["item"]
    client.force_login(manager_a)
    client.post(f"/plans/link/{kind}/{target.pk}/", {"plan_item": item.pk})
    client.force_login(manager_b)
    assert client.get(f"/plans/link/{kind}/{target.pk}/").status_code == 403
    assert (
        client.post(f"/plans/link/{kind}/{target.pk}/", {"plan_item": item.pk}).status_code == 403
    )
    unlink = client.post(f"/plans/link/{kind}/{target.pk}/unlink/{item.pk}/")
    assert unlink.status_code == 403
    assert AuditLogEntry.objects.filter(action="plan.unlink").count() == 0


def test_link_page_bad_input(client, records, manager_a, make_plan, make_item, agency_b):
    client.force_login(manager_a)
    assert client.get("/plans/link/bogus/1/").status_code == 404
    assert client.get("/plans/link/workshop/999999/").status_code == 404
    # An item of another agency is not a valid choice: the form says so, nothing linked.
    other_item = make_item(make_plan(agency_b, 2570))
    response = client.post(
        f"/plans/link/survey/{records['survey'].pk}/", {"plan_item": other_item.pk}
    )
    assert response.status_code == 200
    assert "ไม่พบรายการในแผนนี้" in response.content.decode()
    assert not other_item.surveys.exists()
    # Unlinking something that is not linked changes nothing and logs nothing.
    response = client.post(f"/plans/link/idea/{records['idea'].pk}/unlink/{records['item'].pk}/")
    assert response.status_code == 302
    assert not AuditLogEntry.objects.filter(action="plan.unlink").exists()


def test_hidden_idea_cannot_be_linked(client, records, manager_a):
    idea = records["idea"]
    idea.status = "hidden"
    idea.save(update_fields=["status"])
    client.force_login(manager_a)
    response = client.post(f"/plans/link/idea/{idea.pk}/", {"plan_item": records["item"].pk})
    assert response.status_code == 200
    assert "ข้อเสนอที่ถูกซ่อน" in response.content.decode()
    assert not records["item"].ideas.exists()

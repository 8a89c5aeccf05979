"""Public "you said, we did", linking with notifications and status follow, the plans API,
and open data without personal data."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans import selectors, services
from portal.models import AuditLogEntry
from tests.factories import UserFactory


@pytest.fixture
def linked(agency_a, agency_b, make_plan, make_item, make_campaign, make_idea):
    campaign = make_campaign(agency_a)
    author = UserFactory(email="citizen-author@example.com", display_name="สมหญิง ผู้เสนอ")
    idea = make_idea(campaign, author=author, title="ขอระบบนัดหมายออนไลน์", status="accepted")
    hidden = make_idea(campaign, title="ข้อความลับที่ถูกซ่อน", status="hidden")
    plan = make_plan(agency_a, 2570, title="แผนเอ 2570")
    item = make_item(plan, title="ระบบนัดหมายออนไลน์", progress=10)
    item.ideas.add(idea, hidden)
    draft = make_plan(agency_a, 2569, title="แผนร่าง", is_published=False)
    make_item(draft, title="รายการในแผนร่าง")
    other = make_plan(agency_b, 2570, title="แผนบี")
    return {
        "idea": idea,
        "hidden": hidden,
        "plan": plan,
        "item": item,
        "draft": draft,
        "other": other,
    }


def test_public_index_and_plan_page(client, linked, agency_a):
    html = client.get("/plans/").content.decode()
    assert "แผนเอ 2570" in html and "แผนบี" in html and "แผนร่าง" not in html
    response = client.get(f"/plans/{agency_a.slug}/2570/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "ระบบนัดหมายออนไลน์" in html and "ขอระบบนัดหมายออนไลน์" in html
    assert "ข้อความลับที่ถูกซ่อน" not in html
    assert "citizen-author@example.com" not in html
    assert client.get(f"/plans/{agency_a.slug}/2569/").status_code == 404  # unpublished
    assert client.get("/plans/nope/2570/").status_code == 404


def test_public_plan_page_links_workshops_and_says_when_no_outcome_yet(
    client, linked, agency_a, make_workshop, make_item
):
    from workshops.models import Workshop

    workshop = make_workshop(agency_a, title="เวิร์กช็อปออกแบบจุดรับยา")
    draft_workshop = make_workshop(agency_a, title="เวิร์กช็อปที่ยังไม่เปิด", status=Workshop.Status.DRAFT)
    linked["item"].workshops.add(workshop, draft_workshop)
    make_item(linked["plan"], title="รายการมีผลลัพธ์", actual_outcome="เปิดใช้ระบบแล้ว")
    html = client.get(f"/plans/{agency_a.slug}/2570/").content.decode()
    assert f'href="{workshop.get_absolute_url()}"' in html
    assert "เวิร์กช็อปที่ยังไม่เปิด" not in html  # drafts are not public
    assert html.count("หน่วยงานยังไม่ได้รายงานผลลัพธ์ของรายการนี้") == 1
    assert "เปิดใช้ระบบแล้ว" in html


def test_public_plan_page_query_count(client, linked, agency_a, make_item, make_idea):
    for n in range(5):
        item = make_item(linked["plan"], title=f"รายการ {n}")
        item.ideas.add(make_idea(linked["idea"].campaign, title=f"ข้อเสนอ {n}"))
    with CaptureQueriesContext(connection) as few:
        client.get(f"/plans/{agency_a.slug}/2570/")
    for n in range(5):
        item = make_item(linked["plan"], title=f"เพิ่ม {n}")
        item.ideas.add(make_idea(linked["idea"].campaign, title=f"เพิ่มข้อเสนอ {n}"))
    with CaptureQueriesContext(connection) as more:
        client.get(f"/plans/{agency_a.slug}/2570/")
    assert len(more) == len(few)


def test_home_and_idea_selectors(linked):
    rows = selectors.home_you_said_we_did(None)
    assert rows[0]["title"] == "ระบบนัดหมายออนไลน์" and rows[0]["progress"] == 10
    assert rows[0]["url"].endswith(f"#item-{linked['item'].pk}")
    assert all(r["title"] != "รายการในแผนร่าง" for r in rows)
    idea = linked["idea"]
    with CaptureQueriesContext(connection) as queries:
        result = selectors.plan_items_for_ideas([idea.pk, 999999])
    assert len(queries) == 1
    item = linked["item"]
    assert result == {
        idea.pk: [
            {
                "id": item.pk,
                "title": "ระบบนัดหมายออนไลน์",
                "url": f"/plans/{item.plan.agency.slug}/2570/#item-{item.pk}",
            }
        ]
    }


def test_draft_plan_items_stay_off_the_idea_page_api_and_open_data(client, linked, manager_a):
    """An idea linked to an item of an unpublished plan: the public sees only published plans
    (idea page, idea API, open data); the author's notification points at the idea, not a 404."""
    from ideas.models import Notification

    idea, draft_item = linked["idea"], linked["draft"].items.get()
    services.plan_item_link(item=draft_item, actor=manager_a, kind="idea", target=idea)
    note = Notification.objects.filter(user=idea.author).latest("pk")
    assert "รายการในแผนร่าง" in note.text and note.url == idea.get_absolute_url()

    html = client.get(idea.get_absolute_url()).content.decode()
    assert "รายการในแผนร่าง" not in html
    assert f'href="/plans/{idea.agency.slug}/2570/#item-{linked["item"].pk}"' in html
    [public_item] = client.get(f"/api/v1/ideas/{idea.pk}").json()["plan_items"]
    assert public_item["id"] == linked["item"].pk
    assert public_item["url"].endswith(f"#item-{linked['item'].pk}")
    [row] = client.get("/api/v1/opendata/ideas.json").json()
    assert row["plan_item_ids"] == [linked["item"].pk]

    linked["draft"].is_published = True
    linked["draft"].save()
    payload = client.get(f"/api/v1/ideas/{idea.pk}").json()
    assert {i["id"] for i in payload["plan_items"]} == {linked["item"].pk, draft_item.pk}
    # A published plan: the notification goes to the item on the "you said, we did" page.
    linked["item"].ideas.remove(idea)
    services.plan_item_link(item=linked["item"], actor=manager_a, kind="idea", target=idea)
    note = Notification.objects.filter(user=idea.author).latest("pk")
    assert note.url == f"/plans/{idea.agency.slug}/2570/#item-{linked['item'].pk}"


def test_plans_api(client, linked, agency_a, manager_a, manager_b, token_for):
    data = client.get(f"/api/v1/agencies/{agency_a.slug}/plans/2570").json()
    assert data["agency"] == agency_a.slug and data["fiscal_year"] == 2570
    [item] = data["items"]
    assert item["pmqa_category"] == 3 and item["pmqa_item"] == "3.3"
    assert item["status"] == "planned" and item["progress"] == 10
    assert item["ideas"] == [linked["idea"].pk]  # hidden idea not listed publicly
    assert item["workshops"] == [] and item["surveys"] == []
    # Unpublished plan: 404 for the public, visible to the agency's manager.
    url = f"/api/v1/agencies/{agency_a.slug}/plans/2569"
    assert client.get(url).status_code == 404 and "detail" in client.get(url).json()
    assert client.get(url, headers=token_for(manager_a)).status_code == 200
    assert client.get(url, headers=token_for(manager_b)).status_code == 404  # other agency
    assert client.get("/api/v1/agencies/nope/plans/2570").status_code == 404
    assert client.get(f"/api/v1/agencies/{agency_a.slug}/plans/70").status_code == 422


def test_link_service_rules(linked, agency_b, manager_a, make_campaign, make_idea):
    item = linked["item"]
    other_idea = make_idea(make_campaign(agency_b), title="ข้อเสนอของหน่วยงานบี")
    with pytest.raises(ValidationError):
        services.plan_item_link(item=item, actor=manager_a, kind="idea", target=other_idea)
    with pytest.raises(ValidationError):
        services.plan_item_link(item=item, actor=manager_a, kind="idea", target=linked["hidden"])
    with pytest.raises(ValidationError):
        services.plan_item_link(item=item, actor=manager_a, kind="bogus", target=linked["idea"])
    assert not item.ideas.filter(pk=other_idea.pk).exists()
    assert (
        services.plan_item_link(item=item, actor=manager_a, kind="idea", target=linked["idea"])
        is False
    )


def test_link_from_idea_page_permission_matrix(client, linked, manager_a, manager_b, make_idea):
    from ideas.models import Notification

    idea = make_idea(linked["idea"].campaign, title="ข้อเสนอใหม่", author=UserFactory())
    url = f"/plans/link/idea/{idea.pk}/"
    assert client.get(url).status_code == 302
    client.force_login(manager_b)
    assert client.get(url).status_code == 403
    assert client.post(url, {"plan_item": linked["item"].pk}).status_code == 403
    client.force_login(manager_a)
    response = client.get(url)
    assert response.status_code == 200 and "ระบบนัดหมายออนไลน์" in response.content.decode()
    # An item of another agency is not a valid choice.
    other_item = linked["other"].items.create(title="x", pmqa_category=3, pmqa_item="3.3")
    response = client.post(url, {"plan_item": other_item.pk})
    assert response.status_code == 200 and not other_item.ideas.exists()
    response = client.post(url, {"plan_item": linked["item"].pk, "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == idea.get_absolute_url()
    assert linked["item"].ideas.filter(pk=idea.pk).exists()
    entry = AuditLogEntry.objects.get(action="plan.link")
    assert entry.actor == manager_a and entry.data == {"kind": "idea", "target_id": idea.pk}
    assert Notification.objects.filter(user=idea.author, text__contains="แผนพัฒนา").count() == 1


def test_progress_notifies_and_completion_implements(client, linked, manager_a, manager_b):
    from ideas.models import Notification

    item, idea = linked["item"], linked["idea"]
    url = f"/plans/staff/items/{item.pk}/progress/"
    client.force_login(manager_b)
    assert client.post(url, {f"item{item.pk}-status": "completed"}).status_code == 403
    client.force_login(manager_a)
    form = {f"item{item.pk}-status": "planned", f"item{item.pk}-progress": 20}
    client.post(url, form)  # 10 -> 20: no quarter crossed, no notification
    assert not Notification.objects.filter(user=idea.author).exists()
    form[f"item{item.pk}-progress"] = 30
    client.post(url, form)
    assert Notification.objects.filter(user=idea.author, text__contains="30%").count() == 1
    form = {
        f"item{item.pk}-status": "completed",
        f"item{item.pk}-progress": 50,
        f"item{item.pk}-actual_outcome": "เปิดใช้ระบบนัดหมายแล้ว",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    item.refresh_from_db()
    idea.refresh_from_db()
    assert item.status == "completed" and item.progress == 100
    assert idea.status == "implemented"
    assert "เปิดใช้ระบบนัดหมายแล้ว" in idea.response_text
    linked["hidden"].refresh_from_db()
    assert linked["hidden"].status == "hidden"
    assert AuditLogEntry.objects.filter(action="plan.progress").count() == 3


def test_staff_pages(client, linked, manager_a, manager_b, agency_a, make_member):
    client.force_login(make_member("moderator", agency_a))
    assert client.get("/plans/staff/").status_code == 403
    client.force_login(manager_b)
    assert client.get(f"/plans/staff/plans/{linked['plan'].pk}/").status_code == 403
    html = client.get("/plans/staff/").content.decode()
    assert "แผนบี" in html and "แผนเอ 2570" not in html
    client.force_login(manager_a)
    html = client.get(f"/plans/staff/?agency={agency_a.slug}").content.decode()
    assert "แผนเอ 2570" in html and "แผนร่าง" in html and "แผนบี" not in html
    response = client.get(f"/plans/staff/plans/{linked['plan'].pk}/")
    assert response.status_code == 200
    assert "ข้อความลับที่ถูกซ่อน" in response.content.decode()  # staff see what is linked
    item = linked["item"]
    client.post(f"/plans/staff/items/{item.pk}/unlink/idea/{linked['hidden'].pk}/", follow=False)
    assert not item.ideas.filter(pk=linked["hidden"].pk).exists()
    response = client.post(
        f"/plans/staff/items/{item.pk}/link/", {"kind": "idea", "target_id": 987654}
    )
    assert response.status_code == 302  # "not found" message, nothing linked
    assert AuditLogEntry.objects.filter(action="plan.unlink").count() == 1


def test_open_data_has_no_personal_data(client, linked, agency_a):
    author = linked["idea"].author
    json_rows = client.get("/api/v1/opendata/ideas.json").json()
    assert [row["id"] for row in json_rows] == [linked["idea"].pk]
    row = json_rows[0]
    assert row["plan_item_ids"] == [linked["item"].pk] and row["agency"] == agency_a.slug
    assert "author" not in row and "email" not in row
    response = client.get("/api/v1/opendata/ideas.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    for body in (str(json_rows), text):
        assert author.email not in body and author.display_name not in body
        assert "ข้อความลับที่ถูกซ่อน" not in body
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1 and rows[0]["title"] == "ขอระบบนัดหมายออนไลน์"
    assert client.get("/api/v1/opendata/ideas.json?agency=nope").status_code == 404


def test_open_data_dates_are_days_in_thailand(client, linked):
    from tests.plans.conftest import bkk

    idea = linked["idea"]
    # 00:30 on 15 Nov in Bangkok is still 14 Nov in UTC: the record says the 15th.
    type(idea).objects.filter(pk=idea.pk).update(
        created_at=bkk(2026, 11, 15, hour=0).replace(minute=30),
        first_response_at=bkk(2026, 11, 20, hour=6),
    )
    [row] = client.get("/api/v1/opendata/ideas.json").json()
    assert row["created_date"] == "2026-11-15" and row["first_response_date"] == "2026-11-20"
    text = client.get("/api/v1/opendata/ideas.csv").content.decode("utf-8-sig")
    assert ",2026-11-15,2026-11-20," in text


def test_open_data_catalog(client, linked, agency_a):
    data = client.get("/api/v1/opendata/catalog.json").json()
    for key in (
        "title",
        "owner_org",
        "maintainer",
        "notes",
        "tags",
        "update_frequency",
        "data_format",
        "license_id",
        "created",
        "last_updated",
    ):
        assert data[key] not in (None, "", []), key
    assert data["license_id"] == "Open Data Common"
    assert [d["owner_org"] for d in data["datasets"]] == [agency_a.slug]
    one = client.get(f"/api/v1/opendata/catalog.json?agency={agency_a.slug}").json()
    assert one["owner_org"] == agency_a.slug
    assert one["resources"][0]["url"].endswith(f"/api/v1/opendata/ideas.csv?agency={agency_a.slug}")


@pytest.mark.parametrize("slug", ["%00", "a%00b", "ก", "x" * 80])
def test_odd_agency_slugs_are_404_not_500(client, db, slug):
    assert client.get(f"/api/v1/opendata/ideas.json?agency={slug}").status_code == 404
    assert client.get(f"/api/v1/opendata/catalog.json?agency={slug}").status_code == 404
    assert client.get(f"/api/v1/agencies/{slug}/plans/2570").status_code == 404

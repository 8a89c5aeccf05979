"""Plans in Wagtail admin: a manager of agency A sees and edits only A's plans."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from plans import pmqa
from plans.models import ImprovementPlan, PlanItem

INDEX = "/cms-admin/snippets/plans/improvementplan/"
ITEMS = "/cms-admin/snippets/plans/planitem/"


def test_pmqa_reference():
    assert pmqa.CATEGORIES[3] == "การให้ความสำคัญกับผู้รับบริการและผู้มีส่วนได้ส่วนเสีย"
    assert pmqa.category_of("3.3") == 3 and pmqa.category_of("9.9") is None
    assert set(pmqa.CATEGORIES) == {1, 2, 3, 4, 5, 6, 7}
    assert all(pmqa.category_of(code) in pmqa.CATEGORIES for code in pmqa.ITEMS)


def test_item_validation(make_plan, make_item, agency_a):
    plan = make_plan(agency_a)
    item = PlanItem(plan=plan, title="x", pmqa_category=6, pmqa_item="3.3")
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    assert "pmqa_item" in exc.value.message_dict
    item = PlanItem(plan=plan, title="x", pmqa_category=3, pmqa_item="3.3", progress=101)
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    assert "progress" in exc.value.message_dict
    item = PlanItem(plan=plan, title="x", pmqa_category=3, pmqa_item="3.3", status="completed")
    with pytest.raises(ValidationError):
        item.full_clean()  # completed means 100 %


def test_one_plan_per_agency_year(make_plan, agency_a):
    make_plan(agency_a, 2570)
    with pytest.raises(IntegrityError):
        make_plan(agency_a, 2570)


def test_admin_lists_only_own_agency(client, make_plan, make_item, agency_a, agency_b, manager_a):
    plan_a = make_plan(agency_a, title="แผนของเอ")
    plan_b = make_plan(agency_b, title="แผนของบี")
    make_item(plan_a, title="รายการของเอ")
    make_item(plan_b, title="รายการของบี")
    client.force_login(manager_a)
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "แผนของเอ" in html and "แผนของบี" not in html
    html = client.get(ITEMS).content.decode()
    assert "รายการของเอ" in html and "รายการของบี" not in html
    assert client.get(f"{INDEX}edit/{plan_a.pk}/").status_code == 200
    # Agency B's plan: neither the edit form nor a delete nor a POST gets through.
    assert client.get(f"{INDEX}edit/{plan_b.pk}/").status_code in (302, 403, 404)
    response = client.post(
        f"{INDEX}edit/{plan_b.pk}/",
        {"agency": agency_b.pk, "fiscal_year": 2570, "title": "ถูกแก้", "summary": ""},
    )
    assert response.status_code in (302, 403, 404)
    assert client.post(f"{INDEX}delete/{plan_b.pk}/").status_code in (302, 403, 404)
    plan_b.refresh_from_db()
    assert plan_b.title == "แผนของบี"


def test_admin_create_restricted_to_managed_agency(client, agency_a, agency_b, manager_a):
    client.force_login(manager_a)
    response = client.get(f"{INDEX}add/")
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["agency"].queryset) == [agency_a]
    data = {
        "agency": agency_b.pk,
        "fiscal_year": 2570,
        "title": "แผนแอบสร้าง",
        "summary": "",
        "satisfaction_target_pct": "85",
    }
    client.post(f"{INDEX}add/", data)
    assert not ImprovementPlan.objects.filter(agency=agency_b).exists()
    data["agency"] = agency_a.pk
    response = client.post(f"{INDEX}add/", data)
    assert response.status_code == 302
    assert ImprovementPlan.objects.filter(agency=agency_a, fiscal_year=2570).exists()


def test_admin_item_edit_completes_and_notifies(
    client, make_plan, make_item, make_campaign, make_idea, agency_a, manager_a
):
    from ideas.models import Notification

    plan = make_plan(agency_a)
    item = make_item(plan)
    idea = make_idea(make_campaign(agency_a), status="accepted")
    item.ideas.add(idea)
    client.force_login(manager_a)
    response = client.post(
        f"{ITEMS}edit/{item.pk}/",
        {
            "plan": plan.pk,
            "title": item.title,
            "description": "",
            "pmqa_category": 3,
            "pmqa_item": "3.3",
            "owner": "",
            "sort_order": 0,
            "start_date": "",
            "end_date": "",
            "status": "completed",
            "progress": 30,
            "follow_idea_status": "on",
            "expected_outcome": "",
            "actual_outcome": "เปิดใช้ระบบแล้ว",
            "kpi_name": "",
            "kpi_unit": "",
            "kpi_target": "",
            "kpi_actual": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.status == "completed" and item.progress == 100
    # The linked idea follows the item and its author hears of it (from the ideas app).
    idea.refresh_from_db()
    assert idea.status == "implemented" and "เปิดใช้ระบบแล้ว" in idea.response_text
    assert Notification.objects.filter(user=idea.author).exists()


def test_admin_item_form_shows_linked_records_read_only(
    client,
    make_plan,
    make_item,
    make_campaign,
    make_idea,
    make_workshop,
    make_survey,
    agency_a,
    agency_b,
    manager_a,
    manager_b,
):
    plan = make_plan(agency_a)
    item = make_item(plan)
    idea = make_idea(make_campaign(agency_a), title="ขอที่จอดรถผู้สูงอายุ")
    workshop = make_workshop(agency_a, title="เวิร์กช็อปลดเวลารอ")
    survey = make_survey(agency_a, title="แบบสำรวจหลังรับบริการ")
    item.ideas.add(idea)
    item.workshops.add(workshop)
    item.surveys.add(survey)
    empty = make_item(plan, title="รายการว่าง")
    client.force_login(manager_a)
    html = client.get(f"{ITEMS}edit/{item.pk}/").content.decode()
    assert "ข้อมูลจากประชาชนที่เชื่อมโยง" in html
    assert f'href="{idea.get_absolute_url()}"' in html and "ขอที่จอดรถผู้สูงอายุ" in html
    assert f"/workshops/console/{workshop.code}/" in html and "เวิร์กช็อปลดเวลารอ" in html
    assert f"/surveys/{survey.pk}/results/" in html and "แบบสำรวจหลังรับบริการ" in html
    assert f"/plans/staff/plans/{plan.pk}/#item-{item.pk}" in html
    # Read-only: no form field for the links (they change only through the staff plan page).
    assert 'name="ideas"' not in html and 'name="workshops"' not in html
    html = client.get(f"{ITEMS}edit/{empty.pk}/").content.decode()
    assert "ยังไม่มีข้อเสนอ เวิร์กช็อป หรือแบบสำรวจที่เชื่อมโยงกับรายการนี้" in html
    html = client.get(f"{ITEMS}add/").content.decode()
    assert "บันทึกรายการนี้ก่อน" in html
    # Another agency's manager never reaches the item, so never sees its links.
    client.force_login(manager_b)
    response = client.get(f"{ITEMS}edit/{item.pk}/")
    assert response.status_code in (302, 403, 404)
    assert "ขอที่จอดรถผู้สูงอายุ" not in response.content.decode()


def test_admin_item_cannot_move_into_another_agencys_plan(
    client, make_plan, make_item, agency_a, agency_b, manager_a
):
    plan_a, plan_b = make_plan(agency_a), make_plan(agency_b)
    item = make_item(plan_a)
    client.force_login(manager_a)
    response = client.get(f"{ITEMS}edit/{item.pk}/")
    assert list(response.context["form"].fields["plan"].queryset) == [plan_a]
    data = {
        "plan": plan_b.pk,
        "title": item.title,
        "pmqa_category": 3,
        "pmqa_item": "3.3",
        "sort_order": 0,
        "status": "planned",
        "progress": 0,
    }
    response = client.post(f"{ITEMS}edit/{item.pk}/", data)
    assert response.status_code == 200  # form error: not a valid choice
    response = client.post(f"{ITEMS}add/", data | {"title": "แอบเพิ่มในแผนบี"})
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.plan == plan_a and not plan_b.items.exists()


def test_non_manager_cannot_reach_admin_views(client, make_plan, agency_a, make_member):
    plan = make_plan(agency_a)
    client.force_login(make_member("moderator", agency_a))
    assert client.get(f"{INDEX}edit/{plan.pk}/").status_code in (302, 403, 404)
    response = client.get(INDEX)
    assert response.status_code in (302, 403)

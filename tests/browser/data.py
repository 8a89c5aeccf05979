"""Small, realistic Thai data for the browser journeys, made through the apps' own services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from portal.models import Role
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password


def agency(slug="sisuk-hospital", name="โรงพยาบาลศรีสุขประชา", name_en="Si Suk Pracha Hospital"):
    from cms.services import agency_page_ensure, home_page_ensure

    home_page_ensure()
    result = AgencyFactory(slug=slug, name=name, name_en=name_en)
    agency_page_ensure(agency=result, intro="<p>โรงพยาบาลชุมชนที่อยากฟังเสียงผู้รับบริการทุกคน</p>")
    return result


def member(agency_obj, role: str, **user_kwargs):
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, agency=agency_obj, role=role)
    return user


def citizen(**kwargs):
    return UserFactory(**kwargs)


def campaign(agency_obj, *, slug="lot-wela-rokoi", title="ลดเวลารอคอยที่โรงพยาบาล", **fields):
    from cms.services import agency_page_ensure
    from ideas.models import IdeaCampaignPage

    parent = agency_page_ensure(agency=agency_obj)
    page = IdeaCampaignPage(
        title=title,
        slug=slug,
        question=fields.pop("question", "ช่วงไหนที่รอนานที่สุด และควรปรับอย่างไร?"),
        intro=fields.pop("intro", "<p>เราอยากฟังประสบการณ์จริงของคุณ</p>"),
        **fields,
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def idea(campaign_page, *, author=None, title="อยากให้มีระบบนัดหมายออนไลน์", body=None):
    from ideas.services import idea_create

    return idea_create(
        campaign=campaign_page,
        author=author or UserFactory(),
        title=title,
        body=body
        or "อยากให้มีระบบนัดหมายออนไลน์ผ่านไลน์หรือเว็บไซต์ จองเวลาพบแพทย์ล่วงหน้าได้ ไม่ต้องมารอตั้งแต่ตีห้า",
        consent=True,
    )


def survey(agency_obj, *, slug="opd-satisfaction", title="แบบสำรวจความพึงพอใจแผนกผู้ป่วยนอก"):
    from cms.services import agency_page_ensure
    from surveys.models import Question, QuestionKind, SurveyPage

    parent = agency_page_ensure(agency=agency_obj)
    questions = [
        (QuestionKind.LIKERT5, "ท่านพึงพอใจต่อระยะเวลารอคอยเพียงใด", "", True),
        (QuestionKind.LIKERT5, "ท่านพึงพอใจต่อการให้บริการของเจ้าหน้าที่เพียงใด", "", True),
        (QuestionKind.NPS, "ท่านจะแนะนำบริการนี้ให้คนรู้จักเพียงใด", "", False),
        (QuestionKind.SINGLE, "ท่านมารับบริการในฐานะ", "ผู้ป่วย\nญาติผู้ป่วย", True),
        (QuestionKind.TEXT, "ข้อเสนอแนะเพิ่มเติม", "", False),
    ]
    page = SurveyPage(
        title=title,
        slug=slug,
        service_point="แผนกผู้ป่วยนอก",
        intro="ใช้เวลาไม่เกิน 2 นาที คำตอบของท่านช่วยปรับปรุงบริการ",
        questions=[
            Question(kind=k, text=t, choices_text=c, required=r, sort_order=i)
            for i, (k, t, c, r) in enumerate(questions)
        ],
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def workshop(agency_obj, facilitator, *, title="ออกแบบบริการรับยาใกล้บ้าน", **kwargs):
    from workshops.services import workshop_create

    kwargs.setdefault("challenge", "เราจะทำให้ผู้ป่วยโรคเรื้อรังรับยาได้ใกล้บ้านอย่างไร")
    return workshop_create(agency=agency_obj, created_by=facilitator, title=title, **kwargs)


def plan_with_item(agency_obj, *, fiscal_year=2570, title="ระบบนัดหมายออนไลน์"):
    from plans.models import ImprovementPlan, PlanItem

    plan = ImprovementPlan.objects.create(
        agency=agency_obj,
        fiscal_year=fiscal_year,
        title=f"แผนพัฒนาบริการ ปีงบประมาณ {fiscal_year}",
        is_published=True,
    )
    item = PlanItem.objects.create(plan=plan, title=title, pmqa_category=3, pmqa_item="3.3")
    return plan, item


def bangkok(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=timezone.get_default_timezone())


__all__ = ["Role"]

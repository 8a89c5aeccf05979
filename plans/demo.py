"""Demo plans: a published 2570 plan per demo agency, its items linked to the demo ideas,
workshop and satisfaction surveys of the other apps (looked up by title; missing ones are
skipped). Idempotent: existing plans and items are kept, links are only added once."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from . import services
from .models import ImprovementPlan, PlanItem

FISCAL_YEAR = 2570
HOSPITAL_SURVEY = "แบบสำรวจความพึงพอใจผู้รับบริการแผนกผู้ป่วยนอก"
CITY_SURVEY = "แบบสำรวจความพึงพอใจบริการงานทะเบียนและการเก็บขยะ"

# agency slug -> (actor key, plan title, [item dicts])
PLANS = {
    "sisuk-hospital": (
        "manager",
        "แผนพัฒนาบริการและนวัตกรรม โรงพยาบาลศรีสุขประชา ปีงบประมาณ 2570",
        [
            {
                "title": "ระบบนัดหมายและจองคิวพบแพทย์ออนไลน์",
                "pmqa_item": "3.3",
                "owner": "กลุ่มงานเทคโนโลยีสารสนเทศ",
                "status": "in_progress",
                "progress": 60,
                "start": (2026, 11, 1),
                "end": (2027, 6, 30),
                "expected_outcome": "ผู้ป่วยนัดจองเวลาพบแพทย์ผ่านไลน์และเว็บไซต์ ลดเวลารอคอยเฉลี่ยจาก 3 ชั่วโมงเหลือไม่เกิน 1 ชั่วโมง",
                "kpi_name": "เวลารอคอยเฉลี่ยแผนกผู้ป่วยนอก",
                "kpi_unit": "นาที",
                "kpi_target": 60,
                "kpi_actual": 95,
                "ideas": [
                    "อยากให้มีระบบนัดหมายออนไลน์",
                    "ระบบจองคิวพบแพทย์ผ่านแอป",
                    "ขอคิวออนไลน์ดูผ่านมือถือได้",
                    "บัตรคิวควรบอกเวลาโดยประมาณ",
                ],
                "workshop": True,
            },
            {
                "title": "ชำระค่าบริการผ่าน QR code ทุกจุด",
                "pmqa_item": "3.3",
                "owner": "งานการเงิน",
                "status": "completed",
                "progress": 100,
                "start": (2026, 10, 1),
                "end": (2026, 11, 15),
                "expected_outcome": "ผู้ป่วยจ่ายเงินได้โดยไม่ต้องต่อคิวที่ช่องการเงิน",
                "actual_outcome": "เปิดชำระผ่าน QR code พร้อมเพย์ครบ 6 จุดบริการ ตั้งแต่ 15 พ.ย. 2569",
                "ideas": ["ชำระเงินผ่าน QR code"],
            },
            {
                "title": "ปรับกระบวนการจ่ายยาและส่งยาทางไปรษณีย์",
                "pmqa_item": "6.1",
                "owner": "กลุ่มงานเภสัชกรรม",
                "status": "planned",
                "progress": 10,
                "start": (2027, 1, 1),
                "end": (2027, 9, 30),
                "expected_outcome": "ผู้ป่วยโรคเรื้อรังที่อาการคงที่รับยาที่บ้าน ลดความแออัดหน้าห้องยา",
                "ideas": ["ห้องยาจ่ายช้ามาก", "ส่งยาทางไปรษณีย์สำหรับผู้ป่วยโรคเรื้อรัง"],
            },
            {
                "title": "ยกระดับความพึงพอใจผู้รับบริการแผนกผู้ป่วยนอก",
                "pmqa_item": "3.2",
                "owner": "ศูนย์คุณภาพ",
                "status": "in_progress",
                "progress": 40,
                "expected_outcome": "ความพึงพอใจผู้รับบริการไม่ต่ำกว่าร้อยละ 85",
                "kpi_name": "ร้อยละความพึงพอใจผู้รับบริการ",
                "kpi_unit": "%",
                "kpi_target": 85,
                "ideas": ["จัดที่นั่งรอให้เพียงพอและมีพัดลม", "ห้องน้ำชั้นหนึ่งสกปรกและไม่พอ"],
                "survey": HOSPITAL_SURVEY,
            },
        ],
    ),
    "muangmai-city": (
        "city_manager",
        "แผนพัฒนาบริการเทศบาลนครเมืองใหม่ ปีงบประมาณ 2570",
        [
            {
                "title": "ซ่อมไฟส่องสว่างภายใน 72 ชั่วโมงหลังรับแจ้ง",
                "pmqa_item": "6.1",
                "owner": "กองช่าง",
                "status": "in_progress",
                "progress": 50,
                "expected_outcome": "ไฟทางที่ดับได้รับการซ่อมภายใน 72 ชั่วโมง และแจ้งผลผู้แจ้งทุกครั้ง",
                "kpi_name": "ร้อยละเรื่องแจ้งซ่อมไฟทางที่ปิดภายใน 72 ชั่วโมง",
                "kpi_unit": "%",
                "kpi_target": 90,
                "kpi_actual": 72,
                "ideas": [
                    "ไฟส่องสว่างซอยเทศบาล 5 ดับหลายดวง",
                    "แจ้งซ่อมไฟทางผ่านไลน์แล้วเงียบ",
                    "ติดไฟส่องสว่างซอยเปลี่ยวเพิ่ม",
                ],
                "workshop": True,
            },
            {
                "title": "ทางเท้าเดินได้สำหรับทุกคน",
                "pmqa_item": "3.3",
                "owner": "กองช่าง และฝ่ายเทศกิจ",
                "status": "planned",
                "progress": 15,
                "expected_outcome": "ทางเท้าย่านตลาดและโรงเรียนกว้างอย่างน้อย 1 เมตร มีทางลาดทุกแยก",
                "ideas": [
                    "ทางเท้าหน้าตลาดสดมีแผงค้าขวาง",
                    "ขอทางลาดที่ทางเท้าทุกแยก",
                    "ทางเท้าแตก บล็อกหลุด สะดุดบ่อย",
                ],
                "survey": CITY_SURVEY,
            },
        ],
    ),
    "bangnamsai-district": (
        "admin",
        "แผนพัฒนาบริการงานทะเบียน อำเภอบางน้ำใส ปีงบประมาณ 2570",
        [
            {
                "title": "จองคิวงานทะเบียนและบัตรประชาชนล่วงหน้าออนไลน์",
                "pmqa_item": "3.3",
                "owner": "งานทะเบียนและบัตร",
                "status": "in_progress",
                "progress": 30,
                "expected_outcome": "ประชาชนจองคิวล่วงหน้าได้ ลดการรอคิวหน้าที่ว่าการอำเภอ",
                "ideas": [
                    "จองคิวทำบัตรประชาชนล่วงหน้าได้ไหม",
                    "อยากให้มีระบบนัดหมายออนไลน์สำหรับงานทะเบียน",
                ],
            },
            {
                "title": "ประกาศรายการเอกสารที่ต้องใช้ทุกช่องทาง",
                "pmqa_item": "3.1",
                "owner": "งานทะเบียนและบัตร",
                "status": "completed",
                "progress": 100,
                "actual_outcome": "ติดประกาศหน้าช่องบริการ เผยแพร่ในเพจและไลน์อำเภอ พร้อมคิวอาร์โค้ดรายการเอกสาร",
                "ideas": ["บอกรายการเอกสารที่ต้องใช้ให้ชัดเจน"],
            },
        ],
    ),
}


def _date(parts):
    return dt.date(*parts) if parts else None


def _find_idea(agency, title):
    from ideas.models import Idea

    return Idea.objects.filter(agency=agency, title=title).exclude(status="hidden").first()


def _find_survey(agency, title):
    from surveys.models import SurveyPage

    return SurveyPage.objects.filter(agency=agency, title=title).first()


def _find_workshop(agency):
    from workshops.models import Workshop

    return (
        Workshop.objects.filter(agency=agency)
        .exclude(status=Workshop.Status.DRAFT)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def seed(ctx) -> None:
    linked = 0
    for slug, (actor_key, title, items) in PLANS.items():
        agency = ctx.agencies.get(slug)
        if agency is None:
            continue
        actor = ctx.users.get(actor_key) or ctx.users["admin"]
        plan, _ = ImprovementPlan.objects.get_or_create(
            agency=agency,
            fiscal_year=FISCAL_YEAR,
            defaults={
                "title": title,
                "summary": "แผนที่จัดทำจากข้อเสนอ เวิร์กช็อป และผลสำรวจความพึงพอใจของประชาชนผ่านระบบร่วมคิด",
                "is_published": True,
            },
        )
        for order, data in enumerate(items):
            code = data["pmqa_item"]
            item, _ = PlanItem.objects.get_or_create(
                plan=plan,
                title=data["title"],
                defaults={
                    "pmqa_category": int(code.split(".")[0]),
                    "pmqa_item": code,
                    "owner": data.get("owner", ""),
                    "status": data["status"],
                    "progress": data["progress"],
                    "start_date": _date(data.get("start")),
                    "end_date": _date(data.get("end")),
                    "expected_outcome": data.get("expected_outcome", ""),
                    "actual_outcome": data.get("actual_outcome", ""),
                    "kpi_name": data.get("kpi_name", ""),
                    "kpi_unit": data.get("kpi_unit", ""),
                    "kpi_target": data.get("kpi_target"),
                    "kpi_actual": data.get("kpi_actual"),
                    "sort_order": order,
                },
            )
            targets = [("idea", _find_idea(agency, t)) for t in data.get("ideas", [])]
            if data.get("survey"):
                targets.append(("survey", _find_survey(agency, data["survey"])))
            if data.get("workshop"):
                targets.append(("workshop", _find_workshop(agency)))
            for kind, target in targets:
                if target is None:
                    continue
                try:
                    if services.plan_item_link(item=item, actor=actor, kind=kind, target=target):
                        linked += 1
                except ValidationError:
                    continue
    ctx.log.append(
        f"plans: แผนปีงบประมาณ {FISCAL_YEAR} ของ {len(PLANS)} หน่วยงาน (เชื่อมโยงใหม่ {linked} รายการ)"
    )

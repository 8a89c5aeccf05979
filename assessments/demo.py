"""Demo self-assessment: a draft 2570 PMQA 4.0 self-assessment for the demo hospital, its
category 3 and RM3 answers written in Thai, with evidence citing the demo ideas, the finished
demo workshop and the outpatient satisfaction survey; strengths and OFIs, one OFI already in
the 2571 plan. Idempotent: records are looked up by title, evidence is only cited once."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from . import selectors, services
from .models import Category, CriteriaSet, Finding, Item, ItemAnswer, Level, SelfAssessment

FISCAL_YEAR = 2570
AGENCY = "sisuk-hospital"
SURVEY_TITLE = "แบบสำรวจความพึงพอใจผู้รับบริการแผนกผู้ป่วยนอก"
WORKSHOP_TITLE = "ลดเวลารอคอยที่แผนกผู้ป่วยนอก"

# item code -> (level, explanation, [("idea"|"workshop"|"survey", title or None)])
ANSWERS = {
    "3.1": (
        Level.ADVANCE,
        "โรงพยาบาลรับฟังผู้รับบริการผ่านระบบร่วมคิด (ข้อเสนอออนไลน์ โหวต ความคิดเห็น) "
        "ตู้รับความคิดเห็น และแบบสำรวจความพึงพอใจแผนกผู้ป่วยนอก ข้อเสนอทุกเรื่องถูกจัดหมวดหมู่อัตโนมัติ "
        "และผู้ดูแลตอบกลับอย่างเป็นทางการ จัดเวิร์กช็อปออกแบบบริการร่วมกับผู้ป่วยและญาติเรื่องลดเวลารอคอย",
        [("workshop", WORKSHOP_TITLE), ("idea", "อยากให้มีระบบนัดหมายออนไลน์")],
    ),
    "3.2": (
        Level.BASIC,
        "สำรวจความพึงพอใจผู้รับบริการแผนกผู้ป่วยนอกผ่านคิวอาร์โค้ดหน้าห้องตรวจ วิเคราะห์ร้อยละความพึงพอใจ "
        "รายปีงบประมาณเทียบเป้าหมายร้อยละ 85 ยังไม่ได้แยกวิเคราะห์ตามกลุ่มผู้รับบริการ",
        [("survey", SURVEY_TITLE)],
    ),
    "3.3": (
        Level.ADVANCE,
        "นำข้อเสนอของประชาชนมาพัฒนาบริการ เช่น ชำระเงินผ่าน QR code ทุกจุด (ดำเนินการแล้ว) "
        "และระบบนัดหมายออนไลน์ซึ่งได้ต้นแบบจากเวิร์กช็อปออกแบบบริการร่วมกับผู้ป่วย",
        [
            ("idea", "ชำระเงินผ่าน QR code"),
            ("workshop", WORKSHOP_TITLE),
        ],
    ),
    "3.4": (
        Level.BASIC,
        "ข้อร้องเรียนผ่านระบบร่วมคิดได้รับการตอบกลับอย่างเป็นทางการและติดตามสถานะจนปิดเรื่อง "
        "กำหนดมาตรฐานตอบกลับภายใน 15 วัน ยังต้องวิเคราะห์สาเหตุของเรื่องที่เกิดซ้ำ เช่น ห้องยาจ่ายช้า",
        [("idea", "ห้องยาจ่ายช้ามาก"), ("idea", "ที่จอดรถไม่พอ วนหาครึ่งชั่วโมง")],
    ),
    "7.3": (
        Level.BASIC,
        "มีผลร้อยละความพึงพอใจของผู้รับบริการแผนกผู้ป่วยนอกจากแบบสำรวจในระบบร่วมคิด "
        "ปีงบประมาณ 2570 เทียบกับเป้าหมายร้อยละ 85",
        [("survey", SURVEY_TITLE)],
    ),
}

FINDINGS = [
    (3, "strength", "3.1", "มีช่องทางรับฟังเสียงประชาชนออนไลน์ที่ตอบกลับอย่างเป็นทางการและเปิดเผยผลการนำไปใช้"),
    (
        3,
        "strength",
        "3.3",
        "ออกแบบบริการร่วมกับผู้ป่วยผ่านเวิร์กช็อป และนำข้อเสนอไปทำจริง เช่น ชำระเงินด้วย QR code",
    ),
    (
        3,
        "ofi",
        "3.2",
        "วิเคราะห์ความพึงพอใจแยกตามกลุ่มผู้รับบริการ (ผู้สูงอายุ ผู้ป่วยโรคเรื้อรัง) และจัดทำแผนปรับปรุงประเด็นที่ได้คะแนนต่ำ",
    ),
    (
        3,
        "ofi",
        "3.4",
        "วิเคราะห์สาเหตุข้อร้องเรียนที่เกิดซ้ำเรื่องเวลารอรับยา และลดระยะเวลาตอบกลับให้อยู่ภายใน 15 วันทุกเรื่อง",
    ),
    (7, "ofi", "7.3", "ติดตามร้อยละความพึงพอใจต่อเนื่อง 3 ปีเพื่อแสดงแนวโน้มเทียบเป้าหมายร้อยละ 85"),
]
TO_PLAN = "วิเคราะห์สาเหตุข้อร้องเรียนที่เกิดซ้ำเรื่องเวลารอรับยา"


def _target(agency, kind: str, title: str):
    if kind == "idea":
        from ideas.models import Idea

        return Idea.objects.filter(agency=agency, title=title).exclude(status="hidden").first()
    if kind == "workshop":
        from workshops.models import Workshop

        return (
            Workshop.objects.filter(agency=agency, title=title)
            .exclude(status=Workshop.Status.DRAFT)
            .first()
        )
    from surveys.models import SurveyPage

    return SurveyPage.objects.filter(agency=agency, title=title).first()


def criteria_set_items(assessment) -> Q:
    return Q(category__criteria_set_id=assessment.criteria_set_id)


@transaction.atomic
def seed(ctx) -> None:
    agency = ctx.agencies.get(AGENCY)
    if agency is None or not CriteriaSet.objects.filter(fiscal_year=FISCAL_YEAR).exists():
        return
    manager = ctx.users.get("manager") or ctx.users["admin"]
    moderator = ctx.users.get("moderator") or manager
    assessment = SelfAssessment.objects.filter(agency=agency, fiscal_year=FISCAL_YEAR).first()
    created = assessment is None
    if created:
        assessment = services.self_assessment_create(
            agency=agency, fiscal_year=FISCAL_YEAR, actor=manager
        )
    cited = 0
    items = Item.objects.filter(criteria_set_items(assessment), code__in=list(ANSWERS))
    suggested = selectors.item_suggestions(assessment, list(items))
    for code, (level, explanation, targets) in ANSWERS.items():
        details = {
            (r["kind"], r["id"]): r["detail"] for r in suggested.get(code, {}).get("records", [])
        }
        answer = ItemAnswer.objects.select_related("assessment__agency", "item").get(
            assessment=assessment, item__code=code
        )
        if not answer.explanation:
            basic = set(answer.item.questions.filter(level__lte=level).values_list("pk", flat=True))
            services.item_answer_update(
                answer=answer,
                actor=manager if code != "3.4" else moderator,
                level=level,
                explanation=explanation,
                checked_question_ids=basic,
            )
        for kind, title in targets:
            target = _target(agency, kind, title)
            if target is None:
                continue
            before = answer.evidence.count()
            try:
                services.evidence_add_record(
                    answer=answer,
                    actor=manager,
                    kind=kind,
                    target=target,
                    note=details.get((kind, target.pk), ""),
                )
            except ValidationError:
                continue
            cited += answer.evidence.count() - before
    for number, kind, code, text in FINDINGS:
        category = Category.objects.get(criteria_set=assessment.criteria_set, number=number)
        if Finding.objects.filter(assessment=assessment, text=text).exists():
            continue
        services.finding_add(
            assessment=assessment,
            actor=manager,
            category=category,
            kind=kind,
            text=text,
            item=Item.objects.get(category=category, code=code),
        )
    ofi = Finding.objects.filter(assessment=assessment, text__startswith=TO_PLAN).first()
    if ofi is not None:
        services.finding_to_plan_item(finding=ofi, actor=manager)
    if created:
        services.comment_add(
            assessment=assessment,
            actor=moderator,
            body="ประเด็น 3.4 ควรแนบสรุปข้อร้องเรียนรายเดือนจากศูนย์รับเรื่องด้วย",
            item=Item.objects.get(category__criteria_set=assessment.criteria_set, code="3.4"),
        )
    ctx.log.append(
        f"assessments: การประเมินตนเอง PMQA 4.0 ปีงบประมาณ {FISCAL_YEAR} ของ {agency.name} "
        f"(ฉบับร่าง, อ้างอิงหลักฐานใหม่ {cited} รายการ) → /assessments/"
    )

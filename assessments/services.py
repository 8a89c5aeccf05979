"""Writes for self-assessments. Views and the API check `assessments.*` rules first; these
functions check what the data must satisfy (status, same agency, file type) and keep history."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from portal.services import audit_log

from .models import (
    AssessmentComment,
    Category,
    ChecklistAnswer,
    ChecklistQuestion,
    CriteriaSet,
    Evidence,
    Finding,
    HistoryEntry,
    Item,
    ItemAnswer,
    Level,
    SelfAssessment,
)

MAX_PDF_BYTES = 10 * 1024 * 1024
PDF_CONTENT_TYPES = {"application/pdf", "application/x-pdf"}


def _history(assessment: SelfAssessment, actor, action: str, summary: str, **data) -> None:
    HistoryEntry.objects.create(
        assessment=assessment,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        summary=summary[:500],
        data=data,
    )


def _contribute(assessment: SelfAssessment, actor, answer: ItemAnswer | None = None) -> None:
    if actor is None or not actor.is_authenticated:
        return
    assessment.contributors.add(actor)
    if answer is not None:
        answer.contributors.add(actor)


def _ensure_editable(assessment: SelfAssessment) -> None:
    if assessment.status == SelfAssessment.Status.SUBMITTED:
        raise ValidationError(
            "การประเมินนี้ส่งแล้ว แก้ไขไม่ได้ ต้องเปิดแก้ไขใหม่ก่อน (assessment already submitted)"
        )


# --- criteria ---------------------------------------------------------------------------------


@transaction.atomic
def criteria_set_copy(*, source: CriteriaSet, fiscal_year: int) -> CriteriaSet:
    """Start next year's criteria from this year's (admins then edit what changed)."""
    if CriteriaSet.objects.filter(fiscal_year=fiscal_year).exists():
        raise ValidationError(f"มีเกณฑ์ของปีงบประมาณ {fiscal_year} อยู่แล้ว (criteria exist)")
    title = source.title.replace(str(source.fiscal_year), str(fiscal_year))
    copy = CriteriaSet.objects.create(
        fiscal_year=fiscal_year, title=title, source_note=source.source_note
    )
    for category in source.categories.prefetch_related("items__questions"):
        new_category = Category.objects.create(
            criteria_set=copy,
            number=category.number,
            name=category.name,
            description=category.description,
        )
        for item in category.items.all():
            questions = list(item.questions.all())
            item.pk = None
            item.category = new_category
            item.save()
            ChecklistQuestion.objects.bulk_create(
                ChecklistQuestion(item=item, level=q.level, text=q.text, sort_order=q.sort_order)
                for q in questions
            )
    return copy


# --- assessment lifecycle ---------------------------------------------------------------------


@transaction.atomic
def self_assessment_create(*, agency, fiscal_year: int, actor) -> SelfAssessment:
    """A draft assessment against the criteria of that fiscal year, one answer per item."""
    criteria = CriteriaSet.objects.filter(fiscal_year=fiscal_year).first()
    if criteria is None:
        raise ValidationError(
            f"ยังไม่มีเกณฑ์ PMQA ของปีงบประมาณ {fiscal_year} ให้ผู้ดูแลระบบเพิ่มเกณฑ์ก่อน "
            "(no criteria for this fiscal year)"
        )
    if SelfAssessment.objects.filter(agency=agency, fiscal_year=fiscal_year).exists():
        raise ValidationError(
            f"มีการประเมินตนเองของปีงบประมาณ {fiscal_year} อยู่แล้ว (assessment exists)"
        )
    assessment = SelfAssessment.objects.create(
        agency=agency, fiscal_year=fiscal_year, criteria_set=criteria, created_by=actor
    )
    items = Item.objects.filter(category__criteria_set=criteria)
    ItemAnswer.objects.bulk_create(
        ItemAnswer(assessment=assessment, item=item, target_level=item.target_level)
        for item in items
    )
    _contribute(assessment, actor)
    _history(assessment, actor, "create", f"เริ่มการประเมินตนเองปีงบประมาณ {fiscal_year}")
    audit_log(actor=actor, action="assessment.create", target=assessment, agency=agency)
    return assessment


TRANSITIONS = {
    # to_status: (allowed from, rule the view/API checks)
    SelfAssessment.Status.REVIEWED: ({SelfAssessment.Status.DRAFT}, "review_assessment"),
    SelfAssessment.Status.SUBMITTED: (
        {SelfAssessment.Status.DRAFT, SelfAssessment.Status.REVIEWED},
        "submit_assessment",
    ),
    SelfAssessment.Status.DRAFT: (
        {SelfAssessment.Status.REVIEWED, SelfAssessment.Status.SUBMITTED},
        "reopen_assessment",
    ),
}


def transition_rule(to_status: str) -> str:
    if to_status not in TRANSITIONS:
        raise ValidationError("สถานะไม่ถูกต้อง (invalid status)")
    return "assessments." + TRANSITIONS[to_status][1]


@transaction.atomic
def self_assessment_transition(
    *, assessment: SelfAssessment, actor, to_status: str
) -> SelfAssessment:
    """draft → reviewed → submitted (submit also straight from draft); reopen → draft."""
    rule = transition_rule(to_status)
    if not actor.has_perm(rule, assessment):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(
            "เฉพาะผู้จัดการหรือผู้ดูแลหน่วยงานเท่านั้นที่ส่งหรือเปิดแก้ไขการประเมินได้ (managers/admins only)"
        )
    locked = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    allowed_from, _rule = TRANSITIONS[to_status]
    if locked.status not in allowed_from:
        raise ValidationError(
            f"เปลี่ยนสถานะจาก “{locked.get_status_display()}” เป็น "
            f"“{SelfAssessment.Status(to_status).label}” ไม่ได้ (invalid transition)"
        )
    if to_status == SelfAssessment.Status.SUBMITTED:
        missing = ItemAnswer.objects.filter(assessment=locked, explanation="").count()
        if missing:
            raise ValidationError(
                f"ยังมี {missing} ประเด็นที่ไม่มีคำอธิบาย กรุณาเขียนให้ครบก่อนส่ง "
                "(every item needs an explanation)"
            )
    now = timezone.now()
    old = locked.status
    locked.status = to_status
    if to_status == SelfAssessment.Status.REVIEWED:
        locked.reviewed_by, locked.reviewed_at = actor, now
    elif to_status == SelfAssessment.Status.SUBMITTED:
        locked.submitted_by, locked.submitted_at = actor, now
    locked.save()
    _history(
        locked,
        actor,
        "status",
        f"เปลี่ยนสถานะ: {SelfAssessment.Status(old).label} → {locked.get_status_display()}",
        from_status=old,
        to_status=to_status,
    )
    audit_log(
        actor=actor,
        action="assessment.status",
        target=locked,
        agency=locked.agency,
        from_status=old,
        to_status=to_status,
    )
    assessment.status = locked.status
    return locked


@transaction.atomic
def item_answer_update(
    *,
    answer: ItemAnswer,
    actor,
    level: int,
    explanation: str,
    checked_question_ids: set[int] | None = None,
    target_level: int | None = None,
) -> ItemAnswer:
    assessment = answer.assessment
    _ensure_editable(assessment)
    if level not in Level.values or (target_level is not None and target_level not in Level.values):
        raise ValidationError("ระดับไม่ถูกต้อง (invalid level)")
    explanation = (explanation or "").strip()
    if len(explanation) > 20000:
        raise ValidationError("คำอธิบายยาวเกิน 20,000 ตัวอักษร (explanation too long)")
    old_level = answer.level
    answer.level = level
    answer.explanation = explanation
    if target_level is not None:
        answer.target_level = target_level
    answer.updated_by = actor
    answer.save()
    if checked_question_ids is not None:
        question_ids = set(answer.item.questions.values_list("pk", flat=True))
        unknown = set(checked_question_ids) - question_ids
        if unknown:
            raise ValidationError("คำถามตรวจสอบไม่อยู่ในประเด็นนี้ (unknown checklist question)")
        existing = {c.question_id: c for c in answer.checks.all()}
        for qid in question_ids:
            checked = qid in checked_question_ids
            if qid in existing:
                if existing[qid].checked != checked:
                    existing[qid].checked = checked
                    existing[qid].save(update_fields=["checked"])
            else:
                ChecklistAnswer.objects.create(answer=answer, question_id=qid, checked=checked)
    _contribute(assessment, actor, answer)
    _history(
        assessment,
        actor,
        "answer",
        f"แก้ไขประเด็น {answer.item.code}: ระดับ {Level(old_level).label} → {Level(level).label}",
        item=answer.item.code,
        level=level,
    )
    return answer


# --- evidence ---------------------------------------------------------------------------------


def _next_number(answer: ItemAnswer) -> int:
    current = Evidence.objects.filter(answer=answer).aggregate(n=Max("number"))["n"]
    return (current or 0) + 1


def _check_pdf(upload) -> None:
    if upload is None:
        raise ValidationError("กรุณาเลือกไฟล์ PDF (no file)")
    if upload.size > MAX_PDF_BYTES:
        raise ValidationError(f"ไฟล์ใหญ่เกิน {MAX_PDF_BYTES // (1024 * 1024)} MB (file too large)")
    if upload.size == 0:
        raise ValidationError("ไฟล์ว่างเปล่า (empty file)")
    name = (upload.name or "").lower()
    content_type = (getattr(upload, "content_type", "") or "").lower()
    if not name.endswith(".pdf") or (content_type and content_type not in PDF_CONTENT_TYPES):
        raise ValidationError("รับเฉพาะไฟล์ PDF (only PDF files)")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValidationError("ไฟล์นี้ไม่ใช่ PDF ที่ถูกต้อง (not a PDF)")


@transaction.atomic
def evidence_add_file(*, answer: ItemAnswer, actor, upload, title: str, note: str = "") -> Evidence:
    _ensure_editable(answer.assessment)
    _check_pdf(upload)
    title = (title or "").strip() or (upload.name or "")[:255]
    answer = ItemAnswer.objects.select_for_update().get(pk=answer.pk)
    evidence = Evidence(
        answer=answer,
        number=_next_number(answer),
        kind=Evidence.Kind.FILE,
        title=title[:255],
        note=(note or "").strip(),
        file_size=upload.size,
        added_by=actor,
    )
    evidence.file.save(
        f"{answer.assessment.agency.slug}-{answer.item.code}.pdf", upload, save=False
    )
    evidence.save()
    _contribute(answer.assessment, actor, answer)
    _history(
        answer.assessment,
        actor,
        "evidence.add",
        f"แนบไฟล์หลักฐานในประเด็น {answer.item.code}: {evidence.title}",
        item=answer.item.code,
        evidence=evidence.pk,
    )
    return evidence


def record_target(*, kind: str, target_id: int):
    """The idea / workshop / survey / plan item with that id, or None."""
    if kind == Evidence.Kind.PLAN_ITEM:
        from plans.models import PlanItem

        return PlanItem.objects.select_related("plan").filter(pk=target_id).first()
    if kind in ("idea", "workshop", "survey"):
        from plans.services import link_target

        return link_target(kind=kind, target_id=target_id)
    raise ValidationError("ประเภทหลักฐานไม่ถูกต้อง (invalid evidence kind)")


def _record_title(kind: str, target) -> str:
    prefix = {
        Evidence.Kind.IDEA: "ข้อเสนอ",
        Evidence.Kind.WORKSHOP: "เวิร์กช็อป",
        Evidence.Kind.SURVEY: "ผลแบบสำรวจ",
        Evidence.Kind.PLAN_ITEM: "รายการในแผนพัฒนา",
    }[kind]
    return f"{prefix} #{target.pk}: {target.title}"[:255]


@transaction.atomic
def evidence_add_record(
    *, answer: ItemAnswer, actor, kind: str, target, note: str = ""
) -> Evidence:
    """Cite a portal record of the same agency. Returns the existing evidence if already cited."""
    _ensure_editable(answer.assessment)
    if kind not in Evidence.RECORD_KINDS:
        raise ValidationError("ประเภทหลักฐานไม่ถูกต้อง (invalid evidence kind)")
    if target is None:
        raise ValidationError("ไม่พบรายการที่อ้างอิง (record not found)")
    if target.agency_id != answer.assessment.agency_id:
        raise ValidationError("อ้างอิงได้เฉพาะข้อมูลของหน่วยงานเดียวกัน (record belongs to another agency)")
    if kind == Evidence.Kind.IDEA and target.status == "hidden":
        raise ValidationError("ข้อเสนอที่ถูกซ่อนใช้เป็นหลักฐานไม่ได้ (hidden idea)")
    if kind == Evidence.Kind.WORKSHOP and target.status == "draft":
        raise ValidationError("เวิร์กช็อปฉบับร่างใช้เป็นหลักฐานไม่ได้ (draft workshop)")
    answer = ItemAnswer.objects.select_for_update().get(pk=answer.pk)
    existing = Evidence.objects.filter(answer=answer, kind=kind, **{kind: target}).first()
    if existing is not None:
        return existing
    evidence = Evidence.objects.create(
        answer=answer,
        number=_next_number(answer),
        kind=kind,
        title=_record_title(kind, target),
        note=(note or "").strip()[:2000],
        added_by=actor,
        **{kind: target},
    )
    _contribute(answer.assessment, actor, answer)
    _history(
        answer.assessment,
        actor,
        "evidence.add",
        f"อ้างอิง{evidence.get_kind_display()}ในประเด็น {answer.item.code}: {evidence.title}",
        item=answer.item.code,
        evidence=evidence.pk,
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor) -> None:
    answer = evidence.answer
    _ensure_editable(answer.assessment)
    title = evidence.title
    if evidence.file:
        evidence.file.delete(save=False)
    evidence.delete()
    _history(
        answer.assessment,
        actor,
        "evidence.remove",
        f"ลบหลักฐานในประเด็น {answer.item.code}: {title}",
        item=answer.item.code,
    )


# --- comments and findings --------------------------------------------------------------------


@transaction.atomic
def comment_add(
    *, assessment: SelfAssessment, actor, body: str, item: Item | None = None
) -> AssessmentComment:
    body = (body or "").strip()
    if not body:
        raise ValidationError("กรุณาเขียนความคิดเห็น (empty comment)")
    if len(body) > 5000:
        raise ValidationError("ความคิดเห็นยาวเกิน 5,000 ตัวอักษร (comment too long)")
    if item is not None and item.category.criteria_set_id != assessment.criteria_set_id:
        raise ValidationError("ประเด็นไม่อยู่ในเกณฑ์ของการประเมินนี้ (unknown item)")
    return AssessmentComment.objects.create(
        assessment=assessment, item=item, author=actor, body=body
    )


@transaction.atomic
def finding_add(
    *,
    assessment: SelfAssessment,
    actor,
    category: Category,
    kind: str,
    text: str,
    item: Item | None = None,
) -> Finding:
    _ensure_editable(assessment)
    text = (text or "").strip()
    if kind not in Finding.Kind.values:
        raise ValidationError("ประเภทไม่ถูกต้อง (invalid kind)")
    if not text:
        raise ValidationError("กรุณาเขียนข้อความ (empty text)")
    if len(text) > 2000:
        raise ValidationError("ข้อความยาวเกิน 2,000 ตัวอักษร (text too long)")
    if category.criteria_set_id != assessment.criteria_set_id:
        raise ValidationError("หมวดไม่อยู่ในเกณฑ์ของการประเมินนี้ (unknown category)")
    if item is not None and item.category_id != category.pk:
        raise ValidationError("ประเด็นไม่อยู่ในหมวดนี้ (item not in category)")
    finding = Finding.objects.create(
        assessment=assessment, category=category, item=item, kind=kind, text=text, created_by=actor
    )
    _contribute(assessment, actor)
    _history(
        assessment,
        actor,
        "finding.add",
        f"เพิ่ม{finding.get_kind_display()} หมวด {category.number}: {text[:120]}",
        finding=finding.pk,
    )
    return finding


@transaction.atomic
def finding_delete(*, finding: Finding, actor) -> None:
    assessment = finding.assessment
    _ensure_editable(assessment)
    if finding.plan_item_id:
        raise ValidationError(
            "โอกาสในการปรับปรุงนี้เป็นที่มาของรายการในแผนแล้ว ลบไม่ได้ (linked to a plan item)"
        )
    _history(
        assessment,
        actor,
        "finding.delete",
        f"ลบ{finding.get_kind_display()} หมวด {finding.category.number}: {finding.text[:120]}",
    )
    finding.delete()


def _plans_item_code(finding: Finding) -> str:
    """The plans app's PMQA item code for this finding (plans has a smaller item list)."""
    from plans import pmqa

    for code in (
        finding.item.plans_item if finding.item else "",
        finding.item.code if finding.item else "",
    ):
        if code and pmqa.category_of(code) == finding.category.number:
            return code
    general = f"{finding.category.number}.1"
    return (
        general
        if pmqa.category_of(general)
        else next(code for code in pmqa.ITEMS if pmqa.category_of(code) == finding.category.number)
    )


@transaction.atomic
def finding_to_plan_item(*, finding: Finding, actor):
    """Turn an OFI into an item of next fiscal year's improvement plan (created if missing).

    The link is kept both ways: `finding.plan_item` and `plan_item.assessment_findings`; the
    item's description says which assessment and OFI it comes from. Idempotent.
    """
    from plans.models import ImprovementPlan, PlanItem

    # Lock only the finding's row (PostgreSQL refuses FOR UPDATE across the nullable item join).
    Finding.objects.select_for_update().filter(pk=finding.pk).values_list("pk").get()
    finding = Finding.objects.select_related("assessment__agency", "category", "item").get(
        pk=finding.pk
    )
    if finding.kind != Finding.Kind.OFI:
        raise ValidationError(
            "แปลงเป็นรายการในแผนได้เฉพาะโอกาสในการปรับปรุง (only OFIs become plan items)"
        )
    if finding.plan_item_id:
        return finding.plan_item
    assessment = finding.assessment
    plan_year = assessment.fiscal_year + 1
    plan, _created = ImprovementPlan.objects.get_or_create(
        agency=assessment.agency,
        fiscal_year=plan_year,
        defaults={
            "title": f"แผนพัฒนาองค์การ {assessment.agency.name} ปีงบประมาณ {plan_year}",
            "summary": f"จัดทำจากผลการประเมินตนเองตามเกณฑ์ PMQA 4.0 ปีงบประมาณ {assessment.fiscal_year}",
            "is_published": False,
        },
    )
    code = _plans_item_code(finding)
    source = finding.item.label if finding.item else f"หมวด {finding.category.number}"
    title = finding.text.split("\n", 1)[0].strip()
    if len(title) > 200:
        title = title[:197] + "..."
    item = PlanItem(
        plan=plan,
        title=title,
        description=(
            f"ที่มา: โอกาสในการปรับปรุง (OFI) จากการประเมินตนเอง PMQA 4.0 ปีงบประมาณ "
            f"{assessment.fiscal_year} ({source})\n\n{finding.text}"
        ),
        pmqa_category=finding.category.number,
        pmqa_item=code,
        sort_order=(PlanItem.objects.filter(plan=plan).aggregate(n=Max("sort_order"))["n"] or 0)
        + 1,
    )
    item.full_clean()
    item.save()
    finding.plan_item = item
    finding.save(update_fields=["plan_item"])
    _history(
        assessment,
        actor,
        "finding.to_plan",
        f"แปลงโอกาสในการปรับปรุงเป็นรายการในแผนปีงบประมาณ {plan_year}: {item.title[:120]}",
        finding=finding.pk,
        plan_item=item.pk,
    )
    audit_log(
        actor=actor,
        action="assessment.ofi_to_plan",
        target=item,
        agency=assessment.agency,
        finding=finding.pk,
    )
    return item

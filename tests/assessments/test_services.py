"""Lifecycle, evidence rules, findings and the OFI → plan item link (both ways)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import selectors, services
from assessments.models import Category, Evidence, Finding, HistoryEntry, Item, SelfAssessment
from plans.models import ImprovementPlan, PlanItem
from portal.models import AuditLogEntry, Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name="report.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _category(assessment, number):
    return Category.objects.get(criteria_set=assessment.criteria_set, number=number)


def _item(assessment, code):
    return Item.objects.get(category__criteria_set=assessment.criteria_set, code=code)


def _ofi(assessment, actor, code="3.4", text="ลดระยะเวลาตอบกลับข้อร้องเรียนให้อยู่ภายใน 15 วัน"):
    item = _item(assessment, code)
    return services.finding_add(
        assessment=assessment,
        actor=actor,
        category=item.category,
        kind=Finding.Kind.OFI,
        text=text,
        item=item,
    )


def test_ofi_becomes_next_years_plan_item_linked_both_ways(assessment, manager):
    ofi = _ofi(assessment, manager)
    item = services.finding_to_plan_item(finding=ofi, actor=manager)

    plan = ImprovementPlan.objects.get(agency=assessment.agency, fiscal_year=2571)
    assert item.plan == plan and not plan.is_published
    assert (item.pmqa_category, item.pmqa_item) == (3, "3.4")
    assert item.title == "ลดระยะเวลาตอบกลับข้อร้องเรียนให้อยู่ภายใน 15 วัน"
    assert "ปีงบประมาณ 2570" in item.description and "OFI" in item.description
    ofi.refresh_from_db()
    assert ofi.plan_item == item  # assessment → plan
    assert list(item.assessment_findings.all()) == [ofi]  # plan → assessment
    # One step, once: doing it again returns the same item.
    assert services.finding_to_plan_item(finding=ofi, actor=manager) == item
    assert PlanItem.objects.filter(plan=plan).count() == 1
    assert AuditLogEntry.objects.filter(action="assessment.ofi_to_plan").count() == 1
    assert HistoryEntry.objects.filter(assessment=assessment, action="finding.to_plan").exists()
    # The JSON shows the link too.
    payload = selectors.assessment_payload(assessment)
    cat3 = payload["categories"][2]
    assert cat3["ofis"][0]["plan_item"] == {
        "id": item.pk,
        "title": item.title,
        "fiscal_year": 2571,
        "pmqa_item": "3.4",
    }
    # A finding behind a plan item can't be deleted.
    with pytest.raises(ValidationError):
        services.finding_delete(finding=ofi, actor=manager)


def test_ofi_joins_an_existing_plan_and_maps_items_plans_does_not_have(assessment, manager):
    plan = ImprovementPlan.objects.create(
        agency=assessment.agency, fiscal_year=2571, title="แผน 2571", is_published=True
    )
    PlanItem.objects.create(plan=plan, title="เดิม", pmqa_category=3, pmqa_item="3.3")
    governance = _ofi(assessment, manager, code="1.3", text="ประเมินความเสี่ยงการทุจริตทุกกระบวนงาน")
    results = _ofi(assessment, manager, code="7.3", text="ติดตามความพึงพอใจ 3 ปี")
    a = services.finding_to_plan_item(finding=governance, actor=manager)
    b = services.finding_to_plan_item(finding=results, actor=manager)
    assert a.plan == plan and b.plan == plan
    # plans.pmqa has no 1.3; the criteria map it to 1.2 (governance). RM3 is 7.2 in plans.
    assert (a.pmqa_category, a.pmqa_item) == (1, "1.2")
    assert (b.pmqa_category, b.pmqa_item) == (7, "7.2")
    assert plan.items.count() == 3


def test_strengths_do_not_become_plan_items(assessment, manager):
    strength = services.finding_add(
        assessment=assessment,
        actor=manager,
        category=_category(assessment, 3),
        kind=Finding.Kind.STRENGTH,
        text="ตอบกลับประชาชนทุกเรื่อง",
    )
    with pytest.raises(ValidationError):
        services.finding_to_plan_item(finding=strength, actor=manager)
    assert not PlanItem.objects.exists()


def test_finding_must_belong_to_the_assessments_criteria(assessment, manager):
    copy = services.criteria_set_copy(source=assessment.criteria_set, fiscal_year=2571)
    foreign = Category.objects.get(criteria_set=copy, number=3)
    with pytest.raises(ValidationError):
        services.finding_add(
            assessment=assessment, actor=manager, category=foreign, kind="ofi", text="x"
        )
    with pytest.raises(ValidationError):
        services.finding_add(
            assessment=assessment,
            actor=manager,
            category=_category(assessment, 3),
            kind="ofi",
            text="x",
            item=_item(assessment, "1.1"),
        )


def test_status_flow_and_who_may_submit(assessment, manager, moderator, answer_of):
    with pytest.raises(ValidationError, match="ยังมี"):
        services.self_assessment_transition(
            assessment=assessment, actor=manager, to_status="submitted"
        )
    services.self_assessment_transition(
        assessment=assessment, actor=moderator, to_status="reviewed"
    )
    assessment.refresh_from_db()
    assert assessment.status == "reviewed" and assessment.reviewed_by == moderator
    assessment.answers.update(explanation="มีหลักฐานครบ")
    with pytest.raises(PermissionDenied):
        services.self_assessment_transition(
            assessment=assessment, actor=moderator, to_status="submitted"
        )
    services.self_assessment_transition(assessment=assessment, actor=manager, to_status="submitted")
    assessment.refresh_from_db()
    assert assessment.status == SelfAssessment.Status.SUBMITTED
    assert assessment.submitted_by == manager and assessment.submitted_at is not None
    # Submitted is locked: no edits, no evidence, no findings.
    with pytest.raises(ValidationError, match="ส่งแล้ว"):
        services.item_answer_update(
            answer=answer_of("3.2"), actor=manager, level=2, explanation="แก้"
        )
    with pytest.raises(ValidationError):
        services.evidence_add_file(answer=answer_of("3.2"), actor=manager, upload=_pdf(), title="x")
    with pytest.raises(ValidationError):
        _ofi(assessment, manager)
    with pytest.raises(ValidationError):  # reviewed again? only from draft
        services.self_assessment_transition(
            assessment=assessment, actor=manager, to_status="reviewed"
        )
    # A manager may reopen it.
    services.self_assessment_transition(assessment=assessment, actor=manager, to_status="draft")
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    statuses = list(
        HistoryEntry.objects.filter(assessment=assessment, action="status")
        .order_by("pk")
        .values_list("data__to_status", flat=True)
    )
    assert statuses == ["reviewed", "submitted", "draft"]


def test_answer_update_records_checklist_and_contributors(assessment, moderator, answer_of):
    answer = answer_of("3.1")
    questions = list(answer.item.questions.order_by("level", "sort_order"))
    services.item_answer_update(
        answer=answer,
        actor=moderator,
        level=2,
        explanation="  รับฟังผ่านระบบร่วมคิดและเวิร์กช็อป  ",
        checked_question_ids={questions[0].pk, questions[2].pk},
    )
    answer.refresh_from_db()
    assert answer.level == 2 and answer.explanation == "รับฟังผ่านระบบร่วมคิดและเวิร์กช็อป"
    checked = set(answer.checks.filter(checked=True).values_list("question_id", flat=True))
    assert checked == {questions[0].pk, questions[2].pk}
    assert answer.checks.count() == len(questions)
    assert moderator in answer.contributors.all()
    assert moderator in assessment.contributors.all()
    other = Item.objects.get(category__criteria_set=assessment.criteria_set, code="1.1")
    foreign_question = other.questions.first()
    with pytest.raises(ValidationError):
        services.item_answer_update(
            answer=answer,
            actor=moderator,
            level=2,
            explanation="x",
            checked_question_ids={foreign_question.pk},
        )
    with pytest.raises(ValidationError):
        services.item_answer_update(answer=answer, actor=moderator, level=7, explanation="x")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: _pdf(name="report.docx"), "เฉพาะไฟล์ PDF"),
        (lambda: _pdf(content_type="image/png"), "เฉพาะไฟล์ PDF"),
        (lambda: _pdf(content=b"MZ not a pdf at all"), "ไม่ใช่ PDF"),
        (lambda: _pdf(content=b""), "ว่างเปล่า"),
        (lambda: _pdf(content=b"%PDF-" + b"0" * (10 * 1024 * 1024)), "ใหญ่เกิน"),
    ],
)
def test_evidence_file_checks(assessment, manager, answer_of, upload, message):
    with pytest.raises(ValidationError, match=message):
        services.evidence_add_file(
            answer=answer_of("3.2"), actor=manager, upload=upload(), title="รายงาน"
        )
    assert not Evidence.objects.exists()


def test_evidence_ids_follow_the_plans_scheme(assessment, manager, answer_of, settings):
    answer = answer_of("3.2")
    first = services.evidence_add_file(
        answer=answer, actor=manager, upload=_pdf(), title="รายงานผลสำรวจ"
    )
    second = services.evidence_add_file(
        answer=answer, actor=manager, upload=_pdf(name="b.pdf"), title="สรุปผล"
    )
    assert (first.number, second.number) == (1, 2)
    assert first.file.name.startswith("assessments/") and first.file_size == len(PDF)
    structure = selectors.assessment_structure(assessment)
    evidence = structure[2]["items"][1]["evidence"]
    assert [e["evidence_id"] for e in evidence] == [
        "E-3.2-2570-hospital-a-S01",
        "E-3.2-2570-hospital-a-S02",
    ]
    services.evidence_remove(evidence=first, actor=manager)
    third = services.evidence_add_file(
        answer=answer, actor=manager, upload=_pdf(name="c.pdf"), title="ใหม่"
    )
    assert third.number == 3  # ids are never reused


def test_evidence_records_same_agency_only(
    assessment, manager, answer_of, make_campaign, make_idea, other_agency, make_workshop
):
    from django.utils import timezone

    mine = make_idea(make_campaign(assessment.agency), created_at=timezone.now())
    theirs = make_idea(make_campaign(other_agency), created_at=timezone.now())
    hidden = make_idea(make_campaign(assessment.agency), created_at=timezone.now(), status="hidden")
    draft = make_workshop(assessment.agency, status="draft")
    answer = answer_of("3.4")
    evidence = services.evidence_add_record(answer=answer, actor=manager, kind="idea", target=mine)
    assert evidence.idea == mine and evidence.title.startswith(f"ข้อเสนอ #{mine.pk}")
    again = services.evidence_add_record(answer=answer, actor=manager, kind="idea", target=mine)
    assert again == evidence and answer.evidence.count() == 1
    for kind, target in [("idea", theirs), ("idea", hidden), ("workshop", draft), ("idea", None)]:
        with pytest.raises(ValidationError):
            services.evidence_add_record(answer=answer, actor=manager, kind=kind, target=target)
    assert answer.evidence.count() == 1


def test_structure_query_count_does_not_grow_with_evidence(
    assessment, manager, answer_of, django_assert_max_num_queries, make_campaign, make_idea
):
    from django.utils import timezone

    campaign = make_campaign(assessment.agency)
    for code in ("3.1", "3.3", "3.4", "1.1"):
        services.evidence_add_file(
            answer=answer_of(code), actor=manager, upload=_pdf(), title="ไฟล์"
        )
        idea = make_idea(campaign, created_at=timezone.now(), title=f"ข้อเสนอ {code}")
        services.evidence_add_record(
            answer=answer_of(code), actor=manager, kind="idea", target=idea
        )
    fresh = SelfAssessment.objects.select_related("agency", "criteria_set").get(pk=assessment.pk)
    with django_assert_max_num_queries(10):
        structure = selectors.assessment_structure(fresh)
        selectors.readiness(fresh, structure)
    assert sum(len(i["evidence"]) for c in structure for i in c["items"]) == 8


def test_readiness_counts_gaps_and_last_year(agency, manager, answer_of, assessment):
    services.criteria_set_copy(source=assessment.criteria_set, fiscal_year=2571)
    services.item_answer_update(answer=answer_of("3.2"), actor=manager, level=1, explanation="ก")
    next_year = services.self_assessment_create(agency=agency, fiscal_year=2571, actor=manager)
    answer = next_year.answers.select_related("item", "assessment__agency").get(item__code="3.2")
    services.item_answer_update(answer=answer, actor=manager, level=3, explanation="ข")
    services.evidence_add_file(answer=answer, actor=manager, upload=_pdf(), title="ไฟล์")
    ready = selectors.readiness(next_year)
    cat3 = ready["categories"][2]
    row = next(i for i in cat3["items"] if i["code"] == "3.2")
    assert row["last_year_level"] == 1 and row["level"] == 3 and row["at_target"]
    assert not row["missing_evidence"] and row["no_citizen_input"]  # a file is not citizen input
    assert cat3["avg_level"] == 0.75 and cat3["avg_last_year"] == 0.25
    assert ready["totals"]["items"] == 29 and ready["totals"]["at_target"] == 1
    assert ready["totals"]["no_evidence"] == 28 and ready["has_last_year"]


def test_comment_rules(assessment, moderator):
    with pytest.raises(ValidationError):
        services.comment_add(assessment=assessment, actor=moderator, body="   ")
    comment = services.comment_add(
        assessment=assessment,
        actor=moderator,
        body="ควรแนบรายงาน",
        item=_item(assessment, "3.4"),
    )
    assert comment.item.code == "3.4"


def test_roles_for_rules(agency, member):
    admin = member(Role.ADMIN)
    facilitator = member(Role.FACILITATOR)
    assert admin.has_perm("assessments.submit_assessment", agency)
    assert facilitator.has_perm("assessments.view_assessment", agency)
    assert not facilitator.has_perm("assessments.submit_assessment", agency)

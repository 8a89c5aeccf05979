"""HTML pages for the self-assessment workspace (members of the agency only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.services import audit_log

from . import exports, selectors, services
from .charts import readiness_charts
from .forms import (
    AnswerForm,
    CommentForm,
    CreateAssessmentForm,
    EvidenceFileForm,
    EvidenceRecordForm,
    FindingForm,
)
from .models import Category, Evidence, Finding, SelfAssessment

DENIED = "เฉพาะเจ้าหน้าที่ของหน่วยงานนี้ (members of this agency only)"
MANAGERS_ONLY = "เฉพาะผู้จัดการหรือผู้ดูแลหน่วยงาน (managers/admins only)"


def _assessment(request, agency_slug: str, fiscal_year: int, perm="assessments.view_assessment"):
    agency = selectors.agency_by_slug(agency_slug)
    if not request.user.has_perm("assessments.view_assessment", agency):
        raise PermissionDenied(DENIED)
    assessment = selectors.assessment_for(agency=agency, fiscal_year=fiscal_year)
    if assessment is None:
        raise Http404("ยังไม่มีการประเมินตนเองของปีงบประมาณนี้")
    if perm != "assessments.view_assessment" and not request.user.has_perm(perm, assessment):
        raise PermissionDenied(MANAGERS_ONLY)
    return assessment


def _errors(exc_or_form) -> str:
    if isinstance(exc_or_form, ValidationError):
        return " ".join(exc_or_form.messages)
    return " ".join(str(e) for errs in exc_or_form.errors.values() for e in errs)


@login_required
def index(request):
    agencies = list(selectors.member_agencies(request.user))
    if not agencies:
        raise PermissionDenied(DENIED)
    creatable = [a for a in agencies if request.user.has_perm("assessments.create_assessment", a)]
    return render(
        request,
        "assessments/index.html",
        {
            "assessments": selectors.assessments_for_user(request.user),
            "agencies": agencies,
            "create_form": CreateAssessmentForm(agencies=creatable) if creatable else None,
        },
    )


@login_required
@require_POST
def create(request):
    agencies = [
        a
        for a in selectors.member_agencies(request.user)
        if request.user.has_perm("assessments.create_assessment", a)
    ]
    if not agencies:
        raise PermissionDenied(MANAGERS_ONLY)
    form = CreateAssessmentForm(request.POST, agencies=agencies)
    if not form.is_valid():
        messages.error(request, _("สร้างไม่สำเร็จ: ") + _errors(form))
        return redirect("assessments:index")
    agency = next(a for a in agencies if a.slug == form.cleaned_data["agency"])
    try:
        assessment = services.self_assessment_create(
            agency=agency, fiscal_year=form.cleaned_data["fiscal_year"], actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("assessments:index")
    messages.success(request, _("เริ่มการประเมินตนเองแล้ว"))
    return redirect(assessment.get_absolute_url())


@login_required
def detail(request, agency_slug: str, fiscal_year: int):
    assessment = _assessment(request, agency_slug, fiscal_year)
    structure = selectors.assessment_structure(assessment)
    user = request.user
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "structure": structure,
            "ready": selectors.readiness(assessment, structure),
            "comments": selectors.comments_of(assessment),
            "history": selectors.history_of(assessment),
            "contributors": sorted(u.public_name for u in assessment.contributors.all()),
            "comment_form": CommentForm(),
            "can_review": user.has_perm("assessments.review_assessment", assessment),
            "can_submit": user.has_perm("assessments.submit_assessment", assessment),
            "can_to_plan": user.has_perm("assessments.ofi_to_plan", assessment),
            "Status": SelfAssessment.Status,
            "finding_kinds": Finding.Kind.choices,
        },
    )


@login_required
def readiness_page(request, agency_slug: str, fiscal_year: int):
    assessment = _assessment(request, agency_slug, fiscal_year)
    ready = selectors.readiness(assessment)
    return render(
        request,
        "assessments/readiness.html",
        {"assessment": assessment, "ready": ready, "charts": readiness_charts(ready)},
    )


@login_required
@require_POST
def change_status(request, agency_slug: str, fiscal_year: int):
    assessment = _assessment(request, agency_slug, fiscal_year)
    to_status = request.POST.get("status", "")
    try:
        services.self_assessment_transition(
            assessment=assessment, actor=request.user, to_status=to_status
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"สถานะ: {SelfAssessment.Status(to_status).label}")
    return redirect(assessment.get_absolute_url())


@login_required
@require_POST
def add_comment(request, agency_slug: str, fiscal_year: int):
    assessment = _assessment(request, agency_slug, fiscal_year, "assessments.edit_assessment")
    form = CommentForm(request.POST)
    item = None
    if form.is_valid() and form.cleaned_data["item"]:
        item = selectors.item_by_code(assessment, form.cleaned_data["item"])
    try:
        if not form.is_valid():
            raise ValidationError(_errors(form))
        services.comment_add(
            assessment=assessment, actor=request.user, body=form.cleaned_data["body"], item=item
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("บันทึกความคิดเห็นแล้ว"))
    if item is not None:
        return redirect(_item_url(assessment, item.code) + "#comments")
    return redirect(assessment.get_absolute_url() + "#comments")


@login_required
@require_POST
def add_finding(request, agency_slug: str, fiscal_year: int):
    assessment = _assessment(request, agency_slug, fiscal_year, "assessments.edit_assessment")
    form = FindingForm(request.POST)
    anchor = ""
    try:
        if not form.is_valid():
            raise ValidationError(_errors(form))
        category = Category.objects.filter(
            criteria_set_id=assessment.criteria_set_id, number=form.cleaned_data["category"]
        ).first()
        if category is None:
            raise ValidationError("ไม่พบหมวดนี้ในเกณฑ์")
        anchor = f"#category-{category.number}"
        item = (
            selectors.item_by_code(assessment, form.cleaned_data["item"])
            if form.cleaned_data["item"]
            else None
        )
        services.finding_add(
            assessment=assessment,
            actor=request.user,
            category=category,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            item=item,
        )
    except (ValidationError, Http404) as exc:
        messages.error(request, _errors(exc) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("บันทึกแล้ว"))
    return redirect(assessment.get_absolute_url() + anchor)


def _finding(assessment, finding_id: int) -> Finding:
    return get_object_or_404(
        Finding.objects.select_related("category", "assessment"),
        pk=finding_id,
        assessment=assessment,
    )


@login_required
@require_POST
def delete_finding(request, agency_slug: str, fiscal_year: int, finding_id: int):
    assessment = _assessment(request, agency_slug, fiscal_year, "assessments.edit_assessment")
    finding = _finding(assessment, finding_id)
    try:
        services.finding_delete(finding=finding, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("ลบแล้ว"))
    return redirect(assessment.get_absolute_url() + f"#category-{finding.category.number}")


@login_required
@require_POST
def finding_to_plan(request, agency_slug: str, fiscal_year: int, finding_id: int):
    assessment = _assessment(request, agency_slug, fiscal_year, "assessments.ofi_to_plan")
    finding = _finding(assessment, finding_id)
    try:
        item = services.finding_to_plan_item(finding=finding, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            f"เพิ่มเป็นรายการในแผนพัฒนาปีงบประมาณ {item.plan.fiscal_year} แล้ว: {item.title}",
        )
    return redirect(assessment.get_absolute_url() + f"#category-{finding.category.number}")


def _export(request, agency_slug, fiscal_year, fmt):
    assessment = _assessment(request, agency_slug, fiscal_year)
    structure = selectors.assessment_structure(assessment)
    payload = selectors.assessment_payload(assessment, structure)
    ready = selectors.readiness(assessment, structure)
    audit_log(
        actor=request.user,
        action="assessment.export",
        target=assessment,
        agency=assessment.agency,
        format=fmt,
    )
    if fmt == "pdf":
        content, content_type = exports.assessment_pdf(payload, ready), "application/pdf"
    else:
        content = exports.assessment_xlsx(payload, ready)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.export_filename(payload, fmt)}"'
    )
    return response


@login_required
def export_pdf(request, agency_slug: str, fiscal_year: int):
    return _export(request, agency_slug, fiscal_year, "pdf")


@login_required
def export_xlsx(request, agency_slug: str, fiscal_year: int):
    return _export(request, agency_slug, fiscal_year, "xlsx")


def _item_url(assessment, code: str) -> str:
    return reverse(
        "assessments:item",
        kwargs={
            "agency_slug": assessment.agency.slug,
            "fiscal_year": assessment.fiscal_year,
            "code": code,
        },
    )


def _item_entry(structure, code: str):
    for entry in structure:
        for it in entry["items"]:
            if it["code"] == code:
                return entry, it
    raise Http404("ไม่พบประเด็นนี้ในเกณฑ์ (item not found)")


@login_required
def item_page(request, agency_slug: str, fiscal_year: int, code: str):
    assessment = _assessment(request, agency_slug, fiscal_year)
    structure = selectors.assessment_structure(assessment)
    entry, it = _item_entry(structure, code)
    answer = it["answer"]
    can_edit = request.user.has_perm("assessments.edit_assessment", assessment) and (
        not assessment.is_locked
    )
    initial = {
        "level": it["level"],
        "target_level": it["target_level"],
        "explanation": answer.explanation,
        "checks": [q["id"] for q in it["questions"] if q["checked"]],
    }
    form = AnswerForm(initial=initial, questions=it["questions"])
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("การประเมินนี้ส่งแล้ว แก้ไขไม่ได้")
        form = AnswerForm(request.POST, questions=it["questions"])
        if form.is_valid():
            try:
                services.item_answer_update(
                    answer=answer,
                    actor=request.user,
                    level=form.cleaned_data["level"],
                    target_level=form.cleaned_data["target_level"],
                    explanation=form.cleaned_data["explanation"],
                    checked_question_ids=set(form.cleaned_data["checks"]),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"บันทึกประเด็น {code} แล้ว")
                return redirect(_item_url(assessment, code))
    items = [i["item"] for e in structure for i in e["items"]]
    codes = [i.code for i in items]
    index = codes.index(code)
    suggestions = selectors.item_suggestions(assessment, [it["item"]])
    cited = {(e["kind"], e["target_id"]) for e in it["evidence"]}
    return render(
        request,
        "assessments/item.html",
        {
            "assessment": assessment,
            "category": entry["category"],
            "it": it,
            "form": form,
            "file_form": EvidenceFileForm(),
            "record_form": EvidenceRecordForm(),
            "comment_form": CommentForm(initial={"item": code}),
            "comments": selectors.comments_of(assessment).filter(item=it["item"]),
            "suggestion": suggestions.get(code),
            "cited": cited,
            "can_edit": can_edit,
            "previous_code": codes[index - 1] if index > 0 else None,
            "next_code": codes[index + 1] if index + 1 < len(codes) else None,
        },
    )


def _answer_for(request, agency_slug, fiscal_year, code):
    assessment = _assessment(request, agency_slug, fiscal_year, "assessments.edit_assessment")
    item = selectors.item_by_code(assessment, code)
    answer = assessment.answers.select_related("assessment__agency", "item").get(item=item)
    return assessment, answer


@login_required
@require_POST
def evidence_file(request, agency_slug: str, fiscal_year: int, code: str):
    assessment, answer = _answer_for(request, agency_slug, fiscal_year, code)
    form = EvidenceFileForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(_errors(form))
        services.evidence_add_file(
            answer=answer,
            actor=request.user,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, _("แนบไฟล์ไม่สำเร็จ: ") + _errors(exc))
    else:
        messages.success(request, _("แนบไฟล์หลักฐานแล้ว"))
    return redirect(_item_url(assessment, code) + "#evidence")


@login_required
@require_POST
def evidence_record(request, agency_slug: str, fiscal_year: int, code: str):
    assessment, answer = _answer_for(request, agency_slug, fiscal_year, code)
    form = EvidenceRecordForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_errors(form))
        kind = form.cleaned_data["kind"]
        target = services.record_target(kind=kind, target_id=form.cleaned_data["target_id"])
        services.evidence_add_record(
            answer=answer,
            actor=request.user,
            kind=kind,
            target=target,
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, _("อ้างอิงไม่สำเร็จ: ") + _errors(exc))
    else:
        messages.success(request, _("เพิ่มหลักฐานแล้ว"))
    return redirect(_item_url(assessment, code) + "#evidence")


@login_required
def evidence_download(request, agency_slug: str, fiscal_year: int, evidence_id: int):
    """An attached PDF, for members of the agency only (never served from /media/ directly)."""
    assessment = _assessment(request, agency_slug, fiscal_year)
    evidence = get_object_or_404(
        Evidence, pk=evidence_id, answer__assessment=assessment, kind=Evidence.Kind.FILE
    )
    if not evidence.file:
        raise Http404("ไม่พบไฟล์")
    name = f"{slugify(evidence.title, allow_unicode=False) or 'evidence'}-{evidence.pk}.pdf"
    return FileResponse(
        evidence.file.open("rb"), content_type="application/pdf", filename=name, as_attachment=True
    )


@login_required
@require_POST
def evidence_delete(request, agency_slug: str, fiscal_year: int, evidence_id: int):
    assessment = _assessment(request, agency_slug, fiscal_year, "assessments.edit_assessment")
    evidence = get_object_or_404(
        Evidence.objects.select_related("answer__item", "answer__assessment"),
        pk=evidence_id,
        answer__assessment=assessment,
    )
    code = evidence.answer.item.code
    try:
        services.evidence_remove(evidence=evidence, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("ลบหลักฐานแล้ว"))
    return redirect(_item_url(assessment, code) + "#evidence")

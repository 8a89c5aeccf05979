"""Self-assessment API v1: `GET /api/v1/agencies/{slug}/assessments/{fiscal_year}` (JSON, plus
`.pdf` / `.xlsx`), for managers and admins of that agency only."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from ninja import Router
from ninja.errors import HttpError

from portal.api_auth import api_user
from portal.services import audit_log

from . import exports, selectors

router = Router(tags=["assessments"])


def _load(request, slug: str, fiscal_year: int, fmt: str):
    user = api_user(request)
    if not user.is_authenticated:
        raise HttpError(401, "กรุณาเข้าสู่ระบบก่อน (authentication required)")
    if not 2400 <= fiscal_year <= 2800:
        raise HttpError(422, "ปีงบประมาณต้องเป็นปีพุทธศักราช เช่น 2570 (fiscal_year must be BE)")
    agency = selectors.Agency.objects.filter(slug=slug).first()
    if agency is None:
        raise HttpError(404, "ไม่พบหน่วยงาน (agency not found)")
    if not user.has_perm("assessments.export_assessment", agency):
        raise HttpError(403, "เฉพาะผู้จัดการหรือผู้ดูแลของหน่วยงานนี้ (managers/admins of this agency only)")
    assessment = selectors.assessment_for(agency=agency, fiscal_year=fiscal_year)
    if assessment is None:
        raise HttpError(404, "ยังไม่มีการประเมินตนเองของปีงบประมาณนี้ (no assessment for this year)")
    structure = selectors.assessment_structure(assessment)
    payload = selectors.assessment_payload(assessment, structure)
    audit_log(
        actor=user,
        action="assessment.export",
        target=assessment,
        agency=agency,
        format=fmt,
    )
    return assessment, structure, payload


@router.get("/agencies/{slug}/assessments/{int:fiscal_year}")
def assessment_json(request, slug: str, fiscal_year: int):
    """The agency's PMQA 4.0 self-assessment in criteria order, with evidence ids."""
    _assessment, _structure, payload = _load(request, slug, fiscal_year, "json")
    body = json.dumps(payload, ensure_ascii=False, cls=DjangoJSONEncoder)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get("/agencies/{slug}/assessments/{int:fiscal_year}.pdf")
def assessment_pdf(request, slug: str, fiscal_year: int):
    """The self-assessment as PDF (Thai font, BE dates)."""
    assessment, structure, payload = _load(request, slug, fiscal_year, "pdf")
    ready = selectors.readiness(assessment, structure)
    return _file_response(
        exports.assessment_pdf(payload, ready),
        "application/pdf",
        exports.export_filename(payload, "pdf"),
    )


@router.get("/agencies/{slug}/assessments/{int:fiscal_year}.xlsx")
def assessment_xlsx(request, slug: str, fiscal_year: int):
    """The self-assessment as XLSX (items in criteria order, evidence sheet)."""
    assessment, structure, payload = _load(request, slug, fiscal_year, "xlsx")
    ready = selectors.readiness(assessment, structure)
    return _file_response(
        exports.assessment_xlsx(payload, ready),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.export_filename(payload, "xlsx"),
    )

"""Plans and evidence API v1 (SPEC "Plans and evidence") and the open-data endpoints."""

import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from ninja import Router, Schema
from ninja.errors import HttpError

from portal.api_auth import api_user
from portal.models import Agency
from portal.services import audit_log

from . import evidence, exports, opendata, selectors

router = Router(tags=["plans"])
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,64}")


class PlanItemOut(Schema):
    id: int
    title: str
    pmqa_category: int
    pmqa_item: str
    status: str
    progress: int
    ideas: list[int]
    workshops: list[int]
    surveys: list[int]
    description: str
    owner: str
    start_date: str | None
    end_date: str | None
    expected_outcome: str
    actual_outcome: str


class PlanOut(Schema):
    agency: str
    fiscal_year: int
    title: str
    is_published: bool
    progress: int
    items: list[PlanItemOut]


def _agency(slug: str) -> Agency:
    # Slugs are ASCII; anything else (e.g. a NUL byte, which PostgreSQL rejects) is just unknown.
    agency = Agency.objects.filter(slug=slug).first() if SLUG_RE.fullmatch(slug) else None
    if agency is None:
        raise HttpError(404, "ไม่พบหน่วยงาน (agency not found)")
    return agency


def _fiscal_year(value: int) -> int:
    if not evidence.fiscal_year_ok(value):
        raise HttpError(422, "ปีงบประมาณต้องเป็นปีพุทธศักราช เช่น 2570 (fiscal_year must be BE)")
    return value


@router.get("/agencies/{slug}/plans/{int:fiscal_year}", response=PlanOut)
def plan_get(request, slug: str, fiscal_year: int):
    """The agency's plan for a BE fiscal year; unpublished plans only for its managers."""
    agency = _agency(slug)
    fiscal_year = _fiscal_year(fiscal_year)
    plan = selectors.plan_for(agency=agency, fiscal_year=fiscal_year)
    user = api_user(request)
    if plan is None or not (plan.is_published or user.has_perm("plans.manage_plan", plan)):
        raise HttpError(404, "ไม่พบแผนของปีงบประมาณนี้ (no plan for this fiscal year)")
    return selectors.plan_payload(plan, public=not user.has_perm("plans.manage_plan", plan))


def _evidence_pack(request, slug: str, fiscal_year: int, fmt: str):
    user = api_user(request)
    if not user.is_authenticated:
        raise HttpError(401, "กรุณาเข้าสู่ระบบก่อน (authentication required)")
    agency = _agency(slug)
    fiscal_year = _fiscal_year(fiscal_year)
    if not user.has_perm("plans.view_evidence", agency):
        raise HttpError(403, "เฉพาะผู้จัดการแผนของหน่วยงานนี้ (managers of this agency only)")
    pack = evidence.evidence_pack(agency=agency, fiscal_year=fiscal_year)
    audit_log(
        actor=user,
        action="evidence.export",
        target=f"evidence:{agency.slug}:{fiscal_year}",
        agency=agency,
        format=fmt,
        fiscal_year=fiscal_year,
    )
    return agency, pack


@router.get("/agencies/{slug}/evidence/{int:fiscal_year}.json")
def evidence_json(request, slug: str, fiscal_year: int):
    """The evidence pack as JSON (manager/admin of the agency)."""
    _agency_obj, pack = _evidence_pack(request, slug, fiscal_year, "json")
    body = json.dumps(pack, ensure_ascii=False, cls=DjangoJSONEncoder)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.get("/agencies/{slug}/evidence/{int:fiscal_year}.pdf")
def evidence_pdf(request, slug: str, fiscal_year: int):
    """The evidence pack as a PDF (Thai font, BE dates)."""
    _agency_obj, pack = _evidence_pack(request, slug, fiscal_year, "pdf")
    response = HttpResponse(exports.evidence_pdf(pack), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.evidence_filename(pack, "pdf")}"'
    )
    return response


@router.get("/agencies/{slug}/evidence/{int:fiscal_year}.xlsx")
def evidence_xlsx(request, slug: str, fiscal_year: int):
    """The evidence pack as XLSX, with the rows behind every number on their own sheets."""
    agency, pack = _evidence_pack(request, slug, fiscal_year, "xlsx")
    rows = evidence.xlsx_rows(agency=agency, fiscal_year=fiscal_year)
    response = HttpResponse(
        exports.evidence_xlsx(pack, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.evidence_filename(pack, "xlsx")}"'
    )
    return response


def _opendata_agency(agency: str | None) -> Agency | None:
    return _agency(agency) if agency else None


@router.get("/opendata/ideas.json", tags=["opendata"])
def opendata_ideas_json(request, agency: str | None = None):
    """Anonymised public ideas (no names, no e-mails, hidden ideas left out)."""
    records = list(opendata.idea_records(_opendata_agency(agency)))
    body = json.dumps(records, ensure_ascii=False, cls=DjangoJSONEncoder)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.get("/opendata/ideas.csv", tags=["opendata"])
def opendata_ideas_csv(request, agency: str | None = None):
    response = HttpResponse(
        opendata.ideas_csv(_opendata_agency(agency)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="ideas.csv"'
    return response


@router.get("/opendata/catalog.json", tags=["opendata"])
def opendata_catalog(request, agency: str | None = None):
    """DGA / CKAN-style dataset metadata for data.go.th."""
    body = json.dumps(opendata.catalog(_opendata_agency(agency)), ensure_ascii=False)
    return HttpResponse(body, content_type="application/json; charset=utf-8")

"""Workshops API (SPEC "Workshops"): create, list, current state, exports."""

import json
from datetime import datetime

from django.http import HttpResponse
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from portal.api_auth import api_user, require_user
from portal.models import Agency
from portal.services import audit_log

from . import selectors, services
from .exports import export_xlsx

router = Router(tags=["workshops"])


class WorkshopIn(Schema):
    agency: str
    title: str = Field(min_length=1, max_length=200)
    challenge: str = Field(default="", max_length=2000)
    phases: list[str] | None = Field(default=None, min_length=1, max_length=12)
    dot_votes_per_person: int = Field(default=3, ge=0, le=50)
    allow_anonymous: bool = True
    scheduled_at: datetime | None = None
    status: str = "upcoming"


class WorkshopCreatedOut(Schema):
    id: int
    code: str
    join_url: str


class WorkshopListOut(Schema):
    id: int
    code: str
    title: str
    agency: str
    status: str
    join_url: str
    scheduled_at: datetime | None = None


def _join_url(request, workshop) -> str:
    return request.build_absolute_uri(workshop.get_absolute_url())


def _workshop_or_404(request, code: str, *, facilitator_only: bool = False):
    workshop = selectors.workshop_by_code(code)
    if workshop is None:
        raise HttpError(404, "ไม่พบเวิร์กช็อป (workshop not found)")
    user = api_user(request)
    facilitator = services.is_facilitator(user, workshop)
    if not workshop.is_public and not facilitator:
        raise HttpError(404, "ไม่พบเวิร์กช็อป (workshop not found)")
    if facilitator_only and not facilitator:
        if not user.is_authenticated:
            raise HttpError(401, "กรุณาเข้าสู่ระบบก่อน (authentication required)")
        raise HttpError(403, "เฉพาะกระบวนกรของหน่วยงาน (facilitators of the agency only)")
    return workshop, user, facilitator


@router.post("/workshops", response={201: WorkshopCreatedOut})
def workshop_create(request, payload: WorkshopIn):
    user = require_user(request)
    agency = Agency.objects.filter(slug=payload.agency).first()
    if agency is None:
        raise HttpError(404, "ไม่พบหน่วยงาน (agency not found)")
    if not user.has_perm("workshops.create", agency):
        raise HttpError(403, "เฉพาะกระบวนกรหรือผู้จัดการของหน่วยงาน (facilitator role required)")
    try:
        workshop = services.workshop_create(
            agency=agency,
            created_by=user,
            title=payload.title,
            challenge=payload.challenge,
            phases=payload.phases,
            dot_votes_per_person=payload.dot_votes_per_person,
            allow_anonymous=payload.allow_anonymous,
            scheduled_at=payload.scheduled_at,
            status=payload.status,
        )
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    return Status(
        201, {"id": workshop.pk, "code": workshop.code, "join_url": _join_url(request, workshop)}
    )


@router.get("/workshops", response=list[WorkshopListOut])
def workshop_list(request, agency: str = "", status: str = ""):
    user = api_user(request)
    return [
        {
            "id": w.pk,
            "code": w.code,
            "title": w.title,
            "agency": w.agency.slug,
            "status": w.status,
            "join_url": _join_url(request, w),
            "scheduled_at": w.scheduled_at,
        }
        for w in selectors.visible_workshops(user, agency_slug=agency, status=status)[:200]
    ]


@router.get("/workshops/{code}", response=dict)
def workshop_detail(request, code: str):
    workshop, user, facilitator = _workshop_or_404(request, code)
    participant = None
    if user.is_authenticated:
        participant = workshop.participants.filter(user=user).first()
    return selectors.workshop_state(workshop, participant, facilitator=facilitator)


def _audit_export(user, workshop, fmt: str) -> None:
    audit_log(
        actor=user, action="workshop.export", target=workshop, agency=workshop.agency, format=fmt
    )


@router.get("/workshops/{code}/export.json", response=dict)
def workshop_export_json(request, code: str):
    workshop, user, _ = _workshop_or_404(request, code, facilitator_only=True)
    data = selectors.workshop_export(workshop)
    _audit_export(user, workshop, "json")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="workshop-{workshop.code}.json"'
    return response


@router.get("/workshops/{code}/export.xlsx")
def workshop_export_xlsx(request, code: str):
    workshop, user, _ = _workshop_or_404(request, code, facilitator_only=True)
    _audit_export(user, workshop, "xlsx")
    response = HttpResponse(
        export_xlsx(selectors.workshop_export(workshop)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="workshop-{workshop.code}.xlsx"'
    return response

"""Surveys API (see SPEC.md "Surveys"): list, detail, submit a response, results."""

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError

from portal.api_auth import api_user, require_user
from portal.models import Agency
from portal.ratelimit import RATE_LIMITED

from . import selectors, throttle
from .models import SurveyPage
from .services import SurveyInputError, survey_response_submit

router = Router(tags=["surveys"])

SurveyId = Path(..., ge=1, le=2**31 - 1)


class SurveyOut(Schema):
    id: int
    title: str
    agency: str | None
    url: str | None
    is_open: bool
    service_point: str
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    allow_anonymous: bool


class QuestionOut(Schema):
    id: int
    kind: str
    text: str
    help_text: str = ""
    choices: list[str] | None = None
    required: bool


class SurveyDetailOut(SurveyOut):
    intro: str
    target_satisfaction_pct: float
    questions: list[QuestionOut]


class ResponseIn(Schema):
    answers: dict[str, Any] = Field(..., description='{"<question_id>": value}')
    consent: bool


class ResponseOut(Schema):
    id: int
    survey: int
    submitted_at: dt.datetime


class ResultsQuery(Schema):
    fiscal_year: int | None = Field(None, ge=2400, le=2800, description="ปีงบประมาณ พ.ศ.")
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _survey_dict(survey: SurveyPage, request) -> dict:
    return {
        "id": survey.pk,
        "title": survey.title,
        "agency": survey.agency.slug if survey.agency else None,
        "url": survey.get_url(request),
        "is_open": survey.is_open,
        "service_point": survey.service_point,
        "opens_at": survey.opens_at,
        "closes_at": survey.closes_at,
        "allow_anonymous": survey.allow_anonymous,
    }


def _visible_survey(request, survey_id: int) -> SurveyPage:
    survey = get_object_or_404(SurveyPage.objects.select_related("agency"), pk=survey_id)
    if not (survey.live and not survey.get_view_restrictions().exists()):
        user = api_user(request)
        if not user.has_perm("surveys.view_results", survey):
            raise HttpError(404, "ไม่พบแบบสำรวจ (survey not found)")
    return survey


@router.get("/surveys", response=list[SurveyOut])
def survey_list(request, agency: str | None = None):
    agency_obj = None
    if agency:
        agency_obj = Agency.objects.filter(slug=agency).first()
        if agency_obj is None:
            raise HttpError(404, "ไม่พบหน่วยงาน (agency not found)")
    return [_survey_dict(s, request) for s in selectors.survey_list(agency=agency_obj)]


@router.get("/surveys/{survey_id}", response=SurveyDetailOut, exclude_none=True)
def survey_detail(request, survey_id: int = SurveyId):
    survey = _visible_survey(request, survey_id)
    questions = [
        {
            "id": q.pk,
            "kind": q.kind,
            "text": q.text,
            "help_text": q.help_text,
            "choices": q.choices if q.has_choices else None,
            "required": q.required,
        }
        for q in selectors.questions_of(survey)
    ]
    return {
        **_survey_dict(survey, request),
        "intro": survey.intro,
        "target_satisfaction_pct": float(survey.target_satisfaction_pct),
        "questions": questions,
    }


@router.post("/surveys/{survey_id}/responses", response={201: ResponseOut})
def survey_respond(request, response: HttpResponse, payload: ResponseIn, survey_id: int = SurveyId):
    survey = _visible_survey(request, survey_id)
    user = api_user(request)
    if not user.is_authenticated and survey.allow_anonymous:
        if throttle.already_answered_here(request, survey):
            raise HttpError(409, "คุณตอบแบบสำรวจนี้แล้ว ขอบคุณค่ะ (already answered)")
        if survey.is_open and throttle.anonymous_rate_limited(request, survey):
            raise HttpError(429, "มีการส่งคำตอบจากเครือข่ายนี้มากเกินไป กรุณาลองใหม่ภายหลัง (rate limited)")
    if user.is_authenticated and throttle.user_rate_limited(request):
        raise HttpError(429, RATE_LIMITED)
    try:
        saved = survey_response_submit(
            survey=survey, user=user, answers=payload.answers, consent=payload.consent
        )
    except SurveyInputError as exc:
        if exc.errors:
            errors = [{"loc": ["answers", key], "msg": msg} for key, msg in exc.errors.items()]
            detail = exc.message + ": " + "; ".join(f"{k}: {m}" for k, m in exc.errors.items())
            from portal.api import api

            return api.create_response(
                request, {"detail": detail, "errors": errors}, status=exc.status
            )
        raise HttpError(exc.status, exc.message) from exc
    if user.is_authenticated:
        throttle.count_user_response(request)
    else:
        throttle.mark_answered(request, response, survey)
    return Status(201, {"id": saved.pk, "survey": survey.pk, "submitted_at": saved.submitted_at})


@router.get("/surveys/{survey_id}/results")
def survey_results(request, filters: Query[ResultsQuery], survey_id: int = SurveyId):
    """Staff of the survey's agency (moderator/manager/admin) only."""
    user = require_user(request)
    survey = get_object_or_404(SurveyPage.objects.select_related("agency"), pk=survey_id)
    if not user.has_perm("surveys.view_results", survey):
        raise HttpError(403, "เฉพาะเจ้าหน้าที่ของหน่วยงานนี้เท่านั้น (staff of the agency only)")
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise HttpError(422, "วันที่เริ่มต้องไม่อยู่หลังวันที่สิ้นสุด (date_from after date_to)")
    data = selectors.survey_results(
        survey,
        fiscal_year=filters.fiscal_year,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    for key in ("date_from", "date_to"):
        data[key] = data[key].isoformat() if data[key] else None
    return data

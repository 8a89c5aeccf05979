"""Writes for surveys: submitting a response (all-or-nothing) and promoting answers to ideas."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.services import audit_log, consent_record

from .models import Answer, Question, QuestionKind, SurveyPage, SurveyResponse

TEXT_MAX_LENGTH = 5000


@dataclass
class SurveyInputError(Exception):
    """Bad input for a survey response. `errors` maps question ids (str) to Thai messages."""

    message: str
    status: int = 422
    errors: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and len(value) < 10:
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _is_blank(value) -> bool:
    return (
        value is None
        or (isinstance(value, (str, list, tuple)) and len(value) == 0)
        or (isinstance(value, str) and not value.strip())
    )


def _clean_answer(question: Question, value) -> tuple[list[dict], str | None]:
    """Validate one answer. Returns (answer row kwargs, error message or None)."""
    kind = question.kind
    if kind in (QuestionKind.LIKERT5, QuestionKind.NPS):
        low, high = (1, 5) if kind == QuestionKind.LIKERT5 else (0, 10)
        number = _as_int(value)
        if number is None or not low <= number <= high:
            return [], f"ต้องเป็นตัวเลข {low}–{high} (must be an integer {low}-{high})"
        return [{"number": number}], None
    if kind == QuestionKind.SINGLE:
        if not isinstance(value, str) or value.strip() not in question.choices:
            return [], "กรุณาเลือกจากตัวเลือกที่มีให้ (not one of the choices)"
        return [{"choice": value.strip()}], None
    if kind == QuestionKind.MULTI:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            return [], "ต้องเป็นรายการตัวเลือก (must be a list of choices)"
        picked = [v.strip() for v in value]
        if any(v not in question.choices for v in picked):
            return [], "กรุณาเลือกจากตัวเลือกที่มีให้ (not one of the choices)"
        if len(set(picked)) != len(picked):
            return [], "เลือกตัวเลือกซ้ำกัน (duplicate choices)"
        return [{"choice": v} for v in picked], None
    if not isinstance(value, str):
        return [], "ต้องเป็นข้อความ (must be text)"
    text = value.strip()
    if len(text) > TEXT_MAX_LENGTH:
        return [], f"ข้อความยาวเกิน {TEXT_MAX_LENGTH:,} ตัวอักษร (text too long)"
    return [{"text": text}], None


def _analyse(text: str, agency) -> tuple[list[str], list[dict]]:
    from nlp.services import text_analyse

    analysis = text_analyse(text=text, agency=agency)
    tags = [
        {"slug": t.slug, "label": t.label, "score": round(float(t.score), 3)} for t in analysis.tags
    ]
    return list(analysis.keywords), tags


@transaction.atomic
def survey_response_submit(
    *,
    survey: SurveyPage,
    user,
    answers: dict,
    consent: bool,
    submitted_at: dt.datetime | None = None,
) -> SurveyResponse:
    """Validate every answer first, then save the response and its answers in one transaction.

    Raises `SurveyInputError` (nothing saved) for: a closed survey (409), anonymous answers
    when not allowed (401), a second response by the same user (409), missing consent,
    unknown question ids, out-of-range values or missing required answers (422).
    """
    submitted_at = submitted_at or timezone.now()
    is_user = user is not None and user.is_authenticated
    if not survey.live or not survey.is_open_at(submitted_at):
        raise SurveyInputError("แบบสำรวจนี้ปิดรับคำตอบแล้ว (survey is closed)", status=409)
    if not is_user and not survey.allow_anonymous:
        raise SurveyInputError(
            "กรุณาเข้าสู่ระบบก่อนตอบแบบสำรวจนี้ (login required for this survey)", status=401
        )
    if is_user and SurveyResponse.objects.filter(survey=survey, user=user).exists():
        raise SurveyInputError(
            "คุณตอบแบบสำรวจนี้แล้ว ขอบคุณค่ะ (you have already answered this survey)", status=409
        )
    if not isinstance(answers, dict):
        raise SurveyInputError("answers ต้องเป็นออบเจกต์ (answers must be an object)")

    questions = {str(q.pk): q for q in survey.questions.all()}
    errors: dict[str, str] = {}
    rows: list[tuple[Question, dict]] = []
    for key in answers:
        if str(key) not in questions:
            errors[str(key)] = "ไม่พบคำถามนี้ในแบบสำรวจ (unknown question id)"
    for key, question in questions.items():
        value = answers.get(key, answers.get(int(key)) if key.isdigit() else None)
        if _is_blank(value):
            if question.required:
                errors[key] = "กรุณาตอบคำถามนี้ (this question is required)"
            continue
        cleaned, error = _clean_answer(question, value)
        if error:
            errors[key] = error
            continue
        rows.extend((question, row) for row in cleaned)
    if not consent:
        errors["consent"] = "กรุณายินยอมให้ใช้ข้อมูลตามประกาศความเป็นส่วนตัว (PDPA consent required)"
    if errors:
        raise SurveyInputError(
            "คำตอบไม่ครบถ้วนหรือไม่ถูกต้อง (invalid answers)", status=422, errors=errors
        )
    if not rows:
        raise SurveyInputError("กรุณาตอบอย่างน้อยหนึ่งข้อ (no answers given)", status=422)

    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey, user=user if is_user else None, submitted_at=submitted_at
            )
    except IntegrityError as exc:
        raise SurveyInputError(
            "คุณตอบแบบสำรวจนี้แล้ว ขอบคุณค่ะ (you have already answered this survey)", status=409
        ) from exc
    objects = []
    for question, row in rows:
        answer = Answer(response=response, question=question, **row)
        if answer.text:
            answer.keywords, answer.tags = _analyse(answer.text, survey.agency)
        objects.append(answer)
    Answer.objects.bulk_create(objects)
    response.consent = consent_record(
        user=user, purpose="survey_response", subject=f"surveys.surveyresponse:{response.pk}"
    )
    response.save(update_fields=["consent"])
    return response


@transaction.atomic
def answer_promote_to_idea(
    *,
    answer: Answer,
    campaign,
    actor,
    title: str,
    body: str = "",
    personal_data_checked: bool,
):
    """Turn a free-text answer into an idea in a campaign of the survey's agency (staff only).

    The idea is created by `ideas.services.idea_create` (origin "survey", no author: survey
    answers are anonymous in public). Staff may edit the text to remove personal data first.
    The answer keeps a link to the idea, so the idea can be traced back to the survey.
    """
    from ideas.services import IdeaError, idea_create

    answer = (
        Answer.objects.select_for_update().select_related("question", "response").get(pk=answer.pk)
    )
    survey = SurveyPage.objects.select_related("agency").get(pk=answer.response.survey_id)
    if answer.question.kind != QuestionKind.TEXT or not answer.text:
        raise SurveyInputError("นำเฉพาะคำตอบแบบข้อความมาสร้างข้อเสนอได้ (text answers only)")
    if answer.promoted_idea_id is not None:
        raise SurveyInputError("คำตอบนี้ถูกนำไปสร้างข้อเสนอแล้ว (answer already promoted)", status=409)
    if not personal_data_checked:
        raise SurveyInputError(
            "กรุณายืนยันว่าตรวจแล้ว ข้อความไม่มีข้อมูลส่วนบุคคล (confirm personal data check)"
        )
    if campaign is None or campaign.agency_id != survey.agency_id:
        raise SurveyInputError(
            "กรุณาเลือกแคมเปญของหน่วยงานเดียวกับแบบสำรวจ (campaign of another agency)"
        )
    try:
        idea = idea_create(
            campaign=campaign,
            author=None,
            title=title,
            body=body.strip() or answer.text,
            consent=True,
            origin="survey",
        )
    except IdeaError as exc:
        raise SurveyInputError(str(exc), status=getattr(exc, "status", 422)) from exc
    answer.promoted_idea = idea
    answer.save(update_fields=["promoted_idea"])
    audit_log(
        actor=actor,
        action="survey.answer_promoted",
        target=answer,
        agency=survey.agency,
        idea_id=idea.pk,
        survey_id=survey.pk,
    )
    return idea

import datetime as dt

import pytest
from django.utils import timezone

from portal.models import ConsentRecord
from surveys.models import Answer, SurveyResponse
from surveys.services import SurveyInputError, survey_response_submit

pytestmark = pytest.mark.django_db


def _nothing_saved():
    assert SurveyResponse.objects.count() == 0
    assert Answer.objects.count() == 0
    assert ConsentRecord.objects.count() == 0


def test_submit_saves_all_kinds_with_consent_and_text_analysis(survey, q, valid_answers):
    response = survey_response_submit(survey=survey, user=None, answers=valid_answers, consent=True)
    assert response.user is None
    rows = {(a.question.kind, a.number, a.choice) for a in response.answers.all()}
    assert ("likert5", 4, "") in rows and ("nps", 9, "") in rows
    assert ("single", None, "ผู้ป่วย") in rows
    assert {("multi", None, "โทรศัพท์"), ("multi", None, "LINE")} <= rows
    text = response.answers.get(question=q["text"])
    assert text.text.startswith("รอคิว")
    assert "คิว" in text.keywords or "ออนไลน์" in text.keywords
    consent = response.consent
    assert consent.purpose == "survey_response" and consent.user is None
    assert consent.subject == f"surveys.surveyresponse:{response.pk}"


def test_survey_page_stores_its_agency(survey):
    assert survey.agency.slug == "hosp"


def test_optional_questions_may_be_left_blank(survey, q):
    answers = {str(q["likert5"].pk): "5", str(q["nps"].pk): 0, str(q["single"].pk): "ญาติ"}
    answers[str(q["multi"].pk)] = []
    answers[str(q["text"].pk)] = "   "
    response = survey_response_submit(survey=survey, user=None, answers=answers, consent=True)
    assert response.answers.count() == 3


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("likert5", 6),
        ("likert5", 0),
        ("likert5", True),
        ("likert5", "ดีมาก"),
        ("likert5", 4.5),
        ("nps", 11),
        ("nps", -1),
        ("single", "คนอื่น"),
        ("single", ["ผู้ป่วย"]),
        ("multi", ["โทรศัพท์", "โทรศัพท์"]),
        ("multi", ["อีเมล"]),
        ("text", 123),
        ("text", "ก" * 5001),
    ],
)
def test_bad_values_are_rejected_and_nothing_is_saved(survey, q, valid_answers, kind, value):
    valid_answers[str(q[kind].pk)] = value
    with pytest.raises(SurveyInputError) as exc:
        survey_response_submit(survey=survey, user=None, answers=valid_answers, consent=True)
    assert exc.value.status == 422
    assert set(exc.value.errors) == {str(q[kind].pk)}
    _nothing_saved()


def test_missing_required_unknown_ids_and_consent_reported_together(survey, q, valid_answers):
    del valid_answers[str(q["nps"].pk)]
    valid_answers["999999"] = 3
    with pytest.raises(SurveyInputError) as exc:
        survey_response_submit(survey=survey, user=None, answers=valid_answers, consent=False)
    errors = exc.value.errors
    assert "กรุณาตอบคำถามนี้" in errors[str(q["nps"].pk)]
    assert "ไม่พบคำถาม" in errors["999999"]
    assert "consent" in errors
    _nothing_saved()


@pytest.mark.parametrize(
    "fields",
    [
        {"closes_at": timezone.now() - dt.timedelta(minutes=1)},
        {"opens_at": timezone.now() + dt.timedelta(days=1)},
    ],
)
def test_closed_or_not_yet_open_survey_is_409(survey, valid_answers, fields):
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.save()
    with pytest.raises(SurveyInputError) as exc:
        survey_response_submit(survey=survey, user=None, answers=valid_answers, consent=True)
    assert exc.value.status == 409
    _nothing_saved()


def test_unpublished_survey_takes_no_answers(survey, valid_answers):
    survey.unpublish()
    survey.refresh_from_db()
    with pytest.raises(SurveyInputError) as exc:
        survey_response_submit(survey=survey, user=None, answers=valid_answers, consent=True)
    assert exc.value.status == 409


def test_anonymous_not_allowed_is_401(survey, valid_answers):
    survey.allow_anonymous = False
    survey.save()
    with pytest.raises(SurveyInputError) as exc:
        survey_response_submit(survey=survey, user=None, answers=valid_answers, consent=True)
    assert exc.value.status == 401


def test_one_response_per_logged_in_user(survey, valid_answers, user_factory):
    user = user_factory()
    survey_response_submit(survey=survey, user=user, answers=valid_answers, consent=True)
    with pytest.raises(SurveyInputError) as exc:
        survey_response_submit(survey=survey, user=user, answers=valid_answers, consent=True)
    assert exc.value.status == 409
    assert SurveyResponse.objects.filter(user=user).count() == 1
    assert ConsentRecord.objects.filter(user=user).count() == 1

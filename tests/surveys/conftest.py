import datetime as dt

import pytest
from django.utils import timezone

from cms.services import agency_page_ensure
from surveys.models import Question, QuestionKind, SurveyPage

BKK = timezone.get_default_timezone()


def bkk(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BKK)


def make_survey(agency, *, questions=None, slug="s", live=True, **fields) -> SurveyPage:
    parent = agency_page_ensure(agency=agency)
    if questions is None:
        questions = [
            (QuestionKind.LIKERT5, "พอใจเวลารอคอยไหม", "", True),
            (QuestionKind.NPS, "จะแนะนำไหม", "", True),
            (QuestionKind.SINGLE, "มาในฐานะ", "ผู้ป่วย\nญาติ", True),
            (QuestionKind.MULTI, "ช่องทาง", "โทรศัพท์\nLINE\nมาเอง", False),
            (QuestionKind.TEXT, "ข้อเสนอแนะ", "", False),
        ]
    survey = SurveyPage(
        title=fields.pop("title", "แบบสำรวจทดสอบ"),
        slug=slug,
        live=live,
        questions=[
            Question(kind=k, text=t, choices_text=c, required=r, sort_order=i)
            for i, (k, t, c, r) in enumerate(questions)
        ],
        **fields,
    )
    parent.add_child(instance=survey)
    if live:
        survey.save_revision().publish()
    return survey


@pytest.fixture
def survey(db, home_page, agency_factory):
    agency = agency_factory(slug="hosp", name="โรงพยาบาลทดสอบ")
    return make_survey(agency, slug="opd", service_point="แผนกผู้ป่วยนอก")


@pytest.fixture
def q(survey):
    """Question ids by kind: q["likert5"], q["nps"], ..."""
    return {question.kind: question for question in survey.questions.all()}


@pytest.fixture
def valid_answers(q):
    return {
        str(q["likert5"].pk): 4,
        str(q["nps"].pk): 9,
        str(q["single"].pk): "ผู้ป่วย",
        str(q["multi"].pk): ["โทรศัพท์", "LINE"],
        str(q["text"].pk): "รอคิวนานมาก อยากให้มีคิวออนไลน์",
    }

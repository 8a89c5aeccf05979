import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import SURVEY_ALL_KINDS

BKK = timezone.get_default_timezone()


def bkk(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BKK)


@pytest.fixture
def survey(make_survey, agency_factory):
    agency = agency_factory(slug="hosp", name="โรงพยาบาลทดสอบ")
    return make_survey(
        agency,
        questions=SURVEY_ALL_KINDS,
        slug="opd",
        title="แบบสำรวจทดสอบ",
        service_point="แผนกผู้ป่วยนอก",
    )


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

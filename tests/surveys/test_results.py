"""Satisfaction %, NPS, means and fiscal-year filters against hand-computed values."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys import selectors
from surveys.models import QuestionKind
from surveys.services import survey_response_submit
from tests.factories import survey_page as make_survey

from .conftest import bkk

pytestmark = pytest.mark.django_db

QUESTIONS = [
    (QuestionKind.LIKERT5, "เวลารอคอย", "", True),
    (QuestionKind.LIKERT5, "ความสะอาด", "", False),
    (QuestionKind.NPS, "แนะนำต่อ", "", False),
    (QuestionKind.MULTI, "ช่องทาง", "โทรศัพท์\nLINE\nมาเอง", False),
    (QuestionKind.TEXT, "ข้อเสนอแนะ", "", False),
]


@pytest.fixture
def rsurvey(home_page, agency_factory):
    survey = make_survey(agency_factory(slug="r"), questions=QUESTIONS, slug="r")
    ids = [q.pk for q in survey.questions.order_by("sort_order")]
    return survey, ids


def submit(survey, ids, when, likert1, likert2=None, nps=None, multi=None, text=""):
    answers = {str(ids[0]): likert1, str(ids[1]): likert2, str(ids[2]): nps}
    answers[str(ids[3])] = multi or []
    answers[str(ids[4])] = text
    return survey_response_submit(
        survey=survey, user=None, answers=answers, consent=True, submitted_at=when
    )


def test_results_hand_computed(rsurvey):
    survey, ids = rsurvey
    when = bkk(2026, 11, 1, 10)
    # likert q1: 5,4,4,3,1 -> 3 of 5 satisfied = 60 %, mean 17/5 = 3.4
    # likert q2: 5,2 (others blank) -> 1 of 2 = 50 %; overall 4 of 7 = 57.14 %
    # nps: 10,9,8,6,0 -> promoters 2, detractors 2 of 5 -> NPS 0.0; mean 33/5 = 6.6
    data = [
        (5, 5, 10, ["โทรศัพท์", "LINE"]),
        (4, 2, 9, ["LINE"]),
        (4, None, 8, []),
        (3, None, 6, ["LINE"]),
        (1, None, 0, []),
    ]
    for l1, l2, nps, multi in data:
        submit(survey, ids, when, l1, l2, nps, multi, text="รอคิวนาน อยากได้คิวออนไลน์")
    result = selectors.survey_results(survey)
    assert result["responses"] == 5
    assert result["satisfaction_pct"] == pytest.approx(57.14)
    q1, q2, nps, multi, text = result["questions"]
    assert q1["counts"] == {"1": 1, "2": 0, "3": 1, "4": 2, "5": 1}
    assert q1["mean"] == 3.4 and q1["satisfaction_pct"] == 60.0 and q1["answered"] == 5
    assert q2["satisfaction_pct"] == 50.0 and q2["answered"] == 2
    assert nps["nps"] == 0.0 and nps["mean"] == 6.6
    assert nps["promoters"] == 2 and nps["detractors"] == 2
    assert nps["counts"]["10"] == 1 and nps["counts"]["7"] == 0 and len(nps["counts"]) == 11
    assert multi["counts"] == {"โทรศัพท์": 1, "LINE": 3, "มาเอง": 0}
    assert multi["answered"] == 3
    assert text["answered"] == 5 and "คิว" in text["keywords"]
    assert result["target_pct"] == 85.0


def test_nps_positive_and_empty(rsurvey):
    survey, ids = rsurvey
    for nps in (10, 10, 9, 5):  # 3 promoters, 1 detractor of 4 -> +50
        submit(survey, ids, bkk(2026, 11, 2, 9), 5, nps=nps)
    assert selectors.survey_results(survey)["questions"][2]["nps"] == 50.0
    empty = selectors.survey_results(survey, fiscal_year=2560)
    assert empty["responses"] == 0 and empty["satisfaction_pct"] is None
    assert empty["questions"][0]["mean"] is None and empty["questions"][2]["nps"] is None


def test_fiscal_year_boundary_30_sep_vs_1_oct(rsurvey):
    survey, ids = rsurvey
    submit(survey, ids, bkk(2026, 9, 30, 23, 59), 5)  # last minute of FY 2569
    submit(survey, ids, bkk(2026, 10, 1, 0, 0), 2)  # first minute of FY 2570
    # 30 Sep 2026 17:30 UTC is already 1 Oct 00:30 in Bangkok -> FY 2570
    submit(survey, ids, dt.datetime(2026, 9, 30, 17, 30, tzinfo=dt.UTC), 4)
    by_year = selectors.satisfaction_by_fiscal_year(
        agency=survey.agency, fiscal_years=[2569, 2570, 2568]
    )
    assert by_year == {
        2568: {"responses": 0, "satisfaction_pct": None},
        2569: {"responses": 1, "satisfaction_pct": 100.0},
        2570: {"responses": 2, "satisfaction_pct": 50.0},
    }
    assert selectors.survey_results(survey, fiscal_year=2569)["responses"] == 1
    assert selectors.survey_results(survey, fiscal_year=2570)["satisfaction_pct"] == 50.0


def test_date_range_is_inclusive_in_bangkok_time(rsurvey):
    survey, ids = rsurvey
    submit(survey, ids, bkk(2026, 11, 1, 0, 5), 5)
    submit(survey, ids, bkk(2026, 11, 3, 23, 55), 1)
    submit(survey, ids, bkk(2026, 11, 4, 0, 1), 1)
    result = selectors.survey_results(
        survey, date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 3)
    )
    assert result["responses"] == 2 and result["satisfaction_pct"] == 50.0


def test_satisfaction_by_fiscal_year_per_survey_and_agency(rsurvey):
    survey, ids = rsurvey
    other = make_survey(survey.agency, questions=QUESTIONS[:1], slug="other")
    other_q = other.questions.get().pk
    submit(survey, ids, bkk(2026, 5, 1, 9), 5)
    survey_response_submit(
        survey=other,
        user=None,
        answers={str(other_q): 1},
        consent=True,
        submitted_at=bkk(2026, 5, 1, 9),
    )
    agency_wide = selectors.satisfaction_by_fiscal_year(agency=survey.agency, fiscal_years=[2569])
    assert agency_wide[2569] == {"responses": 2, "satisfaction_pct": 50.0}
    one = selectors.satisfaction_by_fiscal_year(
        agency=survey.agency, fiscal_years=[2569], survey=survey
    )
    assert one[2569] == {"responses": 1, "satisfaction_pct": 100.0}
    assert selectors.satisfaction_by_fiscal_year(agency=survey.agency, fiscal_years=[]) == {}


def test_aggregates_use_a_fixed_number_of_queries(rsurvey, django_assert_max_num_queries):
    survey, ids = rsurvey
    for i in range(12):
        submit(survey, ids, bkk(2026, 11, 1, 9), 1 + i % 5, 3, i % 11, ["LINE"], "คิวนาน")
    with django_assert_max_num_queries(2):
        selectors.satisfaction_by_fiscal_year(
            agency=survey.agency, fiscal_years=[2566, 2567, 2568, 2569, 2570]
        )
    with CaptureQueriesContext(connection) as ctx:
        selectors.survey_results(survey, fiscal_year=2570)
    assert len(ctx.captured_queries) <= 6


def test_home_open_surveys(rsurvey, rf):
    survey, _ = rsurvey
    make_survey(survey.agency, questions=QUESTIONS[:1], slug="closed", closes_at=bkk(2020, 1, 1))
    rows = selectors.home_open_surveys(rf.get("/"))
    assert rows == [{"title": survey.title, "url": survey.url, "agency_name": survey.agency.name}]

import pytest

from portal import pdpa
from surveys import selectors
from surveys.models import SurveyResponse
from surveys.services import survey_response_submit

pytestmark = pytest.mark.django_db


def test_export_and_erase_keep_results_true(survey, valid_answers, user_factory):
    user = user_factory()
    survey_response_submit(survey=survey, user=user, answers=valid_answers, consent=True)
    data = pdpa.personal_data_export(user=user)["surveys"]["survey_responses"]
    assert data[0]["survey_title"] == survey.title
    likert = next(a for a in data[0]["answers"] if a["question"] == "พอใจเวลารอคอยไหม")
    assert likert["value"] == 4 and likert["number"] == 4
    before = selectors.survey_results(survey)
    pdpa.account_erase(user=user)
    assert SurveyResponse.objects.get().user is None
    assert selectors.survey_results(survey) == before

import json

import pytest

from surveys.models import SurveyResponse

from .conftest import bkk

pytestmark = pytest.mark.django_db


def post(client, survey, body, **extra):
    return client.post(
        f"/api/v1/surveys/{survey.pk}/responses",
        data=json.dumps(body),
        content_type="application/json",
        **extra,
    )


def test_list_and_filter_by_agency(client, survey, agency_factory):
    rows = client.get("/api/v1/surveys").json()
    assert rows[0]["id"] == survey.pk
    assert rows[0]["agency"] == "hosp" and rows[0]["is_open"] is True
    assert rows[0]["url"] == survey.url and rows[0]["title"] == "แบบสำรวจทดสอบ"
    assert client.get("/api/v1/surveys?agency=hosp").json()[0]["id"] == survey.pk
    assert client.get(f"/api/v1/surveys?agency={agency_factory().slug}").json() == []
    response = client.get("/api/v1/surveys?agency=nope")
    assert response.status_code == 404 and "detail" in response.json()


def test_detail_shape(client, survey, q):
    data = client.get(f"/api/v1/surveys/{survey.pk}").json()
    assert data["id"] == survey.pk and data["title"] == survey.title
    kinds = {item["kind"]: item for item in data["questions"]}
    assert set(kinds) == {"likert5", "nps", "single", "multi", "text"}
    assert kinds["single"]["choices"] == ["ผู้ป่วย", "ญาติ"]
    assert "choices" not in kinds["likert5"]
    assert kinds["multi"]["required"] is False and kinds["likert5"]["required"] is True
    assert client.get("/api/v1/surveys/999999").status_code == 404


def test_draft_survey_hidden_from_public(client, survey):
    survey.unpublish()
    assert client.get(f"/api/v1/surveys/{survey.pk}").status_code == 404
    assert client.get("/api/v1/surveys").json() == []


def test_anonymous_response_then_cookie_blocks_repeat(client, survey, valid_answers):
    response = post(client, survey, {"answers": valid_answers, "consent": True})
    assert response.status_code == 201, response.content
    assert response.json()["survey"] == survey.pk
    assert response.cookies[f"rk_survey_{survey.pk}"].value == "1"
    again = post(client, survey, {"answers": valid_answers, "consent": True})
    assert again.status_code == 409 and "detail" in again.json()
    assert SurveyResponse.objects.count() == 1


def test_anonymous_rate_limit_per_network(client, survey, valid_answers, settings):
    settings.SURVEYS_ANONYMOUS_RATE = "2/h"
    for _ in range(2):
        assert post(client, survey, {"answers": valid_answers, "consent": True}).status_code == 201
        client.cookies.clear()  # a stuffing script drops the cookie
    blocked = post(client, survey, {"answers": valid_answers, "consent": True})
    assert blocked.status_code == 429
    assert "มากเกินไป" in blocked.json()["detail"]
    assert SurveyResponse.objects.count() == 2


def test_failed_attempts_do_not_use_up_the_rate_limit(client, survey, valid_answers, settings):
    settings.SURVEYS_ANONYMOUS_RATE = "1/h"
    assert post(client, survey, {"answers": {}, "consent": True}).status_code == 422
    assert post(client, survey, {"answers": valid_answers, "consent": True}).status_code == 201


def test_logged_in_one_response(client, survey, valid_answers, user_factory, token_for):
    headers = token_for(user_factory())
    body = {"answers": valid_answers, "consent": True}
    assert post(client, survey, body, headers=headers).status_code == 201
    second = post(client, survey, body, headers=headers)
    assert second.status_code == 409
    assert "ตอบแบบสำรวจนี้แล้ว" in second.json()["detail"]


def test_bad_input_is_422_with_detail_and_nothing_saved(client, survey, q, valid_answers):
    valid_answers[str(q["likert5"].pk)] = 9
    valid_answers["424242"] = "x"
    response = post(client, survey, {"answers": valid_answers, "consent": True})
    assert response.status_code == 422
    body = response.json()
    assert "1–5" in body["detail"]
    assert {tuple(e["loc"]) for e in body["errors"]} == {
        ("answers", str(q["likert5"].pk)),
        ("answers", "424242"),
    }
    missing_consent = post(client, survey, {"answers": valid_answers})
    assert missing_consent.status_code == 422
    no_consent = post(client, survey, {"answers": {str(q["likert5"].pk): 3}, "consent": False})
    assert no_consent.status_code == 422
    assert post(client, survey, {"answers": [1, 2], "consent": True}).status_code == 422
    assert SurveyResponse.objects.count() == 0


def test_closed_survey_is_409(client, survey, valid_answers):
    survey.closes_at = bkk(2020, 1, 1)
    survey.save()
    response = post(client, survey, {"answers": valid_answers, "consent": True})
    assert response.status_code == 409 and "ปิดรับ" in response.json()["detail"]


def test_login_required_survey_is_401_for_anonymous(client, survey, valid_answers):
    survey.allow_anonymous = False
    survey.save()
    assert post(client, survey, {"answers": valid_answers, "consent": True}).status_code == 401


def test_results_permissions_and_numbers(client, survey, q, valid_answers, make_member, token_for):
    post(client, survey, {"answers": valid_answers, "consent": True})
    url = f"/api/v1/surveys/{survey.pk}/results"
    assert client.get(url).status_code == 401
    outsider = make_member("moderator")  # moderator of another agency
    assert client.get(url, headers=token_for(outsider)).status_code == 403
    facilitator = make_member("facilitator", agency=survey.agency)
    assert client.get(url, headers=token_for(facilitator)).status_code == 403
    for role in ("moderator", "manager", "admin"):
        staff = make_member(role, agency=survey.agency)
        response = client.get(url, headers=token_for(staff))
        assert response.status_code == 200
    data = response.json()
    assert data["responses"] == 1 and data["satisfaction_pct"] == 100.0
    by_kind = {item["kind"]: item for item in data["questions"]}
    assert by_kind["likert5"]["counts"]["4"] == 1 and by_kind["likert5"]["mean"] == 4.0
    assert by_kind["nps"]["nps"] == 100.0
    assert "keywords" in by_kind["text"]
    headers = token_for(staff)
    assert client.get(url + "?fiscal_year=2500", headers=headers).json()["responses"] == 0
    assert client.get(url + "?fiscal_year=abc", headers=headers).status_code == 422
    bad_range = client.get(url + "?date_from=2026-11-05&date_to=2026-11-01", headers=headers)
    assert bad_range.status_code == 422


def test_list_query_count_does_not_grow(client, survey, django_assert_max_num_queries):
    from tests.factories import survey_page as make_survey

    for i in range(6):
        make_survey(survey.agency, slug=f"more-{i}", questions=[("likert5", "พอใจไหม", "", True)])
    client.get("/api/v1/surveys")  # warm the site root cache
    with django_assert_max_num_queries(6):
        rows = client.get("/api/v1/surveys").json()
    assert len(rows) == 7


def test_odd_input_never_500(client, survey, q, valid_answers, make_member, token_for):
    assert client.get(f"/api/v1/surveys/{2**40}").status_code == 422
    valid_answers[str(q["likert5"].pk)] = "²"
    assert post(client, survey, {"answers": valid_answers, "consent": True}).status_code == 422
    valid_answers[str(q["likert5"].pk)] = {"x": 1}
    assert post(client, survey, {"answers": valid_answers, "consent": True}).status_code == 422
    headers = token_for(make_member("moderator", agency=survey.agency))
    url = f"/api/v1/surveys/{survey.pk}/results?date_from=0001-01-01&date_to=9999-12-31"
    assert client.get(url, headers=headers).status_code == 200

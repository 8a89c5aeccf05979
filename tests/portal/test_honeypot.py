"""Honeypot on the anonymous forms (portal/honeypot.py): sign-up, password reset, survey answers.

Bots (trap filled, no or forged start time, sent instantly, stale form) get a Thai form error
and nothing is saved or sent; a person's post (see the `human_form_fields` fixture and
tests/portal/test_accounts.py) goes through.
"""

import datetime as dt
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from freezegun import freeze_time

from portal.honeypot import STAMP_FIELD, TRAP_FIELD, form_stamp, honeypot_problem
from surveys.models import SurveyResponse
from tests.factories import SURVEY_ALL_KINDS, survey_page

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "bot@example.com",
    "password1": "Spam-Bot-pass-2569",
    "password2": "Spam-Bot-pass-2569",
}
REFUSED = "ไม่สามารถส่งแบบฟอร์มนี้ได้"
TOO_FAST = "ส่งแบบฟอร์มเร็วเกินไป"
STALE = "เปิดค้างไว้นานเกินไป"


def _signed_minute_ago(purpose: str) -> str:
    return form_stamp(purpose, started_at=time.time() - 60)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param({TRAP_FIELD: "https://spam.example"}, REFUSED, id="trap-filled"),
        pytest.param({}, REFUSED, id="no-start-time"),
        pytest.param({STAMP_FIELD: "1732550000"}, REFUSED, id="unsigned-start-time"),
        pytest.param({STAMP_FIELD: "survey"}, REFUSED, id="start-time-of-another-form"),
        pytest.param({STAMP_FIELD: "fresh"}, TOO_FAST, id="sent-instantly"),
    ],
)
def test_bot_sign_up_is_refused_in_thai_and_nothing_is_saved(client, home_page, extra, message):
    data = {**SIGNUP, **extra}
    if data.get(STAMP_FIELD) == "survey":
        data[STAMP_FIELD] = _signed_minute_ago("survey")
    elif data.get(STAMP_FIELD) == "fresh":
        data[STAMP_FIELD] = form_stamp("signup")
    elif TRAP_FIELD in extra:
        data[STAMP_FIELD] = _signed_minute_ago("signup")
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert not get_user_model().objects.filter(email="bot@example.com").exists()
    assert mail.outbox == []
    assert "_auth_user_id" not in client.session
    # The form comes back with what was typed and a fresh start time, so a person just re-sends.
    assert 'value="bot@example.com"' in html
    assert "spam.example" not in html  # the trap is never echoed back
    fresh = re.search(rf'name="{STAMP_FIELD}" value="([^"]+)"', html).group(1)
    assert fresh != data.get(STAMP_FIELD)


def test_stale_form_is_refused_then_a_resend_goes_through(client, home_page):
    with freeze_time(dt.datetime.now(dt.UTC) - dt.timedelta(days=2)):
        stale = form_stamp("signup")
    response = client.post("/accounts/signup/", {**SIGNUP, TRAP_FIELD: "", STAMP_FIELD: stale})
    assert STALE in response.content.decode()
    assert not get_user_model().objects.exists()
    resend = {**SIGNUP, TRAP_FIELD: "", STAMP_FIELD: _signed_minute_ago("signup")}
    assert client.post("/accounts/signup/", resend).status_code == 302
    assert get_user_model().objects.filter(email="bot@example.com").exists()


def test_sign_up_page_hides_the_trap_from_people_and_screen_readers(client):
    html = client.get("/accounts/signup/").content.decode()
    trap = re.search(r'<span class="hp-field" aria-hidden="true">.*?</span>', html, re.S).group(0)
    assert f'name="{TRAP_FIELD}"' in trap and 'tabindex="-1"' in trap
    assert 'autocomplete="off"' in trap
    stamp = re.search(rf'<input type="hidden" name="{STAMP_FIELD}" value="([^"]+)"', html).group(1)
    assert honeypot_problem({STAMP_FIELD: stamp}, "signup") == (
        "ส่งแบบฟอร์มเร็วเกินไป กรุณาตรวจสอบข้อมูลแล้วกดส่งอีกครั้ง"
    )
    assert honeypot_problem({STAMP_FIELD: stamp}, "survey").startswith(REFUSED)


def test_bot_password_reset_sends_no_mail(client, user_factory):
    user_factory(email="reset@example.com")
    response = client.post(
        "/accounts/password/reset/", {"email": "reset@example.com", TRAP_FIELD: "x"}
    )
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert mail.outbox == []


@pytest.fixture
def survey(home_page, agency_factory):
    return survey_page(
        agency_factory(), questions=SURVEY_ALL_KINDS, slug="opd", allow_anonymous=True
    )


def _answers(survey) -> dict:
    questions = {q.kind: q for q in survey.questions.all()}
    return {
        f"q_{questions['likert5'].pk}": "4",
        f"q_{questions['nps'].pk}": "9",
        f"q_{questions['single'].pk}": "ผู้ป่วย",
        f"q_{questions['text'].pk}": "ห้องน้ำควรสะอาดกว่านี้",
        "consent": "on",
    }


@pytest.mark.parametrize(
    "honeypot",
    [
        pytest.param({TRAP_FIELD: "spam"}, id="trap-filled"),
        pytest.param({}, id="no-start-time"),
        pytest.param({STAMP_FIELD: "fresh"}, id="sent-instantly"),
    ],
)
def test_bot_survey_answers_get_400_and_nothing_saved(client, survey, honeypot):
    data = {**_answers(survey), **honeypot}
    if data.get(STAMP_FIELD) == "fresh":
        data[STAMP_FIELD] = form_stamp("survey")
    elif TRAP_FIELD in honeypot:
        data[STAMP_FIELD] = _signed_minute_ago("survey")
    response = client.post(survey.url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert REFUSED in html or TOO_FAST in html
    assert "ห้องน้ำควรสะอาดกว่านี้" in html  # the answers are kept for a re-send
    assert SurveyResponse.objects.count() == 0
    assert f"rk_survey_{survey.pk}" not in response.cookies


def test_person_answers_survey_anonymously_and_logged_in_users_need_no_honeypot(
    client, survey, user_factory
):
    page = client.get(survey.url).content.decode()
    assert f'name="{TRAP_FIELD}"' in page and f'name="{STAMP_FIELD}"' in page
    human = {**_answers(survey), TRAP_FIELD: "", STAMP_FIELD: _signed_minute_ago("survey")}
    assert client.post(survey.url, human).status_code == 200
    assert SurveyResponse.objects.filter(user=None).count() == 1
    client.force_login(user_factory())
    assert f'name="{TRAP_FIELD}"' not in client.get(survey.url).content.decode()
    assert client.post(survey.url, _answers(survey)).status_code == 200
    assert SurveyResponse.objects.count() == 2

import csv
import datetime as dt
import io
import time

import pytest
from openpyxl import load_workbook
from wagtail.test.utils import WagtailPageTestCase

from cms.models import AgencyPage, HomePage
from portal.honeypot import STAMP_FIELD, TRAP_FIELD, form_stamp
from portal.models import AuditLogEntry
from portal.xlsx import BE_DATE_FORMAT
from surveys.models import SurveyPage, SurveyResponse
from surveys.services import survey_response_submit
from tests.factories import SURVEY_ALL_KINDS
from tests.factories import survey_page as make_survey

from .conftest import bkk

pytestmark = pytest.mark.django_db


def form_data(q, **override):
    data = {
        f"q_{q['likert5'].pk}": "5",
        f"q_{q['nps'].pk}": "10",
        f"q_{q['single'].pk}": "ญาติ",
        f"q_{q['multi'].pk}": ["LINE", "มาเอง"],
        f"q_{q['text'].pk}": "ห้องน้ำควรสะอาดกว่านี้",
        "consent": "on",
        # What a person's browser sends with the honeypot (portal/honeypot.py).
        TRAP_FIELD: "",
        STAMP_FIELD: form_stamp("survey", started_at=time.time() - 60),
    }
    data.update(override)
    return data


def test_page_tree_rules():
    case = WagtailPageTestCase()
    case.assertCanCreateAt(AgencyPage, SurveyPage)
    case.assertCanNotCreateAt(HomePage, SurveyPage)


def test_survey_page_renders_accessible_form(client, survey, q):
    html = client.get(survey.url).content.decode()
    assert html.count("<fieldset") == 5
    assert 'role="radiogroup"' in html and "<legend>" in html
    assert "ไม่พอใจมาก" in html and "พอใจมาก" in html
    assert 'name="consent"' in html and "csrfmiddlewaretoken" in html
    assert "surveys/survey.js" in html and "<script>" not in html
    assert "data-progress" in html  # 5 questions -> progress indicator


def test_submit_on_the_page_saves_and_sets_cookie(client, survey, q):
    response = client.post(survey.url, form_data(q))
    assert response.status_code == 200
    assert "ได้รับคำตอบของคุณแล้ว" in response.content.decode()
    assert response.cookies[f"rk_survey_{survey.pk}"].value == "1"
    saved = SurveyResponse.objects.get()
    assert sorted(a.choice for a in saved.answers.filter(question=q["multi"])) == ["LINE", "มาเอง"]
    again = client.get(survey.url).content.decode()
    assert "คุณตอบแบบสำรวจนี้แล้ว" in again and "<fieldset" not in again
    repeat = client.post(survey.url, form_data(q))
    assert repeat.status_code == 409
    assert SurveyResponse.objects.count() == 1


def test_page_errors_in_thai_keep_answers_and_save_nothing(client, survey, q):
    data = form_data(q, consent="")
    data.pop(f"q_{q['likert5'].pk}")
    data[f"q_{q['nps'].pk}"] = "11"
    response = client.post(survey.url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "กรุณาตอบคำถามนี้" in html
    assert "ต้องเป็นตัวเลข 0–10" in html and "(must be" not in html
    assert "กรุณายินยอม" in html
    assert 'value="ญาติ" checked' in html  # what was answered is kept
    assert "ห้องน้ำควรสะอาดกว่านี้" in html
    assert SurveyResponse.objects.count() == 0


def test_closed_and_login_only_pages(client, survey, q, user_factory):
    survey.allow_anonymous = False
    survey.save()
    html = client.get(survey.url).content.decode()
    assert "ต้องเข้าสู่ระบบก่อนตอบ" in html
    assert client.post(survey.url, form_data(q)).status_code == 401
    user = user_factory()
    client.force_login(user)
    assert client.post(survey.url, form_data(q)).status_code == 200
    assert SurveyResponse.objects.get().user == user
    assert "คุณตอบแบบสำรวจนี้แล้ว" in client.get(survey.url).content.decode()
    survey.closes_at = bkk(2020, 1, 1)
    survey.save()
    assert "ปิดรับคำตอบแล้ว" in client.get(survey.url).content.decode()


def test_public_list_shows_open_surveys_only(client, survey):
    make_survey(
        survey.agency,
        questions=SURVEY_ALL_KINDS,
        slug="old",
        title="ปิดไปแล้ว",
        closes_at=bkk(2020, 1, 1),
    )
    make_survey(survey.agency, questions=SURVEY_ALL_KINDS, slug="draft", title="ฉบับร่าง", live=False)
    html = client.get("/surveys/").content.decode()
    assert survey.title in html and "ปิดไปแล้ว" not in html and "ฉบับร่าง" not in html
    survey.unpublish()
    assert "ยังไม่มีแบบสำรวจที่เปิดรับคำตอบ" in client.get("/surveys/").content.decode()


def test_staff_list(client, survey, make_member, user_factory):
    assert client.get("/surveys/staff/").status_code == 302
    client.force_login(user_factory())
    assert "ยังไม่มีสิทธิ์" in client.get("/surveys/staff/").content.decode()
    client.force_login(make_member("moderator", agency=survey.agency))
    html = client.get("/surveys/staff/").content.decode()
    assert survey.title in html and f"/surveys/{survey.pk}/results/" in html


@pytest.fixture
def answered(survey, valid_answers):
    survey_response_submit(
        survey=survey,
        user=None,
        answers=valid_answers,
        consent=True,
        submitted_at=bkk(2026, 9, 30, 12),
    )
    return survey


def test_results_page_for_staff_only(client, answered, make_member, user_factory):
    url = f"/surveys/{answered.pk}/results/"
    client.force_login(user_factory())
    assert client.get(url).status_code == 403
    client.force_login(make_member("manager", agency=answered.agency))
    html = client.get(url).content.decode()
    assert 'role="img"' in html and "<title" in html and "<table" in html  # chart + data table
    assert "100.0%" in html  # the one likert answer was a 4
    assert "เทียบ 3 ปีงบประมาณกับเป้าหมาย" in html and "2569" in html
    assert "รอคิวนานมาก" in html
    filtered = client.get(url + "?fiscal_year=2570").content.decode()
    assert "ยังไม่มีคำตอบในช่วงเวลาที่เลือก" in filtered
    bad = client.get(url + "?fiscal_year=70").content.decode()
    assert "กรุณาระบุปีงบประมาณเป็น พ.ศ." in bad


def test_exports_csv_bom_thai_headers_be_dates(client, answered, make_member):
    client.force_login(make_member("moderator", agency=answered.agency))
    response = client.get(f"/surveys/{answered.pk}/export/responses.csv")
    assert response.status_code == 200
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:5] == ["เลขที่คำตอบ", "วันที่ส่ง (พ.ศ.)", "เวลา", "ปีงบประมาณ", "ผู้ตอบ"]
    assert rows[1][1] == "30 ก.ย. 2569" and rows[1][2] == "12:00" and rows[1][3] == "2569"
    assert rows[1][4] == "ไม่ระบุตัวตน"
    assert "โทรศัพท์; LINE" in rows[1]
    summary = client.get(f"/surveys/{answered.pk}/export/summary.csv?fiscal_year=2569")
    text = summary.content.decode("utf-8-sig")
    assert "ร้อยละความพึงพอใจ (ระดับ 4–5)" in text and "แนวโน้มรายปีงบประมาณ" in text
    assert "2569,1,100.0,85.0,ผ่าน" in text
    assert AuditLogEntry.objects.filter(action="survey.export_responses").count() == 1


def test_exports_xlsx(client, answered, make_member):
    client.force_login(make_member("moderator", agency=answered.agency))
    response = client.get(f"/surveys/{answered.pk}/export/summary.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["สรุปรายข้อ", "แนวโน้มรายปีงบประมาณ"]
    sheet = workbook["สรุปรายข้อ"]
    assert sheet["B1"].value == "คำถาม" and sheet["B2"].value == "พอใจเวลารอคอยไหม"
    assert sheet["F2"].value == 100.0
    responses = load_workbook(
        io.BytesIO(client.get(f"/surveys/{answered.pk}/export/responses.xlsx").content)
    ).active
    # A real date (sorts and filters as one) shown in the Thai Buddhist calendar.
    assert responses["B2"].value == dt.datetime(2026, 9, 30)
    assert responses["B2"].is_date and responses["B2"].number_format == BE_DATE_FORMAT
    assert client.get(f"/surveys/{answered.pk}/export/responses.pdf").status_code == 404


def test_exports_and_poster_need_staff(client, answered, make_member):
    client.force_login(make_member("facilitator", agency=answered.agency))
    assert client.get(f"/surveys/{answered.pk}/export/responses.csv").status_code == 403
    assert client.get(f"/surveys/{answered.pk}/qr.png").status_code == 403


def test_qr_and_poster(client, answered, make_member):
    client.force_login(make_member("admin", agency=answered.agency))
    png = client.get(f"/surveys/{answered.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    svg = client.get(f"/surveys/{answered.pk}/qr.svg")
    assert b"<svg" in svg.content
    pdf = client.get(f"/surveys/{answered.pk}/poster.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_wagtail_admin_can_create_survey_with_questions(client, home_page, agency_factory):
    from django.contrib.auth import get_user_model
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    from cms.services import agency_page_ensure

    agency = agency_factory(slug="wt")
    parent = agency_page_ensure(agency=agency)
    admin = get_user_model().objects.create_superuser(email="wt@example.com", password="x")
    client.force_login(admin)
    data = nested_form_data(
        {
            "title": "สำรวจความพึงพอใจงานทะเบียน",
            "slug": "registry",
            "intro": "ใช้เวลา 1 นาที",
            "service_point": "งานทะเบียน",
            "allow_anonymous": True,
            "target_satisfaction_pct": "85",
            "thank_you_text": "ขอบคุณ",
            "questions": inline_formset(
                [
                    {"kind": "likert5", "text": "พอใจความรวดเร็วไหม", "required": True},
                    {"kind": "single", "text": "มาติดต่อเรื่องใด", "choices_text": "ย้ายเข้า\nย้ายออก"},
                ]
            ),
            "action-publish": "publish",
        }
    )
    url = f"/cms-admin/pages/add/surveys/surveypage/{parent.pk}/"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    survey = SurveyPage.objects.get(slug="registry")
    assert survey.agency == agency and survey.live
    assert [q.kind for q in survey.questions.order_by("sort_order")] == ["likert5", "single"]
    # a choice question with one choice is refused with a Thai message
    data["slug"] = "registry-2"
    data["questions-1-choices_text"] = "ย้ายเข้า"
    bad = client.post(url, data)
    assert bad.status_code == 200
    assert "อย่างน้อย 2 ตัวเลือก" in bad.content.decode()

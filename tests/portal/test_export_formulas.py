"""Citizens' text in staff and open-data spreadsheets is text, never a formula (CSV/XLSX
injection): an idea title, a survey answer or a workshop note starting with "=" must not run
when staff open the export in Excel or LibreOffice."""

import csv
import io

import pytest
from openpyxl import load_workbook

from portal import xlsx
from portal.thai_dates import current_fiscal_year
from tests.factories import SURVEY_ALL_KINDS

pytestmark = pytest.mark.django_db

IDEA_TITLE = '=HYPERLINK("http://evil.example/","ดูรายละเอียด")'
SURVEY_TEXT = "=1+1 ห้องน้ำสกปรก"
NOTE_TEXT = "=cmd|' /C calc'!A0"


def _cells(content: bytes) -> dict:
    book = load_workbook(io.BytesIO(content))
    return {
        cell.value: cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }


def test_helpers():
    assert xlsx.csv_text("=1+1") == "'=1+1"
    assert [xlsx.csv_text(v) for v in ("+66", "-x", "@SUM(A1)", "\tx")] == [
        "'+66",
        "'-x",
        "'@SUM(A1)",
        "'\tx",
    ]
    assert xlsx.csv_text("ที่จอดรถ = ไม่พอ") == "ที่จอดรถ = ไม่พอ"
    assert xlsx.csv_text(-5) == -5  # numbers are numbers
    from openpyxl import Workbook

    for write_only in (True, False):
        book = Workbook(write_only=write_only)
        sheet = book.create_sheet("s") if write_only else book.active
        xlsx.append_row(sheet, ["=SUM(1,2)", "ปกติ", 3])
        buffer = io.BytesIO()
        book.save(buffer)
        cells = _cells(buffer.getvalue())
        assert cells["=SUM(1,2)"].data_type == "s"  # stored as the text it is
        assert cells["ปกติ"].data_type == "s"


def test_exports_keep_citizen_text_as_text(
    client, make_campaign, make_survey, make_member, user_factory
):
    from ideas.services import idea_create
    from surveys.services import survey_response_submit
    from workshops.services import Actor, participant_join, workshop_create, workshop_op

    campaign = make_campaign()
    agency = campaign.agency
    citizen = user_factory()
    idea_create(
        campaign=campaign,
        author=citizen,
        title=IDEA_TITLE,
        body="อยากให้มีที่จอดรถเพิ่มสำหรับผู้สูงอายุ",
        consent=True,
    )
    survey = make_survey(agency, questions=SURVEY_ALL_KINDS)
    questions = {q.kind: q for q in survey.questions.all()}
    survey_response_submit(
        survey=survey,
        user=None,
        answers={
            str(questions["likert5"].pk): 4,
            str(questions["nps"].pk): 8,
            str(questions["single"].pk): "ผู้ป่วย",
            str(questions["text"].pk): SURVEY_TEXT,
        },
        consent=True,
    )
    manager = make_member("manager", agency=agency)
    workshop = workshop_create(agency=agency, created_by=manager, title="เวิร์กช็อป", status="live")
    participant = participant_join(workshop=workshop, user=citizen)
    workshop_op(
        workshop_id=workshop.pk,
        actor=Actor(participant=participant, user=citizen, facilitator=False),
        op="note.add",
        payload={"text": NOTE_TEXT},
    )

    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/api/v1/opendata/ideas.csv").content.decode("utf-8-sig"))
        )
    )
    assert [row["title"] for row in rows] == ["'" + IDEA_TITLE]

    client.force_login(manager)
    csv_text = client.get(f"/surveys/{survey.pk}/export/responses.csv").content.decode("utf-8-sig")
    assert "'" + SURVEY_TEXT in csv_text
    exports = {
        IDEA_TITLE: f"/api/v1/agencies/{agency.slug}/evidence/{current_fiscal_year()}.xlsx",
        SURVEY_TEXT: f"/surveys/{survey.pk}/export/responses.xlsx",
        NOTE_TEXT: f"/api/v1/workshops/{workshop.code}/export.xlsx",
    }
    for text, url in exports.items():
        response = client.get(url)
        assert response.status_code == 200, url
        cell = _cells(response.content)[text]
        assert cell.data_type == "s", url

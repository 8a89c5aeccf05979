"""The evidence pack's numbers against a hand-computed fixture (fiscal year 2570 =
1 Oct 2026 – 30 Sep 2027, Bangkok time), and the same numbers in JSON, PDF and XLSX."""

import datetime as dt
import io
import os
import re

import pytest
from openpyxl import load_workbook

from plans import evidence
from portal.models import AuditLogEntry
from portal.xlsx import BE_DATE_FORMAT, BE_DATETIME_FORMAT
from tests.factories import UserFactory

from .conftest import bkk


@pytest.fixture
def year_data(
    agency_a,
    agency_b,
    make_campaign,
    make_idea,
    make_survey,
    answer_survey,
    make_workshop,
    make_plan,
    make_item,
):
    from ideas.models import Comment, IdeaTag, Vote
    from nlp.models import Tag
    from workshops.models import Participant, Workshop

    campaign = make_campaign(agency_a)
    other_campaign = make_campaign(agency_b)
    alice, bob, u1, u2, u3 = (UserFactory() for _ in range(5))
    idea1 = make_idea(
        campaign,
        author=alice,
        created_at=bkk(2026, 10, 5),
        first_response_at=bkk(2026, 10, 7),
        status="accepted",
        title="ลดเวลารอคอยหน้าห้องยา",
    )
    idea2 = make_idea(
        campaign,
        author=alice,
        created_at=bkk(2026, 11, 10),
        first_response_at=bkk(2026, 11, 30),
        status="implemented",
        title="ขอแอปนัดหมายออนไลน์",
    )
    idea3 = make_idea(campaign, author=bob, created_at=bkk(2026, 11, 20), title="ที่จอดรถไม่พอ")
    idea4 = make_idea(campaign, created_at=bkk(2026, 12, 1), status="hidden", title="ข้อความที่ถูกซ่อน")
    idea5 = make_idea(campaign, created_at=bkk(2026, 9, 30, 23), title="ปีงบประมาณก่อน")
    make_idea(other_campaign, created_at=bkk(2026, 10, 5), title="ของหน่วยงานอื่น")

    waiting = Tag.objects.get(slug="waiting-time", agency=None)
    digital = Tag.objects.get(slug="digital-service", agency=None)
    IdeaTag.objects.create(idea=idea1, tag=waiting, score=0.9)
    IdeaTag.objects.create(idea=idea2, tag=digital, score=0.8)

    Vote.objects.create(idea=idea1, user=u1, created_at=bkk(2026, 10, 6))
    Vote.objects.create(idea=idea1, user=u2, created_at=bkk(2026, 11, 1))
    Vote.objects.create(idea=idea2, user=u1, created_at=bkk(2026, 11, 11))
    Vote.objects.create(idea=idea5, user=u3, created_at=bkk(2026, 10, 2))
    Vote.objects.create(idea=idea5, user=u1, created_at=bkk(2026, 9, 1))  # FY 2569

    Comment.objects.create(idea=idea1, author=u1, body="เห็นด้วย", created_at=bkk(2026, 10, 6))
    Comment.objects.create(idea=idea2, author=u2, body="ดีมาก", created_at=bkk(2026, 11, 12))
    Comment.objects.create(
        idea=idea1, author=u3, body="ซ่อน", is_hidden=True, created_at=bkk(2026, 10, 7)
    )

    survey = make_survey(agency_a)
    for score, when in [
        (5, bkk(2026, 10, 10)),
        (4, bkk(2026, 12, 10)),
        (3, bkk(2027, 1, 10)),
        (5, bkk(2027, 1, 11)),
        (5, bkk(2026, 5, 1)),  # FY 2569
        (5, bkk(2026, 5, 2)),  # FY 2569
    ]:
        answer_survey(survey, score, when)

    workshop = make_workshop(agency_a, scheduled_at=bkk(2027, 1, 15))
    for n in range(3):
        Participant.objects.create(workshop=workshop, display_name=f"ผู้ร่วม {n}")
    make_workshop(agency_a, status=Workshop.Status.DRAFT, scheduled_at=bkk(2027, 1, 20))

    plan = make_plan(agency_a, 2570)
    item = make_item(plan, title="ระบบจัดคิวห้องยา", status="in_progress", progress=40)
    item.ideas.add(idea1)
    item.surveys.add(survey)
    item.workshops.add(workshop)
    return {
        "ideas": [idea1, idea2, idea3, idea4, idea5],
        "survey": survey,
        "workshop": workshop,
        "plan": plan,
        "item": item,
    }


def test_participation_numbers(agency_a, year_data):
    pack = evidence.evidence_pack(agency=agency_a, fiscal_year=2570)
    totals = pack["participation"]["totals"]
    assert totals == {
        "ideas": 4,
        "ideas_public": 3,
        "authors": 3,  # alice (2 ideas), bob, and idea4's author
        "votes": 4,  # the September vote belongs to FY 2569
        "voters": 3,
        "comments": 2,  # the hidden comment is not counted
        "commenters": 2,
        "workshops": 1,  # drafts are not counted
        "workshop_participants": 3,
        "survey_responses": 4,
    }
    months = {m["month"]: m for m in pack["participation"]["by_month"]}
    assert list(months)[0] == "2026-10" and list(months)[-1] == "2027-09"
    assert [months[k]["ideas"] for k in ("2026-10", "2026-11", "2026-12")] == [1, 2, 1]
    assert [months[k]["votes"] for k in ("2026-10", "2026-11")] == [2, 2]
    assert months["2026-10"]["comments"] == 1 and months["2026-11"]["comments"] == 1
    assert months["2027-01"]["survey_responses"] == 2
    assert months["2027-01"]["workshop_participants"] == 3
    assert months["2026-10"]["label"] == "ต.ค. 2569"
    assert sum(m["ideas"] for m in months.values()) == totals["ideas"]
    statuses = {row["status"]: row["ideas"] for row in pack["participation"]["by_status"]}
    assert statuses["accepted"] == 1 and statuses["implemented"] == 1
    assert statuses["submitted"] == 1 and statuses["hidden"] == 1
    assert sum(statuses.values()) == totals["ideas"]
    tags = {row["slug"]: row["ideas"] for row in pack["participation"]["by_tag"]}
    assert tags == {"waiting-time": 1, "digital-service": 1}
    assert pack["participation"]["untagged_ideas"] == 2


def test_response_times(agency_a, year_data):
    times = evidence.evidence_pack(agency=agency_a, fiscal_year=2570)["response_times"]
    assert times["ideas"] == 3  # hidden idea left out
    assert times["responded"] == 2 and times["unresponded"] == 1
    assert times["median_days"] == 11.0  # (2 + 20) / 2
    assert times["mean_days"] == 11.0
    assert times["max_days"] == 20.0
    assert times["within_target"] == 1 and times["within_target_pct"] == 50.0
    buckets = {b["label"]: b["ideas"] for b in times["buckets"]}
    assert buckets["0–3 วัน"] == 1 and buckets["15–30 วัน"] == 1
    assert sum(buckets.values()) == times["responded"]


def test_rm3_three_years_against_target(agency_a, year_data):
    rm3 = evidence.evidence_pack(agency=agency_a, fiscal_year=2570)["satisfaction"]
    assert rm3["target_pct"] == 85.0
    years = {y["fiscal_year"]: y for y in rm3["years"]}
    assert list(years) == [2568, 2569, 2570]
    assert years[2570]["responses"] == 4 and years[2570]["satisfaction_pct"] == 75.0
    assert years[2570]["meets_target"] is False
    assert years[2569]["satisfaction_pct"] == 100.0 and years[2569]["meets_target"] is True
    assert years[2568]["satisfaction_pct"] is None and years[2568]["meets_target"] is None
    assert (years[2570]["answers"], years[2570]["satisfied_answers"]) == (4, 3)
    assert (years[2569]["answers"], years[2569]["satisfied_answers"]) == (2, 2)
    assert (years[2568]["answers"], years[2568]["satisfied_answers"]) == (0, 0)


def test_plan_items_evidence_ids_and_you_said_we_did(agency_a, year_data):
    pack = evidence.evidence_pack(agency=agency_a, fiscal_year=2570)
    [item] = pack["plan_items"]
    assert [i["id"] for i in item["ideas"]] == [year_data["ideas"][0].pk]
    assert [s["id"] for s in item["surveys"]] == [year_data["survey"].pk]
    ids = [row["evidence_id"] for row in pack["evidence"]]
    assert ids == [
        "E-3.1-2570-agency-a-01",
        "E-3.1-2570-agency-a-02",
        "E-3.1-2570-agency-a-03",
        "E-3.2-2570-agency-a-01",
        "E-3.3-2570-agency-a-01",
        "E-3.4-2570-agency-a-01",
        "E-7.2-2570-agency-a-01",
    ]
    plan_row = pack["evidence"][4]
    assert plan_row["title"] == "ระบบจัดคิวห้องยา" and plan_row["source"] == f"plan_item:{item['id']}"
    assert pack["you_said_we_did"] == [
        {
            "idea_id": year_data["ideas"][0].pk,
            "idea_title": "ลดเวลารอคอยหน้าห้องยา",
            "idea_status": "accepted",
            "plan_item_id": item["id"],
            "plan_item": "ระบบจัดคิวห้องยา",
            "pmqa_item": "3.3",
            "progress": 40,
            "what_was_done": "",
        }
    ]
    [workshop] = pack["workshops"]
    assert workshop["participant_count"] == 3


def test_hidden_linked_idea_keeps_its_text_out_of_the_pack(client, agency_a, manager_a, year_data):
    hidden = year_data["ideas"][3]
    year_data["item"].ideas.add(hidden)
    pack = evidence.evidence_pack(agency=agency_a, fiscal_year=2570)
    titles = {i["id"]: i["title"] for i in pack["plan_items"][0]["ideas"]}
    assert titles[hidden.pk] == evidence.HIDDEN_IDEA_TITLE
    assert "ข้อความที่ถูกซ่อน" not in str(pack)
    client.force_login(manager_a)
    html = client.get(f"/plans/staff/{agency_a.slug}/2570/evidence/").content.decode()
    assert "ข้อความที่ถูกซ่อน" not in html


def test_other_agency_sees_none_of_it(agency_b, year_data):
    totals = evidence.evidence_pack(agency=agency_b, fiscal_year=2570)["participation"]["totals"]
    assert totals["ideas"] == 1 and totals["votes"] == 0 and totals["survey_responses"] == 0


@pytest.mark.parametrize("fmt", ["json", "pdf", "xlsx"])
def test_evidence_api_permission_matrix(client, agency_a, manager_a, manager_b, make_member, fmt):
    url = f"/api/v1/agencies/{agency_a.slug}/evidence/2570.{fmt}"
    response = client.get(url)
    assert response.status_code == 401 and "detail" in response.json()
    for user in (manager_b, make_member("moderator", agency_a), UserFactory()):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 403, user
        assert "detail" in response.json()
    client.force_login(manager_a)
    assert client.get(url).status_code == 200
    admin_a = make_member("admin", agency_a)
    client.force_login(admin_a)
    assert client.get(url).status_code == 200
    entries = AuditLogEntry.objects.filter(action="evidence.export", agency=agency_a)
    assert entries.count() == 2 and entries.first().data["format"] == fmt


def test_evidence_api_unknown_agency_and_bad_year(client, manager_a, agency_a):
    client.force_login(manager_a)
    assert client.get("/api/v1/agencies/nope/evidence/2570.json").status_code == 404
    response = client.get(f"/api/v1/agencies/{agency_a.slug}/evidence/70.json")
    assert response.status_code == 422 and "detail" in response.json()


def test_evidence_json_matches_selector(client, agency_a, manager_a, year_data, token_for):
    response = client.get(
        f"/api/v1/agencies/{agency_a.slug}/evidence/2570.json", headers=token_for(manager_a)
    )
    assert response.status_code == 200
    data = response.json()
    assert data["participation"]["totals"]["ideas"] == 4
    assert data["satisfaction"]["years"][-1]["satisfaction_pct"] == 75.0
    assert data["evidence"][4]["evidence_id"] == "E-3.3-2570-agency-a-01"


def test_evidence_xlsx_cells_and_underlying_rows(client, agency_a, manager_a, year_data):
    client.force_login(manager_a)
    response = client.get(f"/api/v1/agencies/{agency_a.slug}/evidence/2570.xlsx")
    assert response.status_code == 200
    assert "evidence-agency-a-2570.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["สรุป", "รายเดือน"]
    summary = {row[0]: row[1] for row in book["สรุป"].iter_rows(values_only=True) if row}
    assert summary["ข้อเสนอทั้งหมด"] == 4 and summary["โหวต"] == 4
    assert summary["ปีงบประมาณ"] == 2570
    monthly = list(book["รายเดือน"].iter_rows(values_only=True))
    assert monthly[0][0] == "เดือน" and monthly[1][:3] == ("ต.ค. 2569", "2026-10", 1)
    rm3 = list(book["RM3"].iter_rows(values_only=True))
    assert rm3[3] == (2570, 4, 75.0, 85.0, "ไม่บรรลุ", 4, 3)
    evidence_ids = [row[0] for row in book["หลักฐาน"].iter_rows(min_row=2, values_only=True)]
    assert "E-3.3-2570-agency-a-01" in evidence_ids
    rows = list(book["ข้อเสนอ"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4  # every idea behind "ข้อเสนอทั้งหมด"
    first = rows[0]
    assert first[1] == "ลดเวลารอคอยหน้าห้องยา"
    # A real Excel date (Bangkok time) shown in the Thai Buddhist calendar, plus the BE text.
    assert first[4] == dt.datetime(2026, 10, 5, 10, 0)
    assert first[12] == "5 ต.ค. 2569 10:00 น."
    sheet = book["ข้อเสนอ"]
    assert sheet["E2"].is_date and sheet["E2"].number_format == BE_DATETIME_FORMAT
    assert first[7] == 2.0 and first[10] == "waiting-time"
    assert first[11] == str(year_data["item"].pk)
    hidden = [row for row in rows if row[2] == "hidden"][0]
    assert not hidden[1]  # hidden text is not exported


def _sheet_rows(book, name):
    return [row for row in book[name].iter_rows(min_row=2, values_only=True) if row]


def test_evidence_xlsx_has_the_rows_behind_every_number(client, agency_a, manager_a, year_data):
    """Each total, monthly, status, tag and RM3 number can be recounted from a rows sheet."""
    client.force_login(manager_a)
    response = client.get(f"/api/v1/agencies/{agency_a.slug}/evidence/2570.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    summary = {row[0]: row[1] for row in book["สรุป"].iter_rows(values_only=True) if row}
    monthly = {row[1]: row for row in _sheet_rows(book, "รายเดือน")}
    idea1, idea2, _idea3, _idea4, idea5 = (i.pk for i in year_data["ideas"])

    # Votes of FY 2570 (the FY 2569 vote left out), voters as pseudonyms in order of first vote.
    votes = _sheet_rows(book, "โหวต")
    assert [(r[1], r[2], r[4]) for r in votes] == [
        (idea5, "U-0001", "2026-10"),
        (idea1, "U-0002", "2026-10"),
        (idea1, "U-0003", "2026-11"),
        (idea2, "U-0002", "2026-11"),
    ]
    assert summary["โหวต"] == len(votes) == 4
    assert summary["ผู้โหวต (คน)"] == len({r[2] for r in votes}) == 3
    # Shown comments only (the hidden one left out), same pseudonyms as the votes.
    comments = _sheet_rows(book, "ความคิดเห็น")
    assert [(r[1], r[2]) for r in comments] == [(idea1, "U-0002"), (idea2, "U-0003")]
    assert summary["ความคิดเห็น"] == 2 and summary["ผู้แสดงความคิดเห็น (คน)"] == 2
    responses = _sheet_rows(book, "คำตอบแบบสำรวจ")
    assert summary["คำตอบแบบสำรวจ"] == len(responses) == 4
    participants = _sheet_rows(book, "ผู้เข้าร่วมเวิร์กช็อป")
    assert summary["ผู้เข้าร่วมเวิร์กช็อป"] == len(participants) == 3
    assert {r[1] for r in participants} == {year_data["workshop"].pk}
    ideas = _sheet_rows(book, "ข้อเสนอ")
    assert summary["ข้อเสนอทั้งหมด"] == len(ideas)

    # The monthly sheet recounted from the rows (columns: ideas, votes, comments, responses,
    # participants).
    for column, rows, month_at in [
        (2, ideas, 5),
        (3, votes, 4),
        (4, comments, 4),
        (5, responses, 4),
        (6, participants, 4),
    ]:
        for key, row in monthly.items():
            assert row[column] == sum(1 for r in rows if r[month_at] == key), (column, key)
    # Status and tag tables recounted from the idea rows.
    for _label, code, n in _sheet_rows(book, "สถานะ"):
        assert n == sum(1 for r in ideas if r[2] == code), code
    for _label, slug, n in _sheet_rows(book, "แท็ก"):
        tags = [(r[10] or "").split(", ") if r[10] else [] for r in ideas]  # "" reads as None
        assert n == sum(1 for t in tags if (slug in t if slug else not t)), slug

    # RM3: satisfaction % = answers 4–5 ÷ all 1–5 answers of that fiscal year.
    answers = _sheet_rows(book, "คำตอบ RM3")
    assert [(r[4], r[6], r[7]) for r in answers] == [
        (2569, 5, 1),
        (2569, 5, 1),
        (2570, 5, 1),
        (2570, 4, 1),
        (2570, 3, 0),
        (2570, 5, 1),
    ]
    for year, _responses, pct, _target, _verdict, total, satisfied in _sheet_rows(book, "RM3")[:3]:
        in_year = [r for r in answers if r[4] == year]
        assert total == len(in_year) and satisfied == sum(r[7] for r in in_year)
        assert pct == (round(100 * satisfied / total, 2) if total else None)
    # No names, e-mails or free text of people in the rows sheets.
    text = str([votes, comments, responses, participants, answers])
    assert "@" not in text and "ผู้ร่วม" not in text and "เห็นด้วย" not in text


def test_evidence_pdf_has_thai_text(client, agency_a, manager_a, year_data):
    pypdf = pytest.importorskip("pypdf")
    client.force_login(manager_a)
    response = client.get(f"/api/v1/agencies/{agency_a.slug}/evidence/2570.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Laksaman" in name for name in fonts)
    compact = re.sub(r"\s", "", text)
    assert "ชุดหลักฐาน" in compact and "ปีงบประมาณ2570" in compact
    assert "E-3.3-2570-agency-a-01" in compact
    assert "ลดเวลารอคอยหน้าห้องยา" in compact  # a linked idea's title


def test_evidence_page_for_managers_only(client, agency_a, manager_a, manager_b, year_data):
    url = f"/plans/staff/{agency_a.slug}/2570/evidence/"
    assert client.get(url).status_code == 302  # to log in
    client.force_login(manager_b)
    assert client.get(url).status_code == 403
    client.force_login(manager_a)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "E-3.3-2570-agency-a-01" in html and "<svg" in html
    assert "75.0%" in html
    assert (
        client.get(url + "?fiscal_year=2569").url == f"/plans/staff/{agency_a.slug}/2569/evidence/"
    )


def test_background_export_with_progress(
    client, agency_a, manager_a, manager_b, year_data, django_capture_on_commit_callbacks
):
    from plans.models import EvidenceExport

    url = f"/plans/staff/{agency_a.slug}/2570/evidence/export/xlsx/"
    client.force_login(manager_b)
    assert client.post(url).status_code == 403
    client.force_login(manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    export = EvidenceExport.objects.get()
    assert response.status_code == 302 and response.url == f"/plans/staff/exports/{export.pk}/"
    assert export.status == "done" and export.progress == 100  # immediate backend in tests
    partial = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and "/download/" in partial
    download = client.get(f"/plans/staff/exports/{export.pk}/download/")
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert "ข้อเสนอ" in book.sheetnames
    assert client.post(f"/plans/staff/{agency_a.slug}/2570/evidence/export/doc/").status_code == 404
    client.force_login(manager_b)
    assert client.get(f"/plans/staff/exports/{export.pk}/download/").status_code == 403


@pytest.mark.parametrize("year", [0, 70, 99999])
def test_evidence_page_and_export_with_an_impossible_year_are_404(
    client, agency_a, manager_a, year
):
    from plans.models import EvidenceExport

    client.force_login(manager_a)
    assert client.get(f"/plans/staff/{agency_a.slug}/{year}/evidence/").status_code == 404
    url = f"/plans/staff/{agency_a.slug}/{year}/evidence/export/pdf/"
    assert client.post(url).status_code == 404
    assert not EvidenceExport.objects.exists()
    # Choosing an impossible year in the year picker stays on the page.
    response = client.get(f"/plans/staff/{agency_a.slug}/2570/evidence/?fiscal_year={year}")
    assert response.status_code == 200


def test_evidence_xlsx_dates_are_real_be_dates(client, agency_a, manager_a, year_data):
    item = year_data["item"]
    item.start_date, item.end_date = dt.date(2026, 11, 1), dt.date(2027, 3, 31)
    item.save()
    client.force_login(manager_a)
    book = load_workbook(
        io.BytesIO(client.get(f"/api/v1/agencies/{agency_a.slug}/evidence/2570.xlsx").content)
    )
    summary = {row[0].value: row[1] for row in book["สรุป"].iter_rows() if row[0].value}
    for label, value in (
        ("วันเริ่มต้น", dt.datetime(2026, 10, 1)),
        ("วันสิ้นสุด", dt.datetime(2027, 9, 30)),
    ):
        assert summary[label].value == value
        assert summary[label].number_format == BE_DATE_FORMAT
    assert summary["จัดทำเมื่อ"].is_date
    assert summary["จัดทำเมื่อ"].number_format == BE_DATETIME_FORMAT

    plans = book["แผนและข้อเสนอ"]
    header = [c.value for c in plans[1]]
    start = plans.cell(row=2, column=header.index("วันเริ่ม") + 1)
    end = plans.cell(row=2, column=header.index("วันสิ้นสุด") + 1)
    assert (start.value, end.value) == (dt.datetime(2026, 11, 1), dt.datetime(2027, 3, 31))
    assert start.number_format == end.number_format == BE_DATE_FORMAT

    held = book["เวิร์กช็อป"]["C2"]  # scheduled 15 Jan 2027 10:00 Bangkok
    assert held.value == dt.datetime(2027, 1, 15) and held.number_format == BE_DATE_FORMAT
    # The code asks for the Thai Buddhist calendar (07) in the Thai locale (041E).
    assert BE_DATE_FORMAT.startswith("[$-107041E]")


def _finished_export(agency, fmt, created_at, *, status="done", fiscal_year=2570):
    from django.core.files.base import ContentFile

    from plans.models import EvidenceExport

    export = EvidenceExport.objects.create(
        agency=agency, fiscal_year=fiscal_year, format=fmt, status=status
    )
    if status == "done":
        export.file.save(f"evidence-{export.pk}.{fmt}", ContentFile(b"x"))
    EvidenceExport.objects.filter(pk=export.pk).update(created_at=created_at)
    export.refresh_from_db()
    return export


def test_old_evidence_exports_are_pruned(agency_a, agency_b):
    """Newest 3 finished files per agency-year-format within 30 days stay (the newest always
    stays); older, failed and stuck ones go, file and row."""
    from django.core.management import call_command

    from plans.models import EvidenceExport

    now = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)
    days = [dt.timedelta(days=n) for n in range(60)]
    a_xlsx = [_finished_export(agency_a, "xlsx", now - days[n]) for n in (1, 2, 3, 4, 5)]
    a_pdf_old = _finished_export(agency_a, "pdf", now - days[40])  # the only PDF: stays
    a_pdf_older = _finished_export(agency_a, "pdf", now - days[50])
    a_2569 = _finished_export(agency_a, "xlsx", now - days[2], fiscal_year=2569)
    failed = _finished_export(agency_a, "xlsx", now - days[1], status="failed")
    stuck = _finished_export(agency_a, "pdf", now - days[45], status="running")
    running = _finished_export(agency_a, "pdf", now - days[0], status="running")
    b_xlsx = _finished_export(agency_b, "xlsx", now - days[10])
    gone_files = [e.file.path for e in (a_xlsx[3], a_xlsx[4], a_pdf_older)]

    from plans import services

    assert services.evidence_exports_prune(now=now) == 5
    kept = set(EvidenceExport.objects.values_list("pk", flat=True))
    assert kept == {e.pk for e in (*a_xlsx[:3], a_pdf_old, a_2569, running, b_xlsx)}
    assert failed.pk not in kept and stuck.pk not in kept
    assert all(not os.path.exists(path) for path in gone_files)
    assert os.path.exists(a_xlsx[0].file.path)

    out = io.StringIO()
    call_command("prune_evidence_exports", "--keep", "1", "--days", "30", stdout=out)
    assert "deleted 2" in out.getvalue()  # a_xlsx[1], a_xlsx[2]
    assert not EvidenceExport.objects.filter(pk__in=[a_xlsx[1].pk, a_xlsx[2].pk]).exists()


def test_a_finished_background_export_prunes_its_own_older_files(
    client, agency_a, manager_a, year_data, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from plans.models import EvidenceExport

    old = [
        _finished_export(agency_a, "xlsx", timezone.now() - dt.timedelta(hours=n))
        for n in (1, 2, 3)
    ]
    other_format = _finished_export(agency_a, "pdf", timezone.now() - dt.timedelta(hours=9))
    client.force_login(manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/plans/staff/{agency_a.slug}/2570/evidence/export/xlsx/")
    kept = set(EvidenceExport.objects.values_list("pk", flat=True))
    new = EvidenceExport.objects.latest("created_at")
    assert new.status == "done"
    assert kept == {new.pk, old[0].pk, old[1].pk, other_format.pk}

"""Pages, API and exports: a role × endpoint permission matrix, and export contents."""

import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from assessments import services
from assessments.models import Evidence, Finding
from plans.models import PlanItem
from portal.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/agencies/hospital-a/assessments/2570"
PAGE = "/assessments/hospital-a/2570/"
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def people(agency, other_agency, member):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    return {
        "anonymous": None,
        "citizen": UserFactory(),
        "other_manager": member(Role.MANAGER, other_agency),
        "moderator": member(Role.MODERATOR),
        "facilitator": member(Role.FACILITATOR),
        "manager": member(Role.MANAGER),
        "admin": member(Role.ADMIN),
        "superuser": superuser,
    }


@pytest.fixture
def filled(assessment, manager, answer_of):
    """Explanations in Thai for two items, evidence, and an OFI."""
    services.item_answer_update(
        answer=answer_of("3.2"),
        actor=manager,
        level=2,
        explanation="สำรวจความพึงพอใจผู้ป่วยนอกทุกเดือน",
    )
    services.item_answer_update(
        answer=answer_of("7.6"), actor=manager, level=1, explanation="ผลประเมินคุณธรรมและความโปร่งใส"
    )
    services.evidence_add_file(
        answer=answer_of("3.2"),
        actor=manager,
        upload=SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf"),
        title="รายงานผลสำรวจความพึงพอใจ",
    )
    item = answer_of("3.4").item
    services.finding_add(
        assessment=assessment,
        actor=manager,
        category=item.category,
        kind=Finding.Kind.OFI,
        text="ลดเวลาตอบกลับข้อร้องเรียน",
        item=item,
    )
    return assessment


# role -> expected status for API GET and for the page GET
MATRIX = {
    "anonymous": (401, 302),
    "citizen": (403, 403),
    "other_manager": (403, 403),
    "moderator": (403, 200),
    "facilitator": (403, 200),
    "manager": (200, 200),
    "admin": (200, 200),
    "superuser": (200, 200),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix_read(client, people, filled, role, token_for):
    api_status, page_status = MATRIX[role]
    user = people[role]
    headers = token_for(user) if user else {}
    response = client.get(API, headers=headers)
    assert response.status_code == api_status
    if api_status != 200:
        assert "detail" in response.json()
    else:
        assert response.json()["fiscal_year"] == 2570
    if user:
        client.force_login(user)
    for url in (PAGE, PAGE + "readiness/", PAGE + "items/3.2/", "/assessments/"):
        expected = page_status
        if url == "/assessments/" and role in ("superuser", "other_manager"):
            expected = 200  # the index lists only their own agencies' assessments
        response = client.get(url)
        assert response.status_code == expected, (url, response.status_code)
        if url == "/assessments/" and role == "other_manager":
            assert PAGE not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("citizen", False),
        ("other_manager", False),
        ("moderator", False),
        ("facilitator", False),
        ("manager", True),
        ("admin", True),
    ],
)
def test_only_managers_and_admins_submit(client, people, filled, role, allowed):
    filled.answers.update(explanation="อธิบายแล้ว")
    client.force_login(people[role])
    response = client.post(PAGE + "status/", {"status": "submitted"})
    filled.refresh_from_db()
    if allowed:
        assert response.status_code == 302 and filled.status == "submitted"
    else:
        assert response.status_code == 403 and filled.status == "draft"


@pytest.mark.parametrize(("role", "allowed"), [("moderator", False), ("manager", True)])
def test_ofi_to_plan_page_action(client, people, filled, role, allowed):
    ofi = Finding.objects.get(assessment=filled, kind="ofi")
    client.force_login(people[role])
    response = client.post(PAGE + f"findings/{ofi.pk}/to-plan/")
    ofi.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert ofi.plan_item.plan.fiscal_year == 2571
        page = client.get(PAGE).content.decode()
        assert "อยู่ในแผนพัฒนาแล้ว" in page
    else:
        assert response.status_code == 403 and ofi.plan_item is None
        assert not PlanItem.objects.exists()


def test_member_edits_item_and_uploads_evidence(client, people, filled):
    moderator = people["moderator"]
    client.force_login(moderator)
    answer = filled.answers.get(item__code="3.1")
    question = answer.item.questions.order_by("level").first()
    response = client.post(
        PAGE + "items/3.1/",
        {
            "level": "1",
            "target_level": "2",
            "explanation": "มีช่องทางรับฟังหลายช่องทาง",
            "checks": [question.pk],
        },
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.level == 1 and answer.explanation == "มีช่องทางรับฟังหลายช่องทาง"
    bad = client.post(
        PAGE + "items/3.1/evidence/file/",
        {
            "title": "ไฟล์",
            "file": SimpleUploadedFile("x.pdf", b"<html>", content_type="application/pdf"),
        },
    )
    assert bad.status_code == 302 and not answer.evidence.exists()
    good = client.post(
        PAGE + "items/3.1/evidence/file/",
        {
            "title": "รายงาน",
            "file": SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert good.status_code == 302
    evidence = answer.evidence.get()
    download = client.get(PAGE + f"evidence/{evidence.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    # Someone from another agency can't fetch it.
    client.force_login(people["other_manager"])
    assert client.get(PAGE + f"evidence/{evidence.pk}/file/").status_code == 403


def test_bad_api_input(client, people, filled, token_for):
    headers = token_for(people["manager"])
    assert (
        client.get("/api/v1/agencies/nowhere/assessments/2570", headers=headers).status_code == 404
    )
    missing = client.get("/api/v1/agencies/hospital-a/assessments/2569", headers=headers)
    assert missing.status_code == 404 and "detail" in missing.json()
    ce_year = client.get("/api/v1/agencies/hospital-a/assessments/2027", headers=headers)
    assert ce_year.status_code == 422


def test_api_json_in_criteria_order_with_evidence_ids(client, people, filled, token_for):
    data = client.get(API, headers=token_for(people["manager"])).json()
    assert data["agency"] == "hospital-a" and data["status"] == "draft"
    codes = [i["code"] for c in data["categories"] for i in c["items"]]
    assert codes[:4] == ["1.1", "1.2", "1.3", "1.4"] and codes[-1] == "7.6" and len(codes) == 29
    item = data["categories"][2]["items"][1]
    assert item["code"] == "3.2" and item["level"] == 2
    assert item["explanation"] == "สำรวจความพึงพอใจผู้ป่วยนอกทุกเดือน"
    assert item["evidence"][0]["evidence_id"] == "E-3.2-2570-hospital-a-S01"
    assert item["evidence"][0]["kind"] == Evidence.Kind.FILE
    assert data["categories"][2]["ofis"][0]["text"] == "ลดเวลาตอบกลับข้อร้องเรียน"


def _pdf_text(content: bytes) -> str:
    if shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
        )
        return result.stdout.decode("utf-8")
    pypdf = pytest.importorskip("pypdf")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_pdf_export_has_thai_text_in_criteria_order(client, people, filled, token_for):
    response = client.get(API + ".pdf", headers=token_for(people["manager"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")

    # Laksaman draws SARA AM as NIKHAHIT + SARA AA and uses shifted glyphs for marks above and
    # below, which text extraction maps back loosely; compare the text without those marks.
    def norm(value: str) -> str:
        value = "".join(value.split()).replace("\u0e33", "\u0e32")
        return "".join(
            ch
            for ch in value
            if not ("\u0e31" <= ch <= "\u0e3a" or "\u0e47" <= ch <= "\u0e4e") or ch == "\u0e32"
        )

    compact = norm(_pdf_text(response.content))
    for phrase in (
        "การประเมินตนเองตามเกณฑ์PMQA4.0",
        "สำรวจความพึงพอใจผู้ป่วยนอกทุกเดือน",
        "ผลประเมินคุณธรรมและความโปร่งใส",
        "E-3.2-2570-hospital-a-S01",
        "ลดเวลาตอบกลับข้อร้องเรียน",
    ):
        assert norm(phrase) in compact, phrase
    # Items appear in the order of the criteria (after the readiness summary).
    body = compact[compact.index(norm("หมวด1การนำองค์การ1.1")) :]
    names = ("1.1การกำหนดทิศทาง", "3.2ความพึงพอใจ", "7.6(RM6)")
    positions = [body.index(norm(name)) for name in names]
    assert positions == sorted(positions)


def test_xlsx_export_rows_in_criteria_order(client, people, filled):
    client.force_login(people["moderator"])  # members download from the page
    response = client.get(PAGE + "export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["สรุป", "ประเด็น", "หลักฐาน", "จุดแข็งและ OFI"]
    rows = list(book["ประเด็น"].iter_rows(values_only=True))
    assert rows[0][2] == "ประเด็น"
    codes = [r[2] for r in rows[1:]]
    assert codes[0] == "1.1" and codes[-1] == "7.6" and len(codes) == 29
    assert codes.index("3.2") < codes.index("3.4") < codes.index("4.1")
    row32 = rows[1 + codes.index("3.2")]
    assert row32[4] == "ความพึงพอใจและความผูกพันของผู้รับบริการ"
    assert row32[7] == "สำรวจความพึงพอใจผู้ป่วยนอกทุกเดือน"
    assert row32[9] == "E-3.2-2570-hospital-a-S01"
    evidence = list(book["หลักฐาน"].iter_rows(values_only=True))
    assert evidence[1][:4] == (
        "E-3.2-2570-hospital-a-S01",
        "3.2",
        "file",
        "รายงานผลสำรวจความพึงพอใจ",
    )
    summary = [r for r in book["สรุป"].iter_rows(values_only=True) if r and r[0] == 3]
    assert summary[0][1] == "การให้ความสำคัญกับผู้รับบริการและผู้มีส่วนได้ส่วนเสีย"


def test_create_from_index_page(client, agency, people):
    client.force_login(people["moderator"])
    assert (
        client.post(
            "/assessments/create/", {"agency": agency.slug, "fiscal_year": 2570}
        ).status_code
        == 403
    )
    client.force_login(people["manager"])
    page = client.get("/assessments/").content.decode()
    assert "ยังไม่มีการประเมินตนเอง" in page and "เริ่มประเมิน" in page
    response = client.post("/assessments/create/", {"agency": agency.slug, "fiscal_year": 2570})
    assert response.status_code == 302 and response["Location"] == PAGE
    again = client.post(
        "/assessments/create/", {"agency": agency.slug, "fiscal_year": 2570}, follow=True
    )
    assert "มีการประเมินตนเองของปีงบประมาณ 2570 อยู่แล้ว" in again.content.decode()


def test_staff_dashboard_links_managers_only(client, people):
    client.force_login(people["manager"])
    assert 'href="/assessments/"' in client.get("/staff/").content.decode()
    client.force_login(people["moderator"])
    assert 'href="/assessments/"' not in client.get("/staff/").content.decode()

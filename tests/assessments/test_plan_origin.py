"""A plan item made from a self-assessment OFI says where it came from: on the staff plan page
(with the OFI text and a link back), on the public "you said, we did" page (the source only),
and in the evidence pack (HTML, JSON, XLSX)."""

import io

import pytest
from openpyxl import load_workbook

from assessments import services
from assessments.models import Finding, Item
from plans import evidence
from plans.models import PlanItem

pytestmark = pytest.mark.django_db

OFI_TEXT = "ลดระยะเวลาตอบกลับข้อร้องเรียนให้อยู่ภายใน 15 วัน\nโดยตั้งทีมรับเรื่องประจำวัน"
SOURCE = "โอกาสในการปรับปรุง (OFI) จากการประเมินตนเองตามเกณฑ์ PMQA 4.0 ปีงบประมาณ 2570 หมวด 3"


@pytest.fixture
def from_ofi(assessment, manager):
    item = Item.objects.get(category__criteria_set=assessment.criteria_set, code="3.4")
    finding = services.finding_add(
        assessment=assessment,
        actor=manager,
        category=item.category,
        kind=Finding.Kind.OFI,
        text=OFI_TEXT,
        item=item,
    )
    plan_item = services.finding_to_plan_item(finding=finding, actor=manager)
    plan = plan_item.plan
    plan.is_published = True
    plan.save()
    plain = PlanItem.objects.create(
        plan=plan, title="ป้ายบอกทางใหม่", pmqa_category=3, pmqa_item="3.3"
    )
    return {"finding": finding, "item": plan_item, "plain": plain, "plan": plan, "code": item}


def test_evidence_pack_origins(from_ofi, agency):
    pack = evidence.evidence_pack(agency=agency, fiscal_year=2571)
    by_id = {item["id"]: item for item in pack["plan_items"]}
    finding = from_ofi["finding"]
    assert by_id[from_ofi["item"].pk]["origins"] == [
        {
            "kind": "pmqa_ofi",
            "finding_id": finding.pk,
            "assessment_id": finding.assessment_id,
            "assessment_fiscal_year": 2570,
            "category": 3,
            "category_name": finding.category.name,
            "item_code": "3.4",
            "item_label": from_ofi["code"].label,
            "text": OFI_TEXT,
        }
    ]
    assert by_id[from_ofi["plain"].pk]["origins"] == []


def test_staff_plan_page_shows_origin_with_link(client, from_ofi, manager, assessment):
    client.force_login(manager)
    html = client.get(f"/plans/staff/plans/{from_ofi['plan'].pk}/").content.decode()
    assert SOURCE in html
    assert f'href="{assessment.get_absolute_url()}#finding-{from_ofi["finding"].pk}"' in html
    assert "โดยตั้งทีมรับเรื่องประจำวัน" in html
    assert html.count("plans-origin") == 1  # the plain item has no origin line
    # …and the assessment page has the anchor the link points to.
    detail = client.get(assessment.get_absolute_url()).content.decode()
    assert f'id="finding-{from_ofi["finding"].pk}"' in detail


def test_public_plan_page_shows_source_without_link(client, from_ofi, agency, assessment):
    html = client.get(f"/plans/{agency.slug}/2571/").content.decode()
    assert SOURCE in html
    assert assessment.get_absolute_url() not in html  # the assessment is internal
    assert html.count("plans-origin") == 1


def test_evidence_page_and_xlsx_show_origin(client, from_ofi, manager, agency):
    client.force_login(manager)
    html = client.get(f"/plans/staff/{agency.slug}/2571/evidence/").content.decode()
    assert SOURCE in html
    response = client.get(f"/api/v1/agencies/{agency.slug}/evidence/2571.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["แผนและข้อเสนอ"].iter_rows(values_only=True))
    header = rows[0]
    column = header.index("ที่มา")
    by_id = {row[0]: row for row in rows[1:]}
    origin = by_id[from_ofi["item"].pk][column]
    assert origin.startswith("OFI การประเมินตนเอง ปีงบประมาณ 2570 หมวด 3 (3.4): ลดระยะเวลา")
    assert by_id[from_ofi["plain"].pk][column] in (None, "")

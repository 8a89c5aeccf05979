"""The four journeys of issue 11, in real chromium against daphne (HTTP + WebSockets)."""

import io
import re
import subprocess

import pytest
from django.utils import timezone

from portal.models import Role

from . import data
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_journey(new_context):
    """Home → campaign → sign up → submit (similar ideas while typing) → vote → comment →
    a moderator answers → the citizen sees the new status, the response and a notification."""
    from ideas.models import Idea

    hospital = data.agency()
    moderator = data.member(hospital, Role.MODERATOR, display_name="สมศรี ผู้ดูแล")
    campaign = data.campaign(hospital)
    other = data.idea(campaign, title="อยากให้มีระบบนัดหมายออนไลน์")

    page = new_context().new_page()
    page.goto("/")
    page.get_by_role("link", name=campaign.title).first.click()
    page.wait_for_url(f"**{campaign.url}")
    page.get_by_role("link", name="สมัครสมาชิก").click()
    page.get_by_label("อีเมล").first.fill("newcitizen@example.com")
    page.locator("input[name=password1]").fill("Ruamkid-2569-strong!")
    page.locator("input[name=password2]").fill("Ruamkid-2569-strong!")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="ออกจากระบบ").is_visible()

    page.goto(campaign.url)
    page.get_by_role("link", name="เสนอความคิด").click()
    page.get_by_label("หัวข้อข้อเสนอ").press_sequentially("ขอระบบนัดหมายออนไลน์", delay=20)
    page.locator("#id_body").press_sequentially(
        "อยากให้มีระบบนัดหมายออนไลน์ จองเวลาพบแพทย์ล่วงหน้า", delay=10
    )
    similar = page.locator("#similar-ideas .ideas-similar")
    similar.wait_for()
    assert other.title in similar.inner_text()
    screenshot(page, "submit-idea-similar-desktop")
    page.locator("#id_body").fill(
        "อยากให้มีระบบนัดหมายออนไลน์ จองเวลาพบแพทย์ล่วงหน้าได้ทางมือถือ ผู้สูงอายุจะได้ไม่ต้องมารอตั้งแต่ตีห้า"
    )
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="ส่งข้อเสนอ").click()
    page.wait_for_url(re.compile(r"/ideas/\d+/$"))
    mine = Idea.objects.get(author__email="newcitizen@example.com")
    assert mine.title == "ขอระบบนัดหมายออนไลน์"
    assert page.locator("h1").inner_text() == mine.title

    # Vote on another idea (HTMX swaps the box in place), then comment on it.
    page.goto(f"/ideas/{other.pk}/")
    page.get_by_role("button", name="โหวตสนับสนุน").click()
    box = page.locator(f"#idea-vote-{other.pk}")
    box.get_by_role("button", name="ยกเลิกโหวต").wait_for()
    assert "1" in box.locator(".idea-vote-count strong").inner_text()
    page.locator("#comments textarea").fill("เห็นด้วยค่ะ คุณแม่ต้องมารอตั้งแต่ตีห้าทุกเดือน")
    page.get_by_role("button", name="ส่งความคิดเห็น").click()
    page.get_by_text("เห็นด้วยค่ะ คุณแม่ต้องมารอตั้งแต่ตีห้าทุกเดือน").wait_for()
    other.refresh_from_db()
    assert (other.vote_count, other.comment_count) == (1, 1)

    # Later: a moderator accepts the citizen's idea with an official response (staff form).
    staff = new_context(moderator).new_page()
    staff.goto(f"/ideas/{mine.pk}/")
    staff.locator("select[name=status]").select_option("accepted")
    staff.locator("textarea[name=response]").fill("รับไว้พิจารณาในแผนปีงบประมาณ 2570 แล้ว ขอบคุณค่ะ")
    staff.get_by_role("button", name="เปลี่ยนสถานะและแจ้งผู้เสนอ").click()
    staff.wait_for_load_state()
    mine.refresh_from_db()
    assert mine.status == "accepted"

    page.goto(f"/ideas/{mine.pk}/")
    assert "รับไว้พิจารณาในแผนปีงบประมาณ 2570 แล้ว" in page.locator("#timeline").inner_text()
    page.goto("/ideas/notifications/")
    assert mine.title in page.locator("main").inner_text()
    screenshot(page, "notifications-desktop")


def test_manager_links_ideas_and_downloads_evidence(new_context, tmp_path):
    """A manager links an idea to a plan item, then downloads the evidence pack as PDF and
    XLSX; both files contain the Thai plan item, the idea and its vote count."""
    import openpyxl

    from ideas.services import vote_cast

    hospital = data.agency()
    manager = data.member(hospital, Role.MANAGER, display_name="ผอ.ประภา")
    campaign = data.campaign(hospital)
    idea = data.idea(campaign)
    for _ in range(3):
        vote_cast(idea=idea, user=data.citizen())
    fiscal_year = 2570 if timezone.now() < data.bangkok(2027, 10, 1) else 2571
    _, item = data.plan_with_item(hospital, fiscal_year=fiscal_year, title="จองคิวพบแพทย์ออนไลน์")

    page = new_context(manager).new_page()
    page.goto(f"/plans/link/idea/{idea.pk}/")
    page.locator("select[name=plan_item]").select_option(str(item.pk))
    page.get_by_role("button", name="เชื่อมโยง").click()
    page.wait_for_load_state()
    assert item.ideas.filter(pk=idea.pk).exists()

    page.goto(f"/plans/staff/{hospital.slug}/{fiscal_year}/evidence/")
    assert "จองคิวพบแพทย์ออนไลน์" in page.locator("main").inner_text()
    with page.expect_download() as pdf_info:
        page.get_by_role("link", name="ดาวน์โหลด PDF").click()
    pdf_path = tmp_path / "evidence.pdf"
    pdf_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes()[:5] == b"%PDF-"
    pdf_text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "จองคิวพบแพทย์ออนไลน์" in pdf_text
    assert idea.title in pdf_text
    assert str(fiscal_year) in pdf_text

    with page.expect_download() as xlsx_info:
        page.get_by_role("link", name=re.compile("ดาวน์โหลด Excel")).click()
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_info.value.path().read_bytes()))
    cells = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    assert "จองคิวพบแพทย์ออนไลน์" in cells
    assert idea.title in cells
    assert 3 in cells  # the idea's vote count, as a number

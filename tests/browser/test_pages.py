"""Every main page type in real chromium: axe-core finds no serious/critical violation, the
page is Thai (`lang="th"`), and desktop + phone screenshots are saved as test artefacts."""

import pytest

from portal.models import Role

from . import data
from .conftest import axe_check, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site():
    hospital = data.agency()
    manager = data.member(hospital, Role.MANAGER, display_name="ผอ.ประภา")
    facilitator = data.member(hospital, Role.FACILITATOR, display_name="วิชัย กระบวนกร")
    citizen = data.citizen(display_name="มานี ใจดี")
    campaign = data.campaign(hospital)
    idea = data.idea(campaign, author=citizen)
    data.idea(
        campaign,
        title="บัตรคิวควรบอกเวลาโดยประมาณ",
        body="ได้บัตรคิวแล้วไม่รู้ว่าจะถึงตอนไหน ถ้ามี SMS บอกว่าอีกกี่นาทีจะถึงคิวจะช่วยได้มาก",
    )
    survey = data.survey(hospital)
    workshop = data.workshop(hospital, facilitator, status="live")
    plan, item = data.plan_with_item(hospital)
    return {
        "hospital": hospital,
        "manager": manager,
        "facilitator": facilitator,
        "citizen": citizen,
        "campaign": campaign,
        "idea": idea,
        "survey": survey,
        "workshop": workshop,
        "plan": plan,
        "item": item,
    }


def _visit(context, path, name, found, *, phone_context=None):
    page = context.new_page()
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    assert page.locator("html").get_attribute("lang") == "th", path
    assert page.title().strip(), f"{path} has no <title>"
    violations = axe_check(page)
    if violations:
        found[name] = violations
    screenshot(page, f"{name}-desktop")
    if phone_context is not None:
        phone = phone_context.new_page()
        phone.goto(path)
        phone_violations = axe_check(phone)
        if phone_violations:
            found[f"{name} (phone)"] = phone_violations
        # Nothing should force sideways scrolling on a 390 px phone.
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 2:
            found[f"{name} (phone)"] = [("horizontal-scroll", "serious", f"{overflow}px", [])]
        screenshot(phone, f"{name}-phone")
        phone.close()
    return page


def test_main_pages_have_no_serious_accessibility_violations(site, new_context):
    found: dict = {}
    anon, anon_phone = new_context(), new_context(phone=True)
    year = site["plan"].fiscal_year
    slug = site["hospital"].slug
    for path, name in [
        ("/", "home"),
        (f"/{slug}/", "agency"),
        (site["campaign"].url, "campaign"),
        (f"/ideas/{site['idea'].pk}/", "idea-detail"),
        ("/accounts/signup/", "signup"),
        ("/accounts/login/", "login"),
        (site["survey"].url, "survey"),
        ("/plans/", "you-said-we-did"),
        (f"/plans/{slug}/{year}/", "public-plan"),
        ("/workshops/", "workshops"),
    ]:
        _visit(anon, path, name, found, phone_context=anon_phone)

    citizen, citizen_phone = new_context(site["citizen"]), new_context(site["citizen"], phone=True)
    _visit(
        citizen,
        f"/ideas/campaigns/{site['campaign'].pk}/submit/",
        "submit-idea",
        found,
        phone_context=citizen_phone,
    )
    _visit(citizen, "/me/data/", "my-data", found, phone_context=citizen_phone)
    _visit(
        citizen,
        f"/workshops/{site['workshop'].code}/",
        "workshop-board",
        found,
        phone_context=citizen_phone,
    )

    manager, manager_phone = new_context(site["manager"]), new_context(site["manager"], phone=True)
    _visit(
        manager,
        f"/surveys/{site['survey'].pk}/results/",
        "survey-results",
        found,
        phone_context=manager_phone,
    )
    _visit(manager, f"/plans/staff/{slug}/{year}/evidence/", "evidence-pack", found)
    # Pages with the manager-only "link to plan" button.
    _visit(manager, f"/ideas/{site['idea'].pk}/", "idea-detail-manager", found)
    _visit(manager, "/ideas/moderation/", "moderation-queue", found)
    _visit(manager, "/staff/", "staff-dashboard", found)
    assert not found, "serious/critical accessibility problems:\n" + "\n".join(
        f"{page}: {violations}" for page, violations in found.items()
    )


def test_form_errors_are_announced_and_focus_is_visible(site, new_context):
    """Submitting the idea form empty shows Thai errors in an alert/linked to the fields, and
    keyboard focus is visible (a real outline, not `outline: none`)."""
    page = new_context(site["citizen"]).new_page()
    page.goto(f"/ideas/campaigns/{site['campaign'].pk}/submit/")
    page.get_by_role("button", name="ส่งข้อเสนอ").click()
    errors = page.locator(".errorlist, [role=alert]")
    assert errors.count() > 0
    assert "ข้อมูลนี้" in errors.first.inner_text() or errors.first.inner_text().strip()
    # The invalid fields are marked for assistive technology.
    title = page.locator("#id_title")
    assert title.get_attribute("aria-invalid") == "true"
    assert axe_check(page) == []
    screenshot(page, "submit-idea-errors-desktop")

    page.keyboard.press("Tab")
    outline = page.evaluate(
        "getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth"
    )
    assert outline.split()[0] != "none" and outline.split()[1] != "0px", outline


def _tab_to(page, predicate_js: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches the JS predicate (el => bool)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(({predicate_js}))(document.activeElement)"):
            return
    raise AssertionError(f"keyboard focus never reached {predicate_js}")


def test_keyboard_only_submit_and_vote(site, new_context):
    """Submit an idea and vote using only the keyboard (Tab, typing, Space, Enter)."""
    from ideas.models import Idea

    page = new_context(site["citizen"]).new_page()
    page.goto(f"/ideas/campaigns/{site['campaign'].pk}/submit/")
    _tab_to(page, "el => el.id === 'id_title'")
    page.keyboard.type("ขอที่นั่งรอสำหรับผู้สูงอายุ")
    _tab_to(page, "el => el.id === 'id_body'")
    page.keyboard.type("หน้าห้องตรวจมีเก้าอี้ไม่พอ ผู้สูงอายุต้องยืนรอนาน อยากให้เพิ่มที่นั่ง")
    _tab_to(page, "el => el.name === 'consent'")
    page.keyboard.press("Space")
    _tab_to(page, "el => el.type === 'submit' && el.closest('main')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    created = Idea.objects.get(title="ขอที่นั่งรอสำหรับผู้สูงอายุ")

    page.goto(f"/ideas/{site['idea'].pk}/")
    _tab_to(page, "el => el.getAttribute('aria-pressed') === 'false'")
    page.keyboard.press("Enter")
    page.locator(f"#idea-vote-{site['idea'].pk} [aria-pressed=true]").wait_for()
    site["idea"].refresh_from_db()
    assert site["idea"].vote_count == 1
    assert created.author_id == site["citizen"].pk

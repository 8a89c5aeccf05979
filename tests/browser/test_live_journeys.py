"""Journeys with live parts: the workshop board over WebSockets with two participants, and a
satisfaction survey answered on a phone-sized viewport."""

import re

import pytest

from portal.models import Role

from . import data
from .conftest import axe_check, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _board_ready(page):
    """Wait for the live connection. The board renders read-only when its channel-layer probe
    times out (seen on an overloaded machine); reload then, as the page tells people to."""
    for _ in range(6):
        if page.locator("#ws-board").get_attribute("data-live") == "1":
            break
        page.reload()
    page.locator("#ws-connection[data-state=connected]").wait_for()


def _note(page, text):
    return page.locator(".ws-note", has_text=text)


def test_workshop_journey(new_context):
    """A facilitator creates a workshop; two participants join by code in their own browser
    contexts; notes appear live on every board; cluster, dot votes, timer; a participant
    reloads and resumes; the facilitator promotes the cluster to an idea."""
    from ideas.models import Idea
    from workshops.models import Workshop

    hospital = data.agency()
    facilitator = data.member(hospital, Role.FACILITATOR, display_name="วิชัย กระบวนกร")
    campaign = data.campaign(hospital)

    fac = new_context(facilitator).new_page()
    fac.goto("/workshops/console/")
    fac.locator("select[name=agency]").select_option(str(hospital.pk))
    fac.get_by_label("ชื่อเวิร์กช็อป").fill("ออกแบบบริการรับยาใกล้บ้าน")
    challenge = fac.locator("textarea[name=challenge], input[name=challenge]")
    challenge.fill("เราจะทำให้ผู้ป่วยโรคเรื้อรังรับยาได้ใกล้บ้านอย่างไร")
    status = fac.locator("select[name=status]")
    if status.count():
        status.select_option("live")
    fac.get_by_role("button", name="สร้างเวิร์กช็อป").click()
    fac.wait_for_url("**/workshops/console/*/")
    workshop = Workshop.objects.get(title="ออกแบบบริการรับยาใกล้บ้าน")
    if workshop.status != "live":
        Workshop.objects.filter(pk=workshop.pk).update(status="live")
    code = workshop.code
    assert code in fac.locator("main").inner_text()
    fac.goto(f"/workshops/{code}/")
    _board_ready(fac)

    # Participant A: anonymous, joins by typing the code.
    a = new_context().new_page()
    a.goto("/workshops/join/")
    a.locator("input[name=code]").fill(code)
    a.locator("main form button[type=submit]").click()
    a.wait_for_url(f"**/workshops/{code}/")
    _board_ready(a)
    screenshot(a, "workshop-join-desktop")
    assert a.locator("#ws-join").is_visible(), (
        workshop.allow_anonymous,
        a.locator("#ws-board").inner_text()[:600],
    )
    a.locator("#ws-name").fill("ป้าแดง")
    a.get_by_role("button", name="เข้าร่วม").click()
    a.locator("#ws-forms").wait_for()

    # Participant B: a logged-in citizen.
    b = new_context(data.citizen(display_name="ลุงมี")).new_page()
    b.goto(f"/workshops/{code}/")
    _board_ready(b)
    b.locator("#ws-forms").wait_for()

    a.locator("#ws-note-text").fill("ให้ร้านยาใกล้บ้านจ่ายยาแทนโรงพยาบาล")
    a.get_by_role("button", name="แปะโน้ต").click()
    b.locator("#ws-note-text").fill("ส่งยาทางไปรษณีย์ให้ผู้สูงอายุ")
    b.get_by_role("button", name="แปะโน้ต").click()
    for page in (a, b, fac):
        _note(page, "ให้ร้านยาใกล้บ้านจ่ายยาแทนโรงพยาบาล").wait_for()
        _note(page, "ส่งยาทางไปรษณีย์ให้ผู้สูงอายุ").wait_for()
    # Presence updates are coalesced (at most one a second), so wait for the trailing one.
    a.locator("#ws-participants", has_text="ลุงมี").wait_for(timeout=10_000)

    # Facilitator clusters both notes.
    fac.locator("#ws-cluster-title").fill("รับยานอกโรงพยาบาล")
    fac.get_by_role("button", name="สร้างกลุ่ม").click()
    cluster_heading = fac.get_by_role("heading", name=re.compile("รับยานอกโรงพยาบาล"))
    cluster_heading.wait_for()
    for text in ("ให้ร้านยาใกล้บ้านจ่ายยาแทนโรงพยาบาล", "ส่งยาทางไปรษณีย์ให้ผู้สูงอายุ"):
        _note(fac, text).locator("select").select_option(label="รับยานอกโรงพยาบาล")
    b.locator(".ws-cluster", has_text="รับยานอกโรงพยาบาล").get_by_text(
        "ให้ร้านยาใกล้บ้านจ่ายยาแทนโรงพยาบาล"
    ).wait_for()

    # Dot votes: A spends one on B's note; everyone sees the count, A has 2 left.
    _note(a, "ส่งยาทางไปรษณีย์ให้ผู้สูงอายุ").get_by_role("button", name=re.compile("โหวต")).first.click()
    a.locator("#ws-votes-left", has_text="2").wait_for()
    _note(b, "ส่งยาทางไปรษณีย์ให้ผู้สูงอายุ").locator(".ws-note-meta", has_text="1").wait_for()

    # Timer: the facilitator starts 5 minutes; participants see it counting.
    fac.locator("#ws-timer-minutes").fill("5")
    fac.locator("#ws-timer-form").get_by_role("button", name="เริ่ม").click()
    # (Polled from Python: a string predicate would be eval'd and the strict CSP forbids it.)
    for _ in range(100):
        if re.search(r"\d:\d\d", a.locator("#ws-timer").inner_text()):
            break
        a.wait_for_timeout(200)
    assert re.search(r"\d:\d\d", a.locator("#ws-timer").inner_text())

    # A's page reloads mid-session: same participant, notes and votes are back.
    a.reload()
    _board_ready(a)
    _note(a, "ส่งยาทางไปรษณีย์ให้ผู้สูงอายุ").wait_for()
    a.locator("#ws-votes-left", has_text="2").wait_for()
    assert workshop.participants.filter(display_name="ป้าแดง").count() == 1
    screenshot(a, "workshop-board-live-desktop")

    # Facilitator promotes the cluster to an idea in the campaign.
    fac.locator("#ws-campaign").select_option(str(campaign.pk))
    cluster = fac.locator(".ws-cluster", has_text="รับยานอกโรงพยาบาล")
    cluster.locator("button[data-focus-key^=promote-cluster-]").click()
    cluster.get_by_text("เป็นข้อเสนอแล้ว").first.wait_for()
    promoted = Idea.objects.get(campaign=campaign)
    assert "รับยานอกโรงพยาบาล" in promoted.title
    assert axe_check(a) == []


def test_survey_on_phone_and_results_chart(new_context):
    """A respondent answers on a 390 px phone; staff then see the response in the results."""
    from surveys.models import SurveyResponse

    hospital = data.agency()
    manager = data.member(hospital, Role.MANAGER)
    survey = data.survey(hospital)

    phone = new_context(phone=True).new_page()
    phone.goto(survey.url)
    questions = phone.locator("fieldset[data-question]")
    assert questions.count() == 5
    questions.nth(0).locator("label.scale-option", has_text="5").first.tap()
    questions.nth(1).locator("label.scale-option", has_text="4").first.tap()
    questions.nth(3).get_by_text("ญาติผู้ป่วย").tap()
    questions.nth(4).locator("textarea").fill("รอรับยานานมาก อยากให้มีคิวออนไลน์")
    phone.locator("input[name=consent]").check()
    screenshot(phone, "survey-answering-phone")
    with phone.expect_navigation():
        phone.locator("form[data-survey-form] button[type=submit]").tap()
    errors = phone.locator(".form-error").all_inner_texts()
    assert "ขอบคุณ" in phone.locator("main").inner_text(), errors
    response = SurveyResponse.objects.get(survey=survey)
    assert response.answers.count() >= 4

    staff = new_context(manager).new_page()
    staff.goto(f"/surveys/{survey.pk}/results/")
    main = staff.locator("main")
    assert main.locator("svg, canvas, .chart, [role=img]").count() > 0
    text = main.inner_text()
    assert "100" in text  # both Likert answers were 4-5: satisfaction 100 %
    screenshot(staff, "survey-results-chart-desktop")

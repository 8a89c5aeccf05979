import pytest

from portal.models import ApiToken, ConsentRecord
from portal.services import api_token_create, consent_record

pytestmark = pytest.mark.django_db


def test_export_contains_account_consents_and_memberships(client, make_member, token_for):
    user = make_member("moderator", email="pdpa@example.com", display_name="ทดสอบ")
    consent_record(user=user, purpose="idea_submission", subject="ideas.idea:1")
    response = client.get("/api/v1/me/export", headers=token_for(user))
    assert response.status_code == 200
    data = response.json()
    assert data["account"]["email"] == "pdpa@example.com"
    assert data["memberships"][0]["role"] == "moderator"
    assert data["consents"][0]["purpose"] == "idea_submission"
    assert data["consents"][0]["notice_version"]


def test_export_and_erase_need_a_user(client):
    assert client.get("/api/v1/me/export").status_code == 401
    response = client.delete("/api/v1/me", {"confirm": True}, content_type="application/json")
    assert response.status_code == 401


def test_erase_requires_confirmation_and_then_anonymises(client, user_factory):
    user = user_factory(email="gone@example.com", display_name="ชื่อจริง")
    headers = {"Authorization": f"Bearer {api_token_create(user=user)}"}
    consent_record(user=user, purpose="idea_submission")
    response = client.delete("/api/v1/me", {}, content_type="application/json", headers=headers)
    assert response.status_code == 422
    response = client.delete(
        "/api/v1/me", {"confirm": True}, content_type="application/json", headers=headers
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.is_erased and not user.is_active
    assert user.email is None and user.display_name == ""
    assert user.public_name == "ผู้ใช้ที่ลบบัญชีแล้ว"
    assert not user.has_usable_password()
    assert not ApiToken.objects.filter(user=user).exists()
    assert not user.emailaddress_set.exists()
    # Consent history is kept as proof, tied to the anonymised account.
    assert ConsentRecord.objects.filter(user=user).count() == 1
    # The old token no longer works.
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_my_data_page_withdraw_and_erase(client, user_factory):
    user = user_factory(email="page@example.com")
    client.force_login(user)
    assert client.get("/me/data/").status_code == 200
    client.post("/me/data/", {"action": "grant", "purpose": "research"})
    assert ConsentRecord.objects.filter(user=user, purpose="research", withdrawn_at=None).exists()
    client.post("/me/data/", {"action": "withdraw", "purpose": "research"})
    assert not ConsentRecord.objects.filter(
        user=user, purpose="research", withdrawn_at=None
    ).exists()
    export = client.post("/me/data/", {"action": "export"})
    assert export["Content-Disposition"].startswith("attachment")
    client.post("/me/data/", {"action": "erase", "confirm_text": "ไม่ใช่"})
    user.refresh_from_db()
    assert not user.is_erased
    client.post("/me/data/", {"action": "erase", "confirm_text": "ลบบัญชี"})
    user.refresh_from_db()
    assert user.is_erased
    assert client.get("/me/data/").status_code == 302  # logged out


@pytest.mark.parametrize(
    ("language", "word", "other_word"), [("th", "ลบบัญชี", "DELETE"), ("en", "DELETE", "ลบบัญชี")]
)
def test_erase_confirmation_word_follows_the_page_language(
    client, user_factory, settings, language, word, other_word
):
    """The page asks for the word in its own language; either language's word is accepted (the
    person may switch language between loading the page and sending it), nothing else is."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    user = user_factory()
    client.force_login(user)
    html = client.get("/me/data/").content.decode()
    assert f"“{word}”" in html
    client.post("/me/data/", {"action": "erase", "confirm_text": "yes"})
    user.refresh_from_db()
    assert not user.is_erased
    client.post("/me/data/", {"action": "erase", "confirm_text": f"  {word.lower()} "})
    user.refresh_from_db()
    assert user.is_erased

    second = user_factory()
    client.force_login(second)
    client.post("/me/data/", {"action": "erase", "confirm_text": other_word})
    second.refresh_from_db()
    assert second.is_erased


def test_each_submission_records_its_consent(client, make_campaign, make_survey, user_factory):
    """Idea, comment, survey response and joining a workshop board each store a consent record
    (purpose, notice version, time, the record it was given with). Votes publish nothing
    personal (only counts) and record none."""
    from portal.services import PRIVACY_NOTICE_VERSION
    from workshops.services import participant_join, workshop_create

    campaign = make_campaign()
    user = user_factory()
    client.force_login(user)
    json = {"content_type": "application/json"}
    idea = client.post(
        "/api/v1/ideas",
        {
            "campaign": campaign.pk,
            "title": "ขอป้ายบอกทางเพิ่ม",
            "body": "หาห้องตรวจไม่เจอ ป้ายบอกทางมีน้อยมาก",
            "consent": True,
        },
        **json,
    ).json()
    comment = client.post(
        f"/api/v1/ideas/{idea['id']}/comments", {"body": "เห็นด้วยครับ"}, **json
    ).json()
    assert client.post(f"/api/v1/ideas/{idea['id']}/vote").status_code == 200
    survey = make_survey(campaign.agency)
    answers = {str(survey.questions.first().pk): 5}
    response = client.post(
        f"/api/v1/surveys/{survey.pk}/responses", {"answers": answers, "consent": True}, **json
    ).json()
    workshop = workshop_create(agency=campaign.agency, created_by=None, title="เวิร์กช็อป")
    participant = participant_join(workshop=workshop, user=user)
    participant_join(workshop=workshop, user=user)  # joining again: no second record
    guest = participant_join(workshop=workshop, display_name="แขก")

    records = {c.purpose: c for c in ConsentRecord.objects.filter(user=user)}
    assert records["idea_submission"].subject == f"ideas.idea:{idea['id']}"
    assert records["comment"].subject == f"ideas.comment:{comment['id']}"
    assert records["survey_response"].subject == f"surveys.surveyresponse:{response['id']}"
    assert records["workshop"].subject == f"workshops.participant:{participant.pk}"
    assert ConsentRecord.objects.filter(user=user).count() == 4
    assert all(c.notice_version == PRIVACY_NOTICE_VERSION and c.given_at for c in records.values())
    anonymous = ConsentRecord.objects.get(subject=f"workshops.participant:{guest.pk}")
    assert anonymous.user is None and anonymous.purpose == "workshop"
    html = client.get(f"/ideas/{idea['id']}/").content.decode()
    assert "การส่งถือว่ายินยอมตามประกาศความเป็นส่วนตัว" in html


def test_my_data_lists_and_revokes_own_api_tokens(client, user_factory):
    user, other = user_factory(), user_factory()
    raw = api_token_create(user=user, name="ระบบรายงานของฉัน")
    others = api_token_create(user=other)
    token = ApiToken.objects.get(user=user)
    client.force_login(user)
    html = client.get("/me/data/").content.decode()
    assert raw[:8] in html and "ระบบรายงานของฉัน" in html
    assert raw not in html and others[:8] not in html  # never the secret, never others'
    other_token = ApiToken.objects.get(user=other)
    client.post("/me/data/", {"action": "revoke_token", "token": other_token.pk})
    assert ApiToken.objects.filter(pk=other_token.pk).exists()  # not one's own: untouched
    client.post("/me/data/", {"action": "revoke_token", "token": token.pk})
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    client.logout()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_withdrawing_email_notifications_stops_status_emails(
    client, make_campaign, make_member, user_factory, django_capture_on_commit_callbacks
):
    """ "Notifications" is on by default (SPEC: the author is e-mailed on a status change); turned
    off on /me/data/ it stops the e-mails, the on-site notification stays; turned on again, they
    come back."""
    from django.core import mail

    from ideas.models import Notification
    from ideas.services import idea_create, idea_status_change
    from portal.pdpa import consent_active

    campaign = make_campaign()
    author = user_factory(email="optout@example.com")
    moderator = make_member("moderator", agency=campaign.agency)
    idea = idea_create(
        campaign=campaign,
        author=author,
        title="ขอเพิ่มรอบรถรับส่ง",
        body="รถรับส่งผู้ป่วยมีน้อย ต้องรอนานกว่าหนึ่งชั่วโมง",
        consent=True,
    )
    client.force_login(author)
    assert consent_active(user=author, purpose="notifications")
    assert "ถอนความยินยอม" in client.get("/me/data/").content.decode()

    def change(status):
        with django_capture_on_commit_callbacks(execute=True):
            idea_status_change(idea=idea, actor=moderator, status=status, response="รับทราบ")

    client.post("/me/data/", {"action": "withdraw", "purpose": "notifications"})
    assert not consent_active(user=author, purpose="notifications")
    record = ConsentRecord.objects.get(user=author, purpose="notifications")
    assert record.withdrawn_at is not None  # the withdrawal itself is on record
    change("under_review")
    assert mail.outbox == []
    assert Notification.objects.filter(user=author).count() == 1

    client.post("/me/data/", {"action": "grant", "purpose": "notifications"})
    change("accepted")
    assert [m.to for m in mail.outbox] == [["optout@example.com"]]
    assert not consent_active(user=user_factory(), purpose="research")  # needs a yes


def test_privacy_notice_covers_what_is_held_and_names_its_version(client, user_factory):
    from portal.services import PRIVACY_NOTICE_VERSION

    html = client.get("/privacy/").content.decode()
    assert f"ประกาศฉบับ {PRIVACY_NOTICE_VERSION}" in html
    for topic in ("ผู้ควบคุมข้อมูล", "ใครเห็นข้อมูลของคุณ", "ระยะเวลาที่เก็บ", "สิทธิของคุณ", "คุกกี้"):
        assert topic in html, topic
    client.force_login(user_factory())
    assert 'href="/me/data/"' in client.get("/privacy/").content.decode()

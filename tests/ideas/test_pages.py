"""HTML pages: the citizen loop end to end, HTMX vote, moderation queue, my ideas, notifications."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from ideas import services
from ideas.models import Comment, Idea, Notification
from portal.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BODY = "อยากให้มีระบบนัดหมายออนไลน์ ไม่ต้องมารอตั้งแต่ตีห้า"


def test_citizen_loop_end_to_end(
    client, campaign, make_member, django_capture_on_commit_callbacks, human_form_fields
):
    # sign up (allauth), confirm the address, submit, find by a Thai word, vote once, comment
    credentials = {"password1": "a-Strong-pass-2569", "password2": "a-Strong-pass-2569"}
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", **credentials, **human_form_fields("signup")},
    )
    assert response.status_code == 302
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    assert client.post(urlsplit(link).path).status_code == 302
    client.post(
        "/accounts/login/", {"login": "new@example.com", "password": credentials["password1"]}
    )
    submit_url = f"/ideas/campaigns/{campaign.pk}/submit/"
    form = client.get(submit_url)
    assert form.status_code == 200
    content = form.content.decode()
    assert "ยินยอม" in content and "/privacy/" in content
    assert 'hx-trigger="keyup changed delay:600ms' in content
    response = client.post(
        submit_url,
        {"title": "อยากให้มีระบบนัดหมายออนไลน์", "body": BODY, "consent": "on"},
    )
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ideas/{idea.pk}/"

    listing = client.get(campaign.url, {"q": "นัดหมาย"})
    assert "อยากให้มีระบบนัดหมายออนไลน์" in listing.content.decode()
    assert "ไม่พบข้อเสนอ" in client.get(campaign.url, {"q": "ห้องน้ำ"}).content.decode()

    client.post(f"/ideas/{idea.pk}/vote/", {"action": "vote"})
    client.post(f"/ideas/{idea.pk}/vote/", {"action": "vote"})
    idea.refresh_from_db()
    assert idea.vote_count == 1

    client.post(f"/ideas/{idea.pk}/comments/", {"body": "ขอให้ทำเร็ว ๆ นะคะ"})
    assert Comment.objects.get().body == "ขอให้ทำเร็ว ๆ นะคะ"

    # a moderator answers; the author sees it
    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    author_client = client
    staff = type(client)()
    staff.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/ideas/{idea.pk}/status/",
            {"status": "accepted", "response": "รับไปทำระบบนัดหมายผ่านไลน์ในปี 2570"},
        )
    assert response.status_code == 302
    status_mail = mail.outbox[-1]  # (the first one is allauth's address confirmation)
    assert status_mail.to == ["new@example.com"] and "รับไปทำระบบนัดหมาย" in status_mail.body
    mine = author_client.get("/ideas/mine/").content.decode()
    assert "รับไปทำระบบนัดหมายผ่านไลน์ในปี 2570" in mine and "รับไปดำเนินการ" in mine
    notes = author_client.get("/ideas/notifications/").content.decode()
    assert idea.title in notes
    author_client.post("/ideas/notifications/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    detail = author_client.get(f"/ideas/{idea.pk}/").content.decode()
    assert "รับไปทำระบบนัดหมายผ่านไลน์ในปี 2570" in detail


def test_submit_form_errors_are_thai_and_nothing_saved(client, campaign):
    client.force_login(UserFactory())
    response = client.post(
        f"/ideas/campaigns/{campaign.pk}/submit/", {"title": "สั้น", "body": "", "consent": ""}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "กรุณากรอกรายละเอียด" in content
    assert "กรุณายินยอมก่อนส่งข้อเสนอ" in content
    response = client.post(
        f"/ideas/campaigns/{campaign.pk}/submit/", {"title": "สั้น", "body": BODY, "consent": "on"}
    )
    assert response.status_code == 400 and "หัวข้อสั้นเกินไป" in response.content.decode()
    assert Idea.objects.count() == 0


def test_submit_requires_login(client, campaign):
    response = client.get(f"/ideas/campaigns/{campaign.pk}/submit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_htmx_vote_returns_partial(client, campaign, make_idea):
    idea = make_idea(campaign)
    client.force_login(UserFactory())
    response = client.post(
        f"/ideas/{idea.pk}/vote/", {"action": "vote"}, headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert f'id="idea-vote-{idea.pk}"' in content and "<html" not in content
    assert "ยกเลิกโหวต" in content and "<strong>1</strong>" in content
    response = client.post(
        f"/ideas/{idea.pk}/vote/", {"action": "unvote"}, headers={"HX-Request": "true"}
    )
    assert "<strong>0</strong>" in response.content.decode()


def test_detail_page_escapes_and_shows_duplicate_link(client, campaign, make_idea, make_member):
    original = make_idea(campaign, title="ระบบนัดหมายต้นฉบับ")
    idea = make_idea(campaign, title="จองคิวผ่านแอปนะครับ", body="<script>alert('x')</script>" + BODY)
    services.idea_status_change(
        idea=idea,
        actor=make_member(Role.MODERATOR, agency=campaign.agency),
        status="duplicate",
        response="ซ้ำกับข้อเสนอต้นฉบับ",
        duplicate_of=original,
    )
    content = client.get(f"/ideas/{idea.pk}/").content.decode()
    assert "<script>alert" not in content
    assert f'href="/ideas/{original.pk}/"' in content
    assert "ซ้ำกับข้อเสนอต้นฉบับ" in content
    assert f"http://testserver/ideas/{idea.pk}/" in content  # share link


def test_hidden_idea_page_is_404_for_public(client, campaign, make_idea, make_member):
    idea = make_idea(campaign)
    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    services.idea_status_change(idea=idea, actor=moderator, status="hidden", response="")
    assert client.get(f"/ideas/{idea.pk}/").status_code == 404
    client.force_login(moderator)
    assert client.get(f"/ideas/{idea.pk}/").status_code == 200


def test_comment_edit_delete_flag_pages(client, campaign, make_idea):
    idea = make_idea(campaign)
    author = UserFactory()
    comment = services.comment_create(idea=idea, author=author, body="ความเห็นเดิม")
    client.force_login(author)
    response = client.post(f"/ideas/comments/{comment.pk}/edit/", {"body": "ความเห็นใหม่"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "ความเห็นใหม่"
    other = type(client)()
    other.force_login(UserFactory())
    assert other.post(f"/ideas/comments/{comment.pk}/edit/", {"body": "x"}).status_code == 403
    other.post(f"/ideas/comments/{comment.pk}/flag/", {"reason": "สแปม"})
    assert comment.flags.count() == 1
    client.post(f"/ideas/comments/{comment.pk}/delete/")
    comment.refresh_from_db()
    assert comment.is_removed
    assert "ความเห็นใหม่" not in client.get(f"/ideas/{idea.pk}/").content.decode()


def test_moderation_queue_per_agency(client, make_campaign, make_idea, make_member):
    mine = make_campaign()
    theirs = make_campaign()
    new_idea = make_idea(mine, title="ข้อเสนอของหน่วยงานฉัน")
    other_idea = make_idea(theirs, title="ข้อเสนอของหน่วยงานอื่น")
    flagged = services.comment_create(idea=new_idea, author=UserFactory(), body="ความเห็นที่ถูกรายงาน")
    services.comment_flag(comment=flagged, user=UserFactory())

    assert client.get("/ideas/moderation/").status_code == 302  # login first
    client.force_login(UserFactory())
    assert client.get("/ideas/moderation/").status_code == 403

    moderator = make_member(Role.MODERATOR, agency=mine.agency)
    client.force_login(moderator)
    page = client.get("/ideas/moderation/").content.decode()
    assert "ข้อเสนอของหน่วยงานฉัน" in page and "ข้อเสนอของหน่วยงานอื่น" not in page
    assert "ความเห็นที่ถูกรายงาน" in page
    assert client.get("/ideas/moderation/", {"agency": theirs.agency.slug}).status_code == 403

    # bulk hide/approve only touches my agency's ideas
    client.post(
        "/ideas/moderation/", {"action": "hide", "idea": [new_idea.pk, other_idea.pk], "reason": ""}
    )
    new_idea.refresh_from_db()
    other_idea.refresh_from_db()
    assert new_idea.status == "hidden" and other_idea.status == "submitted"
    second = make_idea(mine, title="ข้อเสนอที่จะอนุมัติ")
    client.post("/ideas/moderation/", {"action": "approve", "idea": [second.pk]})
    second.refresh_from_db()
    assert second.reviewed_at is not None and second.status == "submitted"
    assert "ข้อเสนอที่จะอนุมัติ" not in client.get("/ideas/moderation/").content.decode()

    # a malformed comment id is a Thai message, not a 500, and changes nothing
    response = client.post(
        "/ideas/moderation/", {"action": "hide_comment", "comment": "abc"}, follow=True
    )
    assert response.status_code == 200 and "ไม่พบความคิดเห็น" in response.content.decode()
    flagged.refresh_from_db()
    assert not flagged.is_hidden
    client.post("/ideas/moderation/", {"action": "hide_comment", "comment": flagged.pk})
    flagged.refresh_from_db()
    assert flagged.is_hidden


def test_campaign_page_listing_and_states(client, make_campaign, make_idea):
    from datetime import timedelta

    from django.utils import timezone

    campaign = make_campaign(support_threshold=50)
    empty = client.get(campaign.url).content.decode()
    assert "ยังไม่มีข้อเสนอ" in empty and "ต้องการ 50 เสียง" in empty
    for i in range(25):
        make_idea(campaign, title=f"ข้อเสนอหมายเลข {i:02d}")
    page1 = client.get(campaign.url, {"sort": "created"}).content.decode()
    assert "ข้อเสนอหมายเลข 00" in page1 and "ข้อเสนอหมายเลข 24" not in page1
    assert 'rel="next"' in page1
    page2 = client.get(campaign.url, {"sort": "created", "page": 2}).content.decode()
    assert "ข้อเสนอหมายเลข 24" in page2
    closed = make_campaign(closes_at=timezone.now() - timedelta(days=1))
    content = client.get(closed.url).content.decode()
    assert "ปิดรับข้อเสนอแล้ว" in content
    assert f"/ideas/campaigns/{closed.pk}/submit/" not in content


def test_wagtail_campaign_only_under_agency_page():
    from cms.models import AgencyPage, HomePage
    from ideas.models import IdeaCampaignPage

    assert IdeaCampaignPage.can_create_at(AgencyPage())
    assert not IdeaCampaignPage.can_create_at(HomePage())


def test_listing_card_shows_the_idea_in_thai_and_english(client, campaign, make_idea, make_member):
    """The cards are worked out in Python (ideas.views.idea_cards): same content as before."""
    from nlp.models import Tag
    from portal.thai_dates import thai_date

    long_body = "ระบบนัดหมายออนไลน์ " * 30  # 570 characters: cut to 220 with an ellipsis
    idea = make_idea(campaign, title="ขอคิวออนไลน์ <ด่วน>", body=long_body)
    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    services.idea_status_change(idea=idea, actor=moderator, status="accepted", response="รับไปทำ")
    slugs = list(Tag.objects.filter(agency=None).values_list("slug", flat=True)[:2])
    services.idea_tags_set(idea=idea, actor=moderator, slugs=slugs)
    services.comment_create(idea=idea, author=UserFactory(), body="เห็นด้วยครับ")
    idea.refresh_from_db()

    html = client.get(campaign.url).content.decode()
    card = html[html.index(f'id="idea-{idea.pk}"') :].split("</li>", 1)[0]
    assert f'<a href="/ideas/{idea.pk}/">ขอคิวออนไลน์ &lt;ด่วน&gt;</a>' in card  # escaped
    assert f"{idea.author.public_name} · {thai_date(idea.created_at)} · 1 ความคิดเห็น" in card
    assert 'idea-status-accepted">รับไปดำเนินการ</span>' in card
    for label in Tag.objects.filter(agency=None, slug__in=slugs).values_list("label", flat=True):
        assert f'<span class="badge idea-tag">{label}</span>' in card
    excerpt = re.search(r'idea-card-excerpt">(.*?)</p>', card).group(1)
    assert excerpt.endswith("…") and len(excerpt) == 220

    client.cookies["django_language"] = "en"
    english = client.get(campaign.url).content.decode()
    card = english[english.index(f'id="idea-{idea.pk}"') :].split("</li>", 1)[0]
    assert "1 comment" in card and 'idea-status-accepted">Accepted</span>' in card


def test_moderation_queue_lists_stored_duplicate_candidates_and_merges(
    client, campaign, make_member, django_capture_on_commit_callbacks, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ideas.models import DuplicateCandidate

    def create(title, body):
        with django_capture_on_commit_callbacks(execute=True):  # analysis + duplicates task
            return services.idea_create(
                campaign=campaign, author=UserFactory(), title=title, body=body, consent=True
            )

    original = create("ขอระบบนัดหมายออนไลน์ที่โรงพยาบาล", BODY)
    lighting = create("ไฟส่องสว่างในซอยดับ", "ซอยหลังตลาดมืดมาก ไฟทางดับหลายดวง เดินกลับบ้านไม่ปลอดภัย")
    again = create("นัดหมายออนไลน์ที่โรงพยาบาล", "ไม่อยากตื่นตีห้ามารอคิวทุกครั้งที่มาหาหมอ")
    stored = list(
        DuplicateCandidate.objects.filter(idea=again).values_list("candidate_id", flat=True)
    )
    assert stored == [original.pk]
    assert not DuplicateCandidate.objects.filter(idea=lighting).exists()

    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    client.force_login(moderator)

    def no_lookup(**kwargs):
        raise AssertionError("the queue must not run the similar-ideas lookup")

    monkeypatch.setattr("nlp.services.similar", no_lookup)
    page = client.get("/ideas/moderation/").content.decode()
    assert "รวมเป็นข้อเสนอซ้ำ" in page and f'name="duplicate_of" value="{original.pk}"' in page
    for i in range(5):  # more new ideas with candidates: the same number of queries
        DuplicateCandidate.objects.create(
            idea=create(f"ข้อเสนอเพิ่ม {i}", f"รายละเอียดข้อเสนอเพิ่มเติมที่ {i} ของประชาชน"),
            candidate=original,
            score=0.9,
        )
    with CaptureQueriesContext(connection) as first:
        client.get("/ideas/moderation/")
    DuplicateCandidate.objects.create(idea=lighting, candidate=original, score=0.6)
    with CaptureQueriesContext(connection) as second:
        client.get("/ideas/moderation/")
    assert len(second) == len(first)

    response = client.post(
        "/ideas/moderation/",
        {"action": "merge", "idea": again.pk, "duplicate_of": original.pk, "response": ""},
    )
    again.refresh_from_db()
    assert again.status == "submitted"  # a response to the author is required
    client.post(
        "/ideas/moderation/",
        {
            "action": "merge",
            "idea": again.pk,
            "duplicate_of": original.pk,
            "response": "รวมไว้ที่ข้อเสนอเดิมแล้วครับ",
        },
    )
    again.refresh_from_db()
    assert again.status == "duplicate" and again.duplicate_of_id == original.pk
    assert response.status_code == 302

    services.idea_status_change(idea=original, actor=moderator, status="hidden", response="")
    page = client.get("/ideas/moderation/").content.decode()
    assert f'name="duplicate_of" value="{original.pk}"' not in page  # hidden ideas aren't offered


def test_editing_an_idea_refreshes_the_queue_ideas_that_listed_it(
    campaign, django_capture_on_commit_callbacks
):
    from ideas.models import DuplicateCandidate

    author = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        original = services.idea_create(
            campaign=campaign,
            author=author,
            title="ขอระบบนัดหมายออนไลน์ที่โรงพยาบาล",
            body=BODY,
            consent=True,
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = services.idea_create(
            campaign=campaign,
            author=UserFactory(),
            title="นัดหมายออนไลน์ที่โรงพยาบาล",
            body="ไม่อยากตื่นตีห้ามารอคิวทุกครั้งที่มาหาหมอ",
            consent=True,
        )
    assert DuplicateCandidate.objects.filter(idea=again, candidate=original).exists()

    with django_capture_on_commit_callbacks(execute=True):  # the author rewrites it
        services.idea_update(
            idea=original,
            actor=author,
            title="ไฟส่องสว่างในซอยดับ",
            body="ซอยหลังตลาดมืดมาก ไฟทางดับหลายดวง เดินกลับบ้านไม่ปลอดภัย",
        )
    assert not DuplicateCandidate.objects.filter(idea=again, candidate=original).exists()


def test_find_duplicate_candidates_command(campaign, make_idea, make_member, capsys):
    from django.core.management import call_command

    from ideas.models import DuplicateCandidate, idea_analysis_text
    from nlp import services as nlp_services

    original = make_idea(campaign, title="ขอระบบนัดหมายออนไลน์ที่โรงพยาบาล")
    again = make_idea(
        campaign,
        title="นัดหมายออนไลน์ที่โรงพยาบาล",
        body="ไม่อยากตื่นตีห้ามารอคิวทุกครั้งที่มาหาหมอ",
    )
    for idea in (original, again):  # signatures as the analysis task stores them
        nlp_services.signature_update(
            kind="idea",
            object_id=idea.pk,
            scope_id=campaign.pk,
            text=idea_analysis_text(idea.title, idea.body),
        )
    services.idea_mark_reviewed(
        idea=original, actor=make_member(Role.MODERATOR, agency=campaign.agency)
    )
    call_command("find_duplicate_candidates")
    assert "1 ideas looked up, 1 with duplicate candidates" in capsys.readouterr().out
    assert list(DuplicateCandidate.objects.values_list("idea_id", "candidate_id")) == [
        (again.pk, original.pk)
    ]
    call_command("find_duplicate_candidates", "--all")
    assert "2 ideas looked up" in capsys.readouterr().out
    assert DuplicateCandidate.objects.filter(idea=original, candidate=again).exists()

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from ideas import services
from ideas.models import Comment, Idea, IdeaStatus, IdeaStatusChange, IdeaTag, Notification, Vote
from ideas.selectors import confirmed_tag_examples, home_open_campaigns
from ideas.services import IdeaConflict, IdeaForbidden, IdeaValidationError
from nlp.services import TagScore, TextAnalysis
from portal.models import AuditLogEntry, ConsentRecord, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD_BODY = "อยากให้มีระบบนัดหมายออนไลน์ ไม่ต้องมารอตั้งแต่เช้ามืด"


def _create(campaign, **overrides):
    kwargs = {
        "campaign": campaign,
        "author": UserFactory(),
        "title": "ระบบนัดหมายออนไลน์",
        "body": GOOD_BODY,
        "consent": True,
    }
    kwargs.update(overrides)
    return services.idea_create(**kwargs)


# --- submit --------------------------------------------------------------------------------


def test_create_stores_consent_and_search_text(campaign, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        idea = _create(campaign, author=user)
    consent = ConsentRecord.objects.get(user=user)
    assert consent.purpose == "idea_submission"
    assert consent.subject == f"ideas.idea:{idea.pk}"
    idea.refresh_from_db()
    assert "นัดหมาย" in idea.search_text.split()
    assert idea.analysed_at is not None  # the analysis task ran (immediate backend)
    assert idea.keywords


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "สั้น"}, "title"),
        ({"title": "ก" * 201}, "title"),
        ({"body": ""}, "body"),
        ({"body": "สั้นไป"}, "body"),
        ({"body": "ข" * 5001}, "body"),
        ({"body": "<b></b><i>  </i>"}, "body"),
        ({"consent": False}, "consent"),
    ],
)
def test_bad_input_saves_nothing(campaign, overrides, field):
    with pytest.raises(IdeaValidationError) as info:
        _create(campaign, **overrides)
    assert info.value.field == field
    assert Idea.objects.count() == 0
    assert ConsentRecord.objects.count() == 0


def test_html_is_stripped_to_plain_text(campaign):
    idea = _create(
        campaign,
        title="<script>alert(1)</script>ขอที่จอดรถ & ทางลาด",
        body='<p onclick="x()">ที่จอดรถ<b>ไม่พอ</b></p><img src=x onerror=alert(1)> ครับ 1 < 2',
    )
    assert idea.title == "ขอที่จอดรถ & ทางลาด"
    assert "<" not in idea.body.replace("1 < 2", "")
    assert "onerror" not in idea.body and "onclick" not in idea.body
    assert idea.body.startswith("ที่จอดรถไม่พอ")


def test_closed_or_not_yet_open_campaign_refuses(make_campaign):
    closed = make_campaign(closes_at=timezone.now() - timedelta(days=1))
    future = make_campaign(opens_at=timezone.now() + timedelta(days=1))
    for campaign in (closed, future):
        with pytest.raises(IdeaConflict):
            _create(campaign)
    assert Idea.objects.count() == 0


def test_anonymous_citizen_cannot_submit(campaign):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(IdeaForbidden):
        _create(campaign, author=AnonymousUser())


def test_workshop_origin_without_author(campaign):
    idea = _create(campaign, author=None, origin="workshop")
    assert idea.origin == "workshop"
    assert idea.author_name == "ผู้เข้าร่วมเวิร์กช็อป"


def test_image_type_and_size_limits(campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    with pytest.raises(IdeaValidationError):
        _create(campaign, image=bad)
    pdf = SimpleUploadedFile("x.pdf", b"%PDF-1.4", content_type="application/pdf")
    with pytest.raises(IdeaValidationError):
        _create(campaign, image=pdf)
    big = SimpleUploadedFile(
        "x.png", b"0" * (services.IMAGE_MAX_BYTES + 1), content_type="image/png"
    )
    with pytest.raises(IdeaValidationError):
        _create(campaign, image=big)
    assert Idea.objects.count() == 0


def test_valid_image_is_stored(campaign):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(buffer, "PNG")
    image = SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")
    idea = _create(campaign, image=image)
    assert idea.image.name.startswith("ideas/")


def test_phone_photo_with_extra_frames_is_kept_as_a_jpeg(campaign):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()  # MPO: a JPEG with a second frame (Android HDR gain map, some cameras)
    Image.new("RGB", (40, 30), "red").save(
        buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (20, 15), "blue")]
    )
    upload = SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")
    idea = _create(campaign, image=upload)
    with Image.open(idea.image.open("rb")) as stored:
        assert stored.format == "JPEG" and stored.size == (40, 30)


def test_stored_image_has_no_metadata_and_no_original_name(campaign):
    """PDPA: a phone photo's EXIF (GPS position, camera, time) and its file name are not
    published; the EXIF orientation is applied before the metadata goes."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (13.0, 45.0, 0.0), 3: "E", 4: (100.0, 30.0, 0.0)}  # GPS
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile(
        "somchai-home-2569.jpg", buffer.getvalue(), content_type="image/jpeg"
    )
    idea = _create(campaign, image=upload)
    assert "somchai" not in idea.image.name and idea.image.name.endswith(".jpg")
    with Image.open(idea.image.open("rb")) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (20, 40)  # turned upright
        assert not stored.getexif()
        assert "exif" not in stored.info

    png = io.BytesIO()
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "สมชาย ใจดี")
    Image.new("RGBA", (8, 8), (0, 0, 255, 128)).save(png, "PNG", pnginfo=text)
    idea = _create(campaign, image=SimpleUploadedFile("a.png", png.getvalue(), "image/png"))
    with Image.open(idea.image.open("rb")) as stored:
        assert stored.format == "PNG" and stored.mode == "RGBA"
        assert "Author" not in stored.info


def test_author_edits_only_while_submitted(campaign, make_member):
    author = UserFactory()
    idea = _create(campaign, author=author)
    services.idea_update(idea=idea, actor=author, title="ระบบนัดหมายผ่านไลน์")
    idea.refresh_from_db()
    assert idea.title == "ระบบนัดหมายผ่านไลน์"
    with pytest.raises(IdeaForbidden):
        services.idea_update(idea=idea, actor=UserFactory(), title="แก้ไขโดยคนอื่น")
    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    services.idea_status_change(
        idea=idea, actor=moderator, status="under_review", response="กำลังพิจารณา"
    )
    with pytest.raises(IdeaForbidden):
        services.idea_update(idea=idea, actor=author, title="แก้หลังพิจารณา")


# --- votes ---------------------------------------------------------------------------------


def test_vote_is_idempotent_and_retract_works(campaign):
    idea = _create(campaign)
    user = UserFactory()
    assert services.vote_cast(idea=idea, user=user) == (True, 1)
    assert services.vote_cast(idea=idea, user=user) == (True, 1)
    assert Vote.objects.filter(idea=idea).count() == 1
    assert services.vote_retract(idea=idea, user=user) == (False, 0)
    assert services.vote_retract(idea=idea, user=user) == (False, 0)


def test_vote_refused_on_closed_campaign_and_hidden_idea(make_campaign, make_member):
    campaign = make_campaign()
    idea = _create(campaign)
    campaign.closes_at = timezone.now() - timedelta(minutes=1)
    campaign.save()
    with pytest.raises(IdeaConflict):
        services.vote_cast(idea=idea, user=UserFactory())

    open_campaign = make_campaign()
    hidden = _create(open_campaign)
    moderator = make_member(Role.MODERATOR, agency=open_campaign.agency)
    services.idea_status_change(idea=hidden, actor=moderator, status="hidden", response="")
    with pytest.raises(IdeaConflict):
        services.vote_cast(idea=hidden, user=UserFactory())
    assert Vote.objects.count() == 0


def test_vote_on_an_idea_hidden_after_it_was_read_keeps_nothing(campaign):
    # The vote service checks the status it was given, then re-checks it under the row lock
    # when it moves the counter: a hide in between refuses the vote and keeps no vote row.
    idea = _create(campaign)
    voter = UserFactory()
    services.vote_cast(idea=idea, user=voter)
    read_before_hide = Idea.objects.select_related("campaign").get(pk=idea.pk)
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.HIDDEN)
    with pytest.raises(IdeaConflict):
        services.vote_cast(idea=read_before_hide, user=UserFactory())
    with pytest.raises(IdeaConflict):
        services.vote_retract(idea=read_before_hide, user=voter)
    assert list(Vote.objects.filter(idea=idea).values_list("user", flat=True)) == [voter.pk]
    assert Idea.objects.get(pk=idea.pk).vote_count == 1


def test_vote_on_an_idea_removed_after_it_was_read_is_not_found(campaign):
    from ideas.services import IdeaNotFound

    idea = _create(campaign)
    voter = UserFactory()
    services.vote_cast(idea=idea, user=voter)
    read_before_removal = Idea.objects.select_related("campaign").get(pk=idea.pk)
    Idea.objects.filter(pk=idea.pk).delete()
    with pytest.raises(IdeaNotFound):
        services.vote_cast(idea=read_before_removal, user=voter)  # already voted: reads the count
    with pytest.raises(IdeaNotFound):
        services.vote_retract(idea=read_before_removal, user=UserFactory())


def test_raw_vote_rows_store_time_like_the_orm(campaign):
    # The vote row is inserted with SQL: its time must read back like any ORM-saved time.
    idea = _create(campaign)
    before = timezone.now()
    services.vote_cast(idea=idea, user=UserFactory())
    vote = Vote.objects.get(idea=idea)
    assert before <= vote.created_at <= timezone.now()
    assert Vote.objects.filter(created_at__gte=before, created_at__lte=timezone.now()).count() == 1


def test_votes_stay_on_duplicate(campaign, make_member):
    original = _create(campaign, title="ระบบนัดหมายออนไลน์")
    duplicate = _create(campaign, title="จองคิวผ่านแอป")
    voter = UserFactory()
    services.vote_cast(idea=duplicate, user=voter)
    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    services.idea_status_change(
        idea=duplicate,
        actor=moderator,
        status="duplicate",
        response="ซ้ำกับข้อเสนอเรื่องระบบนัดหมาย",
        duplicate_of=original,
    )
    duplicate.refresh_from_db()
    original.refresh_from_db()
    assert duplicate.duplicate_of == original
    assert duplicate.vote_count == 1 and original.vote_count == 0


def test_duplicate_needs_a_valid_original(campaign, make_member, make_campaign):
    idea = _create(campaign)
    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    other_agency_idea = _create(make_campaign())
    for duplicate_of in (None, idea.pk, other_agency_idea.pk, 999999):
        with pytest.raises(IdeaValidationError):
            services.idea_status_change(
                idea=idea,
                actor=moderator,
                status="duplicate",
                response="ซ้ำ",
                duplicate_of=duplicate_of,
            )
    idea.refresh_from_db()
    assert idea.status == "submitted"
    assert IdeaStatusChange.objects.count() == 0


# --- comments ------------------------------------------------------------------------------


def test_comments_thread_one_level_and_count(campaign):
    idea = _create(campaign)
    root = services.comment_create(idea=idea, author=UserFactory(), body="เห็นด้วยค่ะ")
    reply = services.comment_create(idea=idea, author=UserFactory(), body="ใช่", parent=root)
    reply2 = services.comment_create(idea=idea, author=UserFactory(), body="ตอบซ้อน", parent=reply)
    assert reply.parent == root
    assert reply2.parent == root  # flattened to one level
    idea.refresh_from_db()
    assert idea.comment_count == 3


def test_comment_on_hidden_idea_refused(campaign, make_member):
    idea = _create(campaign)
    services.idea_status_change(
        idea=idea,
        actor=make_member(Role.MODERATOR, agency=campaign.agency),
        status="hidden",
        response="",
    )
    with pytest.raises(IdeaConflict):
        services.comment_create(idea=idea, author=UserFactory(), body="ทดสอบ")
    assert Comment.objects.count() == 0


def test_empty_or_long_comment_refused(campaign):
    idea = _create(campaign)
    for body in ("", "   ", "<b></b>", "ค" * 2001):
        with pytest.raises(IdeaValidationError):
            services.comment_create(idea=idea, author=UserFactory(), body=body)
    assert Comment.objects.count() == 0


def test_comment_edit_and_delete_window(campaign):
    idea = _create(campaign)
    author = UserFactory()
    with freeze_time("2026-11-25 10:00:00"):
        comment = services.comment_create(idea=idea, author=author, body="ความเห็นแรก")
    with freeze_time("2026-11-25 10:14:00"):
        services.comment_update(comment=comment, actor=author, body="แก้ไขแล้ว")
        with pytest.raises(IdeaForbidden):
            services.comment_update(comment=comment, actor=UserFactory(), body="ไม่ใช่ของฉัน")
    with freeze_time("2026-11-25 10:16:00"):
        with pytest.raises(IdeaForbidden):
            services.comment_update(comment=comment, actor=author, body="สายไป")
        with pytest.raises(IdeaForbidden):
            services.comment_delete(comment=comment, actor=author)
    comment.refresh_from_db()
    assert comment.body == "แก้ไขแล้ว" and comment.edited_at is not None
    fresh = services.comment_create(idea=idea, author=author, body="จะลบ")
    services.comment_delete(comment=fresh, actor=author)
    fresh.refresh_from_db()
    idea.refresh_from_db()
    assert fresh.is_removed
    assert idea.comment_count == 1


def test_flag_then_moderator_hides(campaign, make_member):
    idea = _create(campaign)
    author = UserFactory()
    comment = services.comment_create(idea=idea, author=author, body="ข้อความไม่เหมาะสม")
    reporter = UserFactory()
    assert services.comment_flag(comment=comment, user=reporter, reason="คำหยาบ") is True
    assert services.comment_flag(comment=comment, user=reporter) is False
    with pytest.raises(IdeaForbidden):
        services.comment_flag(comment=comment, user=author)  # own comment
    with pytest.raises(IdeaForbidden):
        services.comment_hide(comment=comment, actor=reporter)
    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    services.comment_hide(comment=comment, actor=moderator)
    comment.refresh_from_db()
    idea.refresh_from_db()
    assert comment.is_hidden and idea.comment_count == 0
    assert not comment.flags.filter(resolved=False).exists()
    assert AuditLogEntry.objects.filter(action="idea.comment_hide").exists()


# --- lifecycle -----------------------------------------------------------------------------


def test_status_change_notifies_author_with_response(
    campaign, make_member, django_capture_on_commit_callbacks
):
    author = UserFactory(email="author@example.com")
    idea = _create(campaign, author=author)
    manager = make_member(Role.MANAGER, agency=campaign.agency)
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_status_change(
            idea=idea, actor=manager, status="accepted", response="รับไปทำในปีงบ 2570"
        )
    idea.refresh_from_db()
    assert idea.status == "accepted"
    assert idea.response_text == "รับไปทำในปีงบ 2570"
    assert idea.first_response_at is not None
    change = IdeaStatusChange.objects.get(idea=idea)
    assert (change.from_status, change.to_status, change.actor) == (
        "submitted",
        "accepted",
        manager,
    )
    notification = Notification.objects.get(user=author)
    assert idea.title in notification.text and notification.url == f"/ideas/{idea.pk}/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["author@example.com"]
    assert "รับไปทำในปีงบ 2570" in mail.outbox[0].body
    assert "รับไปดำเนินการ" in mail.outbox[0].subject
    entry = AuditLogEntry.objects.get(action="idea.status")
    assert entry.agency == campaign.agency and entry.target == f"ideas.idea:{idea.pk}"


def test_status_change_needs_response_and_valid_status(campaign, make_member):
    idea = _create(campaign)
    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    with pytest.raises(IdeaValidationError):
        services.idea_status_change(idea=idea, actor=moderator, status="accepted", response=" ")
    with pytest.raises(IdeaValidationError):
        services.idea_status_change(idea=idea, actor=moderator, status="done", response="x")
    assert Notification.objects.count() == 0 and IdeaStatusChange.objects.count() == 0


def test_non_member_cannot_change_status(campaign, make_member, make_campaign):
    idea = _create(campaign)
    other_agency_moderator = make_member(Role.MODERATOR)
    for actor in (UserFactory(), idea.author, other_agency_moderator):
        with pytest.raises(IdeaForbidden):
            services.idea_status_change(idea=idea, actor=actor, status="accepted", response="ok")
    idea.refresh_from_db()
    assert idea.status == "submitted"
    assert not IdeaStatusChange.objects.exists() and not Notification.objects.exists()


# --- tags ----------------------------------------------------------------------------------


def test_confirmed_tags_survive_auto_tagging(campaign, make_member):
    idea = _create(campaign)
    analysis = TextAnalysis(
        tokens=["นัดหมาย"],
        search_text="ระบบ นัดหมาย ออนไลน์",
        keywords=["นัดหมาย"],
        tags=[TagScore("digital-service", "ดิจิทัล", 0.91), TagScore("waiting-time", "รอ", 0.4)],
    )
    services.idea_analysis_store(idea_id=idea.pk, analysis=analysis)
    auto = dict(IdeaTag.objects.filter(idea=idea).values_list("tag__slug", "confirmed"))
    assert auto == {"digital-service": False, "waiting-time": False}

    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    services.idea_tags_set(idea=idea, actor=moderator, slugs=["waiting-time", "facilities"])
    services.idea_analysis_store(idea_id=idea.pk, analysis=analysis)  # re-tagging
    final = dict(IdeaTag.objects.filter(idea=idea).values_list("tag__slug", "confirmed"))
    assert final == {"waiting-time": True, "facilities": True}
    examples = confirmed_tag_examples()
    assert examples == [(f"{idea.title}\n{idea.body}", ["facilities", "waiting-time"])]
    assert AuditLogEntry.objects.filter(action="idea.tags").count() == 1


def test_unknown_tag_refused(campaign, make_member):
    idea = _create(campaign)
    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    with pytest.raises(IdeaValidationError):
        services.idea_tags_set(idea=idea, actor=moderator, slugs=["waiting-time", "no-such-tag"])
    assert not IdeaTag.objects.filter(idea=idea, confirmed=True).exists()


# --- notifications, home page --------------------------------------------------------------


def test_notifications_mark_read(campaign):
    user = UserFactory()
    first = services.notification_create(user=user, text="หนึ่ง", url="/x/")
    services.notification_create(user=user, text="สอง", url="/y/")
    assert services.notifications_mark_read(user=user, ids=[first.pk]) == 1
    assert services.notifications_mark_read(user=user) == 1
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_home_open_campaigns(rf, make_campaign, make_member):
    open_campaign = make_campaign(title="แคมเปญเปิด")
    make_campaign(title="แคมเปญปิด", closes_at=timezone.now() - timedelta(days=1))
    _create(open_campaign)
    hidden = _create(open_campaign, title="จะถูกซ่อนนะ")
    services.idea_status_change(
        idea=hidden,
        actor=make_member(Role.MODERATOR, agency=open_campaign.agency),
        status=IdeaStatus.HIDDEN,
        response="",
    )
    rows = home_open_campaigns(rf.get("/"))
    assert [r["title"] for r in rows] == ["แคมเปญเปิด"]
    assert rows[0]["idea_count"] == 1
    assert rows[0]["agency_name"] == open_campaign.agency.name
    assert rows[0]["url"].endswith(f"/{open_campaign.slug}/")

"""Writes for ideas: submit, edit, vote, comment, status lifecycle, tags, notifications.

Every function takes keyword-only arguments, checks permissions and input, and either saves
everything or nothing. Errors are ``IdeaError`` subclasses (Thai message first, English in
brackets) that the API maps to 4xx and the forms show as Thai messages.
"""

import html
import logging

import nh3
from django.core.exceptions import PermissionDenied
from django.core.files.images import get_image_dimensions
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from portal.services import audit_log, consent_record

from . import cache as listing_cache
from .models import (
    BODY_MAX,
    BODY_MIN,
    COMMENT_MAX,
    TITLE_MAX,
    TITLE_MIN,
    Comment,
    CommentFlag,
    DuplicateCandidate,
    Idea,
    IdeaCampaignPage,
    IdeaOrigin,
    IdeaStatus,
    IdeaStatusChange,
    IdeaTag,
    Notification,
    Vote,
    idea_analysis_text,
)

logger = logging.getLogger(__name__)

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}
RESPONSE_MAX = 5000


class IdeaError(Exception):
    """Base class; ``status`` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class IdeaValidationError(IdeaError):
    status = 422


class IdeaConflict(IdeaError):
    status = 409


class IdeaForbidden(IdeaError):
    status = 403


class IdeaNotFound(IdeaError):
    status = 404


# --- helpers -------------------------------------------------------------------------------


def clean_text(value: str | None) -> str:
    """Plain text only: tags are stripped with nh3, entities decoded, whitespace tidied.

    Output is escaped when rendered (templates autoescape; the API returns JSON strings).
    """
    value = nh3.clean(value or "", tags=set(), attributes={}, strip_comments=True)
    value = html.unescape(value).replace("\r\n", "\n").replace("\x00", "")
    lines = [line.rstrip() for line in value.split("\n")]
    return "\n".join(lines).strip()


def _check_length(value: str, *, field: str, label: str, low: int, high: int) -> None:
    if not value:
        raise IdeaValidationError(f"กรุณากรอก{label} ({field} is required)", field=field)
    if len(value) < low:
        raise IdeaValidationError(
            f"{label}สั้นเกินไป ต้องมีอย่างน้อย {low} ตัวอักษร ({field} too short)", field=field
        )
    if len(value) > high:
        raise IdeaValidationError(
            f"{label}ยาวเกินไป ไม่เกิน {high:,} ตัวอักษร ({field} too long)", field=field
        )


def _validate_title_body(title: str, body: str) -> tuple[str, str]:
    title = " ".join(clean_text(title).split())
    body = clean_text(body)
    _check_length(title, field="title", label="หัวข้อ", low=TITLE_MIN, high=TITLE_MAX)
    _check_length(body, field="body", label="รายละเอียด", low=BODY_MIN, high=BODY_MAX)
    return title, body


IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
IMAGE_MAX_PIXELS = 40_000_000  # a 40-megapixel photo; larger is refused (decompression bombs)


def _reencoded_image(image):
    """The photo re-encoded without its metadata: EXIF (GPS position, camera, time), XMP and
    text chunks are personal data the public page must not carry. The EXIF orientation is
    applied first, and the original file name (often a name or a date) is replaced."""
    import io
    import uuid

    from django.core.files.base import ContentFile
    from PIL import Image, ImageOps

    image.seek(0)
    try:
        with Image.open(image) as source:
            # A JPEG with extra frames (MPO: many Android phones' HDR gain map, some cameras)
            # is kept as the JPEG of its first frame.
            kind = "JPEG" if source.format == "MPO" else source.format
            if kind not in IMAGE_FORMATS or source.width * source.height > IMAGE_MAX_PIXELS:
                raise ValueError(kind)
            picture = ImageOps.exif_transpose(source)
            picture.load()
    except Exception as exc:
        raise IdeaValidationError("ไฟล์รูปภาพเสียหรือไม่ใช่รูปภาพ (invalid image)", field="image") from exc
    if kind == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    buffer = io.BytesIO()
    options = {"JPEG": {"quality": 88, "optimize": True}, "WEBP": {"quality": 88}, "PNG": {}}
    picture.save(buffer, kind, **options[kind])
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{IMAGE_FORMATS[kind]}")


def _validate_image(image) -> None:
    import os

    if image.size > IMAGE_MAX_BYTES:
        raise IdeaValidationError("รูปภาพใหญ่เกินไป ขนาดไม่เกิน 5 MB (image too large)", field="image")
    extension = os.path.splitext(image.name or "")[1].lower()
    content_type = getattr(image, "content_type", None)
    if extension not in IMAGE_EXTENSIONS or (content_type and content_type not in IMAGE_TYPES):
        raise IdeaValidationError(
            "รองรับเฉพาะไฟล์ JPG, PNG หรือ WEBP (unsupported image type)", field="image"
        )
    try:
        width, height = get_image_dimensions(image)
    except Exception:
        width = height = None
    if not width or not height:
        raise IdeaValidationError("ไฟล์รูปภาพเสียหรือไม่ใช่รูปภาพ (invalid image)", field="image")
    image.seek(0)


def _enqueue_analysis(idea_id: int) -> None:
    from .tasks import idea_analyse

    def enqueue():
        try:
            idea_analyse.enqueue(idea_id)
        except Exception:  # the idea is saved; analysis can be re-run later
            logger.exception("could not enqueue analysis for idea %s", idea_id)

    transaction.on_commit(enqueue)


def _quick_search_text(title: str, body: str) -> str:
    from nlp.services import search_text

    return search_text(f"{title} {body}")


def _locked_idea(idea: Idea) -> Idea:
    return Idea.objects.select_for_update().select_related("campaign").get(pk=idea.pk)


# --- ideas ---------------------------------------------------------------------------------


@transaction.atomic
def idea_create(
    *,
    campaign: IdeaCampaignPage,
    author,
    title: str,
    body: str,
    consent: bool,
    origin: str = IdeaOrigin.CITIZEN,
    image=None,
) -> Idea:
    if origin not in IdeaOrigin.values:
        raise IdeaValidationError("ที่มาของข้อเสนอไม่ถูกต้อง (invalid origin)", field="origin")
    if author is not None and not author.is_authenticated:
        author = None
    if author is None and origin == IdeaOrigin.CITIZEN:
        raise IdeaForbidden("กรุณาเข้าสู่ระบบก่อนเสนอความคิด (authentication required)")
    title, body = _validate_title_body(title, body)
    if consent is not True:
        raise IdeaValidationError(
            "กรุณายินยอมให้เผยแพร่และพิจารณาข้อเสนอตามประกาศความเป็นส่วนตัว (consent required)",
            field="consent",
        )
    if campaign.agency_id is None:
        raise IdeaValidationError("แคมเปญนี้ยังไม่ผูกกับหน่วยงาน (campaign has no agency)")
    if origin == IdeaOrigin.CITIZEN and not (campaign.live and campaign.is_open):
        raise IdeaConflict("แคมเปญนี้ปิดรับข้อเสนอแล้ว (campaign is closed)", field="campaign")
    if image:
        _validate_image(image)
    idea = Idea(
        campaign=campaign,
        agency_id=campaign.agency_id,
        author=author,
        title=title,
        body=body,
        origin=origin,
        search_text=_quick_search_text(title, body),
    )
    if image:
        idea.image = _reencoded_image(image)
    idea.save()
    listing_cache.campaign_changed(idea.campaign_id)
    consent_record(user=author, purpose="idea_submission", subject=f"ideas.idea:{idea.pk}")
    _enqueue_analysis(idea.pk)
    return idea


@transaction.atomic
def idea_update(*, idea: Idea, actor, title: str | None = None, body: str | None = None) -> Idea:
    idea = _locked_idea(idea)
    if not actor.has_perm("ideas.change_idea", idea):
        raise IdeaForbidden(
            "แก้ไขได้เฉพาะผู้เสนอ ขณะที่ข้อเสนอยังรอพิจารณา (only the author, while submitted)"
        )
    new_title, new_body = _validate_title_body(
        idea.title if title is None else title, idea.body if body is None else body
    )
    idea.title, idea.body = new_title, new_body
    idea.search_text = _quick_search_text(new_title, new_body)
    idea.save(update_fields=["title", "body", "search_text", "updated_at"])
    listing_cache.campaign_changed(idea.campaign_id)
    _enqueue_analysis(idea.pk)
    return idea


# --- votes ---------------------------------------------------------------------------------


def _check_votable(idea: Idea) -> None:
    if idea.status == IdeaStatus.HIDDEN:
        raise IdeaConflict("ข้อเสนอนี้ถูกซ่อนแล้ว โหวตไม่ได้ (idea is hidden)")
    campaign = idea.campaign
    if not campaign.voting_enabled:
        raise IdeaConflict("แคมเปญนี้ไม่เปิดให้โหวต (voting is disabled)")
    if not campaign.is_open:
        raise IdeaConflict("แคมเปญนี้ปิดแล้ว โหวตไม่ได้ (campaign is closed)")


def _vote_sql(sql: str) -> str:
    """``sql`` with {vote} and {idea} replaced by the quoted table names."""
    quote = connection.ops.quote_name
    return sql.format(vote=quote(Vote._meta.db_table), idea=quote(Idea._meta.db_table))


def _vote_count_add(idea_id: int, delta: int) -> int | None:
    """Add ``delta`` to the idea's counter under its row lock; None when the idea was hidden
    (or removed) since it was read: the caller's transaction then keeps nothing."""
    with connection.cursor() as cursor:
        cursor.execute(
            _vote_sql(
                "UPDATE {idea} SET vote_count = vote_count + %s WHERE id = %s AND status <> %s "
                "RETURNING vote_count"
            ),
            [delta, idea_id, IdeaStatus.HIDDEN],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


IDEA_GONE = "ไม่พบข้อเสนอ (idea not found)"


def _vote_count(idea_id: int) -> int:
    count = Idea.objects.filter(pk=idea_id).values_list("vote_count", flat=True).first()
    if count is None:
        raise IdeaNotFound(IDEA_GONE)
    return count


def _vote_count_refused(idea_id: int) -> IdeaError:
    """Why the counter could not move: the idea was hidden, or removed, since it was read."""
    if Idea.objects.filter(pk=idea_id).exists():
        return IdeaConflict("ข้อเสนอนี้ถูกซ่อนแล้ว โหวตไม่ได้ (idea is hidden)")
    return IdeaNotFound(IDEA_GONE)


def vote_cast(*, idea: Idea, user) -> tuple[bool, int]:
    """One vote per user (DB unique constraint); a second call changes nothing.

    Three statements in one transaction, no savepoint: the vote row is inserted unless it
    exists (``ON CONFLICT DO NOTHING``), then the counter moves under the idea's row lock with a
    re-check that the idea is not hidden. ``idea`` is what the caller read (with its campaign);
    concurrent voters of one idea queue on its row lock only for the counter update."""
    if not user.is_authenticated:
        raise IdeaForbidden("กรุณาเข้าสู่ระบบก่อนโหวต (authentication required)")
    _check_votable(idea)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                _vote_sql(
                    "INSERT INTO {vote} (idea_id, user_id, created_at) VALUES (%s, %s, %s) "
                    "ON CONFLICT (idea_id, user_id) DO NOTHING RETURNING id"
                ),
                [idea.pk, user.pk, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            inserted = cursor.fetchone() is not None
        if not inserted:
            return True, _vote_count(idea.pk)
        count = _vote_count_add(idea.pk, 1)
        if count is None:
            raise _vote_count_refused(idea.pk)
    listing_cache.campaign_changed(idea.campaign_id)
    return True, count


def vote_retract(*, idea: Idea, user) -> tuple[bool, int]:
    if not user.is_authenticated:
        raise IdeaForbidden("กรุณาเข้าสู่ระบบก่อน (authentication required)")
    _check_votable(idea)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                _vote_sql("DELETE FROM {vote} WHERE idea_id = %s AND user_id = %s"),
                [idea.pk, user.pk],
            )
            deleted = cursor.rowcount
        if not deleted:
            return False, _vote_count(idea.pk)
        count = _vote_count_add(idea.pk, -deleted)
        if count is None:
            raise _vote_count_refused(idea.pk)
    listing_cache.campaign_changed(idea.campaign_id)
    return False, count


# --- comments ------------------------------------------------------------------------------


def _clean_comment(body: str) -> str:
    body = clean_text(body)
    _check_length(body, field="body", label="ความคิดเห็น", low=1, high=COMMENT_MAX)
    return body


@transaction.atomic
def comment_create(*, idea: Idea, author, body: str, parent: Comment | None = None) -> Comment:
    if not author.is_authenticated:
        raise IdeaForbidden("กรุณาเข้าสู่ระบบก่อนแสดงความคิดเห็น (authentication required)")
    idea = _locked_idea(idea)
    if idea.status == IdeaStatus.HIDDEN:
        raise IdeaConflict("ข้อเสนอนี้ถูกซ่อนแล้ว แสดงความคิดเห็นไม่ได้ (idea is hidden)")
    if not idea.campaign.comments_enabled:
        raise IdeaConflict("แคมเปญนี้ไม่เปิดให้แสดงความคิดเห็น (comments are disabled)")
    body = _clean_comment(body)
    if parent is not None:
        if parent.idea_id != idea.pk or not parent.is_visible:
            raise IdeaValidationError("ไม่พบความคิดเห็นที่ตอบกลับ (invalid parent)", field="parent")
        if parent.parent_id is not None:  # one level of threading: reply to the thread root
            parent = parent.parent
    comment = Comment.objects.create(idea=idea, author=author, body=body, parent=parent)
    # PDPA: the form says a comment is published under the display name (privacy notice).
    consent_record(user=author, purpose="comment", subject=f"ideas.comment:{comment.pk}")
    Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
    listing_cache.campaign_changed(idea.campaign_id)
    return comment


@transaction.atomic
def comment_update(*, comment: Comment, actor, body: str) -> Comment:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.is_visible or not actor.has_perm("ideas.change_comment", comment):
        raise IdeaForbidden("แก้ไขได้เฉพาะความคิดเห็นของตนภายใน 15 นาที (edit window passed)")
    comment.body = _clean_comment(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


def _comment_takedown(comment: Comment, *, field: str) -> None:
    was_visible = comment.is_visible
    setattr(comment, field, True)
    comment.save(update_fields=[field])
    CommentFlag.objects.filter(comment=comment, resolved=False).update(resolved=True)
    if was_visible:
        Idea.objects.filter(pk=comment.idea_id).update(comment_count=F("comment_count") - 1)
        listing_cache.campaign_changed(comment.idea.campaign_id)


@transaction.atomic
def comment_delete(*, comment: Comment, actor) -> None:
    """The author (within the window) removes their comment; the text is no longer shown."""
    comment = Comment.objects.select_for_update().select_related("idea").get(pk=comment.pk)
    if not actor.has_perm("ideas.delete_comment", comment):
        raise IdeaForbidden("ลบได้เฉพาะความคิดเห็นของตนภายใน 15 นาที (delete window passed)")
    _comment_takedown(comment, field="is_removed")
    if comment.author_id != actor.pk:  # a moderator taking someone's comment down
        audit_log(
            actor=actor, action="idea.comment_remove", target=comment, agency=comment.idea.agency
        )


@transaction.atomic
def comment_hide(*, comment: Comment, actor) -> None:
    comment = Comment.objects.select_for_update().select_related("idea").get(pk=comment.pk)
    if not actor.has_perm("ideas.hide_comment", comment):
        raise IdeaForbidden("เฉพาะผู้ดูแลของหน่วยงาน (moderators only)")
    _comment_takedown(comment, field="is_hidden")
    audit_log(actor=actor, action="idea.comment_hide", target=comment, agency=comment.idea.agency)


@transaction.atomic
def comment_flag(*, comment: Comment, user, reason: str = "") -> bool:
    """Report a comment. Returns False when this user had already reported it."""
    if not user.has_perm("ideas.flag_comment", comment):
        raise IdeaForbidden("รายงานความคิดเห็นนี้ไม่ได้ (cannot flag)")
    _, created = CommentFlag.objects.get_or_create(
        comment=comment, user=user, defaults={"reason": clean_text(reason)[:300]}
    )
    return created


@transaction.atomic
def comment_flags_dismiss(*, comment: Comment, actor) -> None:
    if not actor.has_perm("ideas.hide_comment", comment):
        raise IdeaForbidden("เฉพาะผู้ดูแลของหน่วยงาน (moderators only)")
    CommentFlag.objects.filter(comment=comment, resolved=False).update(resolved=True)


# --- lifecycle -----------------------------------------------------------------------------

STATUS_NOTIFY_TEXT = {
    IdeaStatus.UNDER_REVIEW: "ข้อเสนอ “{title}” อยู่ระหว่างการพิจารณาของหน่วยงาน",
    IdeaStatus.ACCEPTED: "หน่วยงานรับข้อเสนอ “{title}” ไปดำเนินการ",
    IdeaStatus.IN_PROGRESS: "ข้อเสนอ “{title}” กำลังดำเนินการ",
    IdeaStatus.IMPLEMENTED: "ข้อเสนอ “{title}” ดำเนินการแล้ว",
    IdeaStatus.REJECTED: "หน่วยงานตอบข้อเสนอ “{title}” แล้ว: ยังไม่สามารถดำเนินการได้",
    IdeaStatus.DUPLICATE: "ข้อเสนอ “{title}” ซ้ำกับข้อเสนออื่นที่มีอยู่แล้ว",
    IdeaStatus.HIDDEN: "ข้อเสนอ “{title}” ถูกซ่อนโดยผู้ดูแล",
    IdeaStatus.SUBMITTED: "ข้อเสนอ “{title}” กลับสู่สถานะรอพิจารณา",
}


def _send_status_email(idea_id: int, change_id: int) -> None:
    idea = Idea.objects.select_related("author", "agency").get(pk=idea_id)
    change = IdeaStatusChange.objects.get(pk=change_id)
    author = idea.author
    if author is None or author.is_erased or not author.email:
        return
    from portal.pdpa import consent_active

    if not consent_active(user=author, purpose="notifications"):
        return  # turned off on /me/data/ (the on-site notification is still there)
    from django.conf import settings

    base_url = getattr(settings, "SITE_URL", "").rstrip("/")
    context = {
        "idea": idea,
        "change": change,
        "status_label": IdeaStatus(change.to_status).label,
        "url": f"{base_url}{idea.get_absolute_url()}",
        "name": author.public_name,
    }
    subject = render_to_string("ideas/email/status_changed_subject.txt", context).strip()
    message = render_to_string("ideas/email/status_changed.txt", context)
    try:
        send_mail(subject, message, None, [author.email])
    except Exception:
        logger.exception("status e-mail for idea %s failed", idea_id)


@transaction.atomic
def idea_status_change(
    *,
    idea: Idea,
    actor,
    status: str,
    response: str,
    duplicate_of: Idea | int | None = None,
) -> Idea:
    idea = _locked_idea(idea)
    if not actor.has_perm("ideas.change_status", idea):
        raise IdeaForbidden("เฉพาะผู้ดูแลหรือผู้จัดการของหน่วยงานนี้ (moderator/manager of this agency only)")
    if status not in IdeaStatus.values:
        raise IdeaValidationError("สถานะไม่ถูกต้อง (invalid status)", field="status")
    response = clean_text(response)
    if len(response) > RESPONSE_MAX:
        raise IdeaValidationError(
            f"คำตอบยาวเกินไป ไม่เกิน {RESPONSE_MAX:,} ตัวอักษร (response too long)",
            field="response",
        )
    if not response and status != IdeaStatus.HIDDEN:
        raise IdeaValidationError(
            "กรุณาเขียนคำตอบอย่างเป็นทางการถึงผู้เสนอ (response is required)", field="response"
        )
    original = None
    if status == IdeaStatus.DUPLICATE:
        if duplicate_of is None:
            raise IdeaValidationError(
                "กรุณาระบุข้อเสนอต้นฉบับที่ซ้ำกัน (duplicate_of is required)", field="duplicate_of"
            )
        original_id = duplicate_of.pk if isinstance(duplicate_of, Idea) else duplicate_of
        original = Idea.objects.filter(pk=original_id, agency_id=idea.agency_id).first()
        if original is None or original.pk == idea.pk or original.status == IdeaStatus.HIDDEN:
            raise IdeaValidationError(
                "ข้อเสนอต้นฉบับไม่ถูกต้อง (invalid duplicate_of)", field="duplicate_of"
            )
        if original.duplicate_of_id == idea.pk:
            raise IdeaValidationError(
                "ข้อเสนอสองรายการอ้างถึงกันและกันไม่ได้ (duplicate cycle)", field="duplicate_of"
            )
    now = timezone.now()
    previous = idea.status
    change = IdeaStatusChange.objects.create(
        idea=idea, actor=actor, from_status=previous, to_status=status, response=response
    )
    idea.status = status
    idea.duplicate_of = original
    idea.reviewed_at = idea.reviewed_at or now
    fields = ["status", "duplicate_of", "reviewed_at", "updated_at"]
    if response:
        idea.response_text = response
        idea.responded_at = now
        fields += ["response_text", "responded_at"]
        if idea.first_response_at is None:
            idea.first_response_at = now
            fields.append("first_response_at")
    idea.save(update_fields=fields)
    listing_cache.campaign_changed(idea.campaign_id)
    audit_log(
        actor=actor,
        action="idea.hide" if status == IdeaStatus.HIDDEN else "idea.status",
        target=idea,
        agency=idea.agency,
        from_status=previous,
        to_status=status,
        duplicate_of=original.pk if original else None,
    )
    if idea.author_id is not None:
        notification_create(
            user=idea.author,
            text=STATUS_NOTIFY_TEXT[IdeaStatus(status)].format(title=idea.title[:80]),
            url=idea.get_absolute_url(),
        )
        transaction.on_commit(lambda: _send_status_email(idea.pk, change.pk))
    return idea


@transaction.atomic
def idea_mark_reviewed(*, idea: Idea, actor) -> Idea:
    """Moderation queue "approve": the idea stays public and leaves the new-ideas queue."""
    idea = _locked_idea(idea)
    if not actor.has_perm("ideas.moderate", idea):
        raise IdeaForbidden("เฉพาะผู้ดูแลของหน่วยงาน (moderators only)")
    if idea.reviewed_at is None:
        idea.reviewed_at = timezone.now()
        idea.save(update_fields=["reviewed_at", "updated_at"])
        audit_log(actor=actor, action="idea.approve", target=idea, agency=idea.agency)
    return idea


# --- tags ----------------------------------------------------------------------------------


def tags_for_slugs(*, agency_id: int, slugs: list[str]) -> dict:
    """{slug: Tag}: the agency's own tag wins over the portal-wide tag with the same slug."""
    from django.db.models import Q

    from nlp.models import Tag

    found: dict = {}
    rows = Tag.objects.filter(
        Q(agency_id=agency_id) | Q(agency__isnull=True), slug__in=set(slugs), is_active=True
    ).order_by("agency_id")
    for tag in rows:
        if tag.slug not in found or tag.agency_id is not None:
            found[tag.slug] = tag
    return found


@transaction.atomic
def idea_tags_set(*, idea: Idea, actor, slugs: list[str]) -> Idea:
    """A moderator's tags: stored as confirmed, never overwritten by automatic tagging."""
    idea = _locked_idea(idea)
    if not actor.has_perm("ideas.set_tags", idea):
        raise IdeaForbidden("เฉพาะผู้ดูแลหรือผู้จัดการของหน่วยงานนี้ (moderators/managers only)")
    slugs = [s.replace("\x00", "").strip() for s in slugs if s]
    slugs = list(dict.fromkeys(s for s in slugs if s))
    if len(slugs) > 10:
        raise IdeaValidationError("ใส่แท็กได้ไม่เกิน 10 แท็ก (too many tags)", field="tags")
    tags = tags_for_slugs(agency_id=idea.agency_id, slugs=slugs)
    unknown = [slug for slug in slugs if slug not in tags]
    if unknown:
        raise IdeaValidationError(f"ไม่พบแท็ก: {', '.join(unknown)} (unknown tags)", field="tags")
    IdeaTag.objects.filter(idea=idea).delete()
    IdeaTag.objects.bulk_create(
        [IdeaTag(idea=idea, tag=tags[slug], score=1.0, confirmed=True) for slug in slugs]
    )
    idea.tags_confirmed_at = timezone.now()
    idea.save(update_fields=["tags_confirmed_at", "updated_at"])
    listing_cache.campaign_changed(idea.campaign_id)
    audit_log(actor=actor, action="idea.tags", target=idea, agency=idea.agency, tags=slugs)
    return idea


@transaction.atomic
def idea_analysis_store(*, idea_id: int, analysis) -> Idea | None:
    """Store what nlp found: search text, keywords and automatic (unconfirmed) tags."""
    idea = Idea.objects.select_for_update().filter(pk=idea_id).first()
    if idea is None:
        return None
    idea.search_text = analysis.search_text
    idea.keywords = list(analysis.keywords)[:20]
    idea.analysed_at = timezone.now()
    idea.save(update_fields=["search_text", "keywords", "analysed_at"])
    listing_cache.campaign_changed(idea.campaign_id)
    if idea.tags_confirmed_at is None:
        scores = {t.slug: float(t.score) for t in analysis.tags}
        tags = tags_for_slugs(agency_id=idea.agency_id, slugs=list(scores))
        IdeaTag.objects.filter(idea=idea, confirmed=False).delete()
        confirmed = set(
            IdeaTag.objects.filter(idea=idea, confirmed=True).values_list("tag_id", flat=True)
        )
        IdeaTag.objects.bulk_create(
            [
                IdeaTag(idea=idea, tag=tag, score=round(scores[slug], 4), confirmed=False)
                for slug, tag in tags.items()
                if tag.pk not in confirmed
            ]
        )
    return idea


DUPLICATE_CANDIDATES = 3  # per idea, as many as the moderation queue lists


def idea_duplicates_find(*, idea: Idea) -> int:
    """Look up the ideas of `idea`'s campaign that say the same (`nlp.services.similar`, the
    pair model: about 0.5-1 s) and store them as its duplicate candidates; returns how many."""
    from nlp.services import similar

    found = similar(
        kind="idea",
        text=idea_analysis_text(idea.title, idea.body),
        scope_id=idea.campaign_id,
        limit=DUPLICATE_CANDIDATES,
        exclude_ids=[idea.pk],
    )
    return idea_duplicates_store(idea_id=idea.pk, found=found)


REFERRERS_REFRESHED = 10  # per analysis; `find_duplicate_candidates` recomputes any others


def idea_duplicates_refresh_referrers(*, idea: Idea) -> int:
    """Recompute the stored candidates of the ideas waiting in the queue that list `idea` as a
    candidate: its text may have changed, so what they stored may no longer hold. Returns how
    many were recomputed."""
    referrers = (
        Idea.objects.filter(
            duplicate_candidates__candidate=idea,
            reviewed_at__isnull=True,
            campaign_id=idea.campaign_id,
        )
        .exclude(status=IdeaStatus.HIDDEN)
        .exclude(pk=idea.pk)
        .only("pk", "campaign_id", "title", "body")
        .order_by("-created_at", "-pk")[:REFERRERS_REFRESHED]
    )
    count = 0
    for referrer in referrers:
        idea_duplicates_find(idea=referrer)
        count += 1
    return count


@transaction.atomic
def idea_duplicates_store(*, idea_id: int, found: list[tuple[int, float]]) -> int:
    """Replace an idea's duplicate candidates with `found` [(idea id, score)] from
    `nlp.services.similar`; ideas of other campaigns or deleted meanwhile are skipped."""
    idea = Idea.objects.select_for_update().filter(pk=idea_id).first()
    if idea is None:
        return 0
    DuplicateCandidate.objects.filter(idea=idea).delete()
    scores = {int(pk): float(score) for pk, score in found if int(pk) != idea.pk}
    existing = Idea.objects.filter(pk__in=scores, campaign_id=idea.campaign_id)
    rows = DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(idea=idea, candidate_id=pk, score=round(scores[pk], 4))
            for pk in existing.values_list("pk", flat=True)
        ]
    )
    return len(rows)


# --- notifications -------------------------------------------------------------------------


def notification_create(*, user, text: str, url: str = "") -> Notification | None:
    if user is None or getattr(user, "is_erased", False):
        return None
    return Notification.objects.create(user=user, text=text[:500], url=url[:500])


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def ensure_permission(user, perm: str, obj, message: str) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(message)


@transaction.atomic
def campaign_ideas_agency_sync(*, campaign: IdeaCampaignPage) -> int:
    """Ideas belong to their campaign's agency: after the campaign page moves to another
    agency's tree (see cms.services.page_agency_sync), its ideas follow. Returns how many."""
    return (
        Idea.objects.filter(campaign=campaign)
        .exclude(agency_id=campaign.agency_id)
        .update(agency_id=campaign.agency_id)
    )

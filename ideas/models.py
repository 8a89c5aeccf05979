"""Idea campaigns (Wagtail pages), ideas, votes, comments, status history, tags, notifications."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from .search import SearchTextField

TITLE_MIN, TITLE_MAX = 5, 200
BODY_MIN, BODY_MAX = 10, 5000
COMMENT_MAX = 2000


class IdeaCampaignPage(Page):
    """An agency asks citizens a question; ideas are submitted, voted on and answered here."""

    agency = models.ForeignKey(
        "portal.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="idea_campaigns",
        verbose_name=_("หน่วยงาน"),
    )
    intro = RichTextField(
        _("คำแนะนำแคมเปญ"), blank=True, features=["bold", "italic", "link", "ul", "ol"]
    )
    question = models.CharField(_("คำถามที่อยากให้ประชาชนช่วยคิด"), max_length=300)
    opens_at = models.DateTimeField(_("เปิดรับตั้งแต่"), null=True, blank=True)
    closes_at = models.DateTimeField(_("ปิดรับเมื่อ"), null=True, blank=True)
    voting_enabled = models.BooleanField(_("เปิดให้โหวต"), default=True)
    comments_enabled = models.BooleanField(_("เปิดให้แสดงความคิดเห็น"), default=True)
    support_threshold = models.PositiveIntegerField(
        _("จำนวนเสียงสนับสนุนที่ต้องการ"),
        null=True,
        blank=True,
        help_text=_("ต้องการ N เสียงเพื่อให้หน่วยงานพิจารณา (เว้นว่างได้)"),
    )
    tags = ParentalManyToManyField("nlp.Tag", blank=True, verbose_name=_("แท็กที่ใช้ในแคมเปญ"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("question"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("opens_at"),
                FieldPanel("closes_at"),
                FieldPanel("voting_enabled"),
                FieldPanel("comments_enabled"),
                FieldPanel("support_threshold"),
            ],
            heading=_("การเปิดรับ"),
        ),
        FieldPanel("tags"),
    ]
    parent_page_types = ["cms.AgencyPage"]
    subpage_types: list[str] = []
    template = "ideas/idea_campaign_page.html"
    route_select_related = ("agency",)  # cms.routing: loaded with the page (the header shows it)

    class Meta:
        verbose_name = _("แคมเปญรับฟังข้อเสนอ")
        verbose_name_plural = _("แคมเปญรับฟังข้อเสนอ")

    def save(self, *args, **kwargs):
        if self.path and self.depth and self.depth > 1:
            parent = self.get_parent()
            agency_id = getattr(parent.specific, "agency_id", None) if parent else None
            if agency_id:
                self.agency_id = agency_id
        return super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    @property
    def has_started(self) -> bool:
        return not (self.opens_at and timezone.now() < self.opens_at)

    @classmethod
    def cached_response_for(cls, request, page_id: int):
        """cms.routing: the page as shared with anonymous visitors, before it is loaded."""
        from . import page_cache

        return page_cache.lookup(request, page_id)

    def serve(self, request, *args, **kwargs):
        from . import page_cache

        return page_cache.serve(
            self, request, lambda: super(IdeaCampaignPage, self).serve(request, *args, **kwargs)
        )

    def get_context(self, request, *args, **kwargs):
        from . import views

        context = super().get_context(request, *args, **kwargs)
        context.update(views.campaign_listing_context(request, self))
        return context


class IdeaStatus(models.TextChoices):
    SUBMITTED = "submitted", _("ส่งแล้ว รอพิจารณา")
    UNDER_REVIEW = "under_review", _("อยู่ระหว่างพิจารณา")
    ACCEPTED = "accepted", _("รับไปดำเนินการ")
    IN_PROGRESS = "in_progress", _("กำลังดำเนินการ")
    IMPLEMENTED = "implemented", _("ดำเนินการแล้ว")
    REJECTED = "rejected", _("ไม่สามารถดำเนินการได้")
    DUPLICATE = "duplicate", _("ซ้ำกับข้อเสนออื่น")
    HIDDEN = "hidden", _("ถูกซ่อนโดยผู้ดูแล")


class IdeaOrigin(models.TextChoices):
    CITIZEN = "citizen", _("ประชาชนเสนอ")
    WORKSHOP = "workshop", _("จากเวิร์กช็อป")
    SURVEY = "survey", _("จากแบบสำรวจ")


def idea_analysis_text(title: str, body: str) -> str:
    """The text of an idea that nlp tags, compares and trains on (title, then body)."""
    return f"{title}\n{body}"


class Idea(models.Model):
    campaign = models.ForeignKey(
        IdeaCampaignPage, on_delete=models.CASCADE, related_name="ideas", verbose_name=_("แคมเปญ")
    )
    agency = models.ForeignKey(
        "portal.Agency", on_delete=models.PROTECT, related_name="ideas", verbose_name=_("หน่วยงาน")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("ผู้เสนอ"),
    )
    title = models.CharField(_("หัวข้อ"), max_length=TITLE_MAX)
    body = models.TextField(_("รายละเอียด"))
    image = models.ImageField(_("รูปภาพประกอบ"), upload_to="ideas/%Y/%m/", blank=True)
    status = models.CharField(
        _("สถานะ"),
        max_length=20,
        choices=IdeaStatus.choices,
        default=IdeaStatus.SUBMITTED,
        db_index=True,
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("ซ้ำกับข้อเสนอ"),
    )
    origin = models.CharField(
        _("ที่มา"), max_length=20, choices=IdeaOrigin.choices, default=IdeaOrigin.CITIZEN
    )
    search_text = SearchTextField(_("ข้อความสำหรับค้นหา"), blank=True, default="")
    keywords = models.JSONField(_("คำสำคัญ"), default=list, blank=True)
    vote_count = models.PositiveIntegerField(_("จำนวนโหวต"), default=0)
    comment_count = models.PositiveIntegerField(_("จำนวนความคิดเห็น"), default=0)
    response_text = models.TextField(_("คำตอบอย่างเป็นทางการล่าสุด"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(_("ผู้ดูแลตรวจแล้วเมื่อ"), null=True, blank=True)
    tags_confirmed_at = models.DateTimeField(null=True, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ข้อเสนอ")
        verbose_name_plural = _("ข้อเสนอ")
        indexes = [
            models.Index(fields=["campaign", "status", "-vote_count"], name="idea_campaign_votes"),
            models.Index(fields=["campaign", "status", "-created_at"], name="idea_campaign_new"),
            models.Index(fields=["agency", "status", "created_at"], name="idea_agency_status"),
            # Public listings (hidden ideas excluded) read the first page straight off these.
            models.Index(
                fields=["campaign", "-vote_count", "-created_at", "-id"],
                condition=~models.Q(status="hidden"),
                name="idea_campaign_public_votes",
            ),
            models.Index(
                fields=["campaign", "-created_at", "-id"],
                condition=~models.Q(status="hidden"),
                name="idea_campaign_public_new",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("ideas:detail", args=[self.pk])

    @property
    def is_hidden(self) -> bool:
        return self.status == IdeaStatus.HIDDEN

    @property
    def author_name(self) -> str:
        if self.author_id is None:
            from portal.models import ERASED_DISPLAY_NAME

            if self.origin == IdeaOrigin.WORKSHOP:
                return "ผู้เข้าร่วมเวิร์กช็อป"
            if self.origin == IdeaOrigin.SURVEY:
                return "ผู้ตอบแบบสำรวจ"
            return ERASED_DISPLAY_NAME
        return self.author.public_name


class Vote(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_votes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("โหวต")
        verbose_name_plural = _("โหวต")
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="unique_vote_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"


class Comment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="idea_comments",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(_("ความคิดเห็น"))
    is_removed = models.BooleanField(_("ผู้เขียนลบแล้ว"), default=False)
    is_hidden = models.BooleanField(_("ซ่อนโดยผู้ดูแล"), default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("ความคิดเห็น")
        verbose_name_plural = _("ความคิดเห็น")

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_visible(self) -> bool:
        return not (self.is_removed or self.is_hidden)

    @property
    def author_name(self) -> str:
        if self.author_id is None:
            from portal.models import ERASED_DISPLAY_NAME

            return ERASED_DISPLAY_NAME
        return self.author.public_name


class CommentFlag(models.Model):
    """A report that a comment breaks the rules; moderators resolve it (hide or dismiss)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_flags"
    )
    reason = models.CharField(_("เหตุผล"), max_length=300, blank=True)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="unique_flag_per_user")
        ]

    def __str__(self) -> str:
        return f"flag {self.comment_id} by {self.user_id}"


class IdeaStatusChange(models.Model):
    """History of the lifecycle with the agency's official response at each step."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=IdeaStatus.choices)
    to_status = models.CharField(max_length=20, choices=IdeaStatus.choices)
    response = models.TextField(_("คำตอบอย่างเป็นทางการ"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ประวัติสถานะ")
        verbose_name_plural = _("ประวัติสถานะ")

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.from_status} → {self.to_status}"


class IdeaTag(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="idea_tags")
    tag = models.ForeignKey("nlp.Tag", on_delete=models.CASCADE, related_name="idea_tags")
    score = models.FloatField(default=1.0)
    confirmed = models.BooleanField(_("ผู้ดูแลยืนยันแล้ว"), default=False)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "tag"], name="unique_idea_tag"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.tag_id} ({self.score:.2f})"


class DuplicateCandidate(models.Model):
    """An idea of the same campaign that `nlp` found saying the same as `idea`, stored by the
    analysis task so the moderation queue lists them without running the pair model."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="duplicate_candidates")
    candidate = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()

    class Meta:
        ordering = ["-score", "candidate_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "candidate"], name="unique_duplicate_candidate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} ~ {self.candidate_id} ({self.score:.2f})"


class Notification(models.Model):
    """An on-site notification; other apps create them through `services.notification_create`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(_("ข้อความ"), max_length=500)
    url = models.CharField(_("ลิงก์"), max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("การแจ้งเตือน")
        verbose_name_plural = _("การแจ้งเตือน")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.text[:60]

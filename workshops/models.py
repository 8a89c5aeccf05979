"""Live co-design workshops: the board (notes, clusters, dot votes) and its event log.

Every change to a board is one database transaction that also appends an ``Event`` with the next
per-workshop ``seq`` (``Workshop.last_seq`` is the counter, incremented under a row lock), so a
client that reconnects can ask for exactly the events it missed, across server processes and
restarts.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ23456789"
CODE_LENGTH = 6

DEFAULT_PHASES = ["เข้าใจปัญหา", "กำหนดโจทย์", "ระดมความคิด", "ต้นแบบ", "ทดสอบ"]
# English names of the default phases (design thinking), for exports and the English UI.
DEFAULT_PHASES_EN = ["empathise", "define", "ideate", "prototype", "test"]


def generate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def default_phases() -> list[str]:
    return list(DEFAULT_PHASES)


class Workshop(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("ฉบับร่าง")
        UPCOMING = "upcoming", _("กำลังจะจัด")
        LIVE = "live", _("กำลังจัดอยู่")
        FINISHED = "finished", _("จบแล้ว")

    PUBLIC_STATUSES = (Status.UPCOMING, Status.LIVE, Status.FINISHED)
    # Participants may change the board while the workshop is upcoming or live.
    BOARD_OPEN_STATUSES = (Status.UPCOMING, Status.LIVE)

    agency = models.ForeignKey(
        "portal.Agency",
        on_delete=models.CASCADE,
        related_name="workshops",
        verbose_name=_("หน่วยงาน"),
    )
    title = models.CharField(_("ชื่อเวิร์กช็อป"), max_length=200)
    challenge = models.TextField(_("โจทย์ท้าทาย (เราจะ...ได้อย่างไร)"), blank=True)
    phases = models.JSONField(_("ขั้นตอน"), default=default_phases)
    phase_index = models.PositiveSmallIntegerField(_("ขั้นตอนปัจจุบัน"), default=0)
    dot_votes_per_person = models.PositiveSmallIntegerField(_("จำนวนจุดโหวตต่อคน"), default=3)
    allow_anonymous = models.BooleanField(_("อนุญาตให้ร่วมโดยไม่เข้าสู่ระบบ"), default=True)
    scheduled_at = models.DateTimeField(_("วันเวลาที่จัด"), null=True, blank=True)
    status = models.CharField(
        _("สถานะ"), max_length=12, choices=Status.choices, default=Status.UPCOMING
    )
    code = models.CharField(_("รหัสเข้าร่วม"), max_length=CODE_LENGTH, unique=True)
    locked = models.BooleanField(_("ล็อกบอร์ด"), default=False)
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    last_seq = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-scheduled_at", "-created_at"]
        verbose_name = _("เวิร์กช็อป")
        verbose_name_plural = _("เวิร์กช็อป")
        indexes = [models.Index(fields=["status", "scheduled_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("workshops:board", kwargs={"code": self.code})

    @property
    def phase(self) -> str:
        if 0 <= self.phase_index < len(self.phases):
            return self.phases[self.phase_index]
        return ""

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def board_open(self) -> bool:
        return self.status in self.BOARD_OPEN_STATUSES

    def join_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()


class Participant(models.Model):
    """Someone on the board: a logged-in user, or an anonymous display name with a secret token."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="workshop_participations",
    )
    display_name = models.CharField(_("ชื่อที่แสดง"), max_length=60)
    # Lets an anonymous participant reclaim their notes and votes after reconnecting.
    token = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe)
    # Open WebSocket connections (across all server processes); > 0 means online.
    connections = models.PositiveIntegerField(default=0)
    joined_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"],
                condition=models.Q(user__isnull=False),
                name="unique_workshop_user_participant",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def online(self) -> bool:
        return self.connections > 0


class Cluster(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="clusters")
    title = models.CharField(_("ชื่อกลุ่ม"), max_length=120)
    promoted_idea = models.ForeignKey(
        "ideas.Idea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_clusters",
        verbose_name=_("ข้อเสนอที่ยกระดับจากกลุ่มนี้"),
    )
    created_by = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class Note(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("ข้อความ"))
    # Pre-tokenised Thai text (nlp.services.search_text) for word search.
    search_text = models.TextField(blank=True)
    column = models.CharField(max_length=60, blank=True)
    phase_index = models.PositiveSmallIntegerField(default=0)
    x = models.FloatField(default=0)
    y = models.FloatField(default=0)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="notes"
    )
    promoted_idea = models.ForeignKey(
        "ideas.Idea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_notes",
        verbose_name=_("ข้อเสนอที่ยกระดับจากโน้ตนี้"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:50]


class DotVote(models.Model):
    """One dot. A participant may put several of their dots on the same note."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="votes")
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["workshop", "participant"])]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.note_id}"


class Event(models.Model):
    """The persisted event log of a workshop: what every client sees as `{"type": "event"}`."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    op = models.CharField(max_length=30)
    actor = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=60, blank=True)
    data = models.JSONField(default=dict)
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workshop", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "seq"], name="unique_workshop_event_seq")
        ]

    def __str__(self) -> str:
        return f"{self.workshop_id}#{self.seq} {self.op}"

    def as_message(self) -> dict:
        message = {
            "type": "event",
            "seq": self.seq,
            "op": self.op,
            "actor": {"id": self.actor_id, "display_name": self.actor_name},
            "data": self.data,
        }
        if self.client_id:
            message["client_id"] = self.client_id
        return message


class WorkshopAnnouncementPage(Page):
    """A public Wagtail page that announces a workshop and links to its board."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.PROTECT, related_name="announcements", verbose_name=_("เวิร์กช็อป")
    )
    intro = models.TextField(_("คำเชิญชวน"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("workshop"), FieldPanel("intro")]
    parent_page_types = ["cms.AgencyPage", "cms.HomePage"]
    subpage_types: list = []
    template = "workshops/announcement_page.html"

    class Meta:
        verbose_name = _("ประกาศเวิร์กช็อป")

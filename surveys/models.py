"""Satisfaction and engagement surveys (PMQA 4.0 category 3.2 and RM3 results).

A `SurveyPage` lives under an agency's `AgencyPage`; its `Question`s are edited inline in
Wagtail. A `SurveyResponse` holds one person's answers; each `Answer` row is one value
(a multiple-choice question gives one row per ticked choice) so results are plain DB aggregates.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page

LIKERT_ANCHORS = {
    1: _("ไม่พอใจมาก"),
    2: _("ไม่พอใจ"),
    3: _("เฉย ๆ"),
    4: _("พอใจ"),
    5: _("พอใจมาก"),
}


class QuestionKind(models.TextChoices):
    LIKERT5 = "likert5", _("ระดับความพึงพอใจ 1–5")
    NPS = "nps", _("โอกาสแนะนำต่อ 0–10 (NPS)")
    SINGLE = "single", _("เลือกได้หนึ่งข้อ")
    MULTI = "multi", _("เลือกได้หลายข้อ")
    TEXT = "text", _("ข้อความอิสระ")


class SurveyPage(Page):
    """A survey of an agency's service recipients, answered on the page itself."""

    agency = models.ForeignKey(
        "portal.Agency",
        on_delete=models.PROTECT,
        related_name="surveys",
        editable=False,
        null=True,
        verbose_name=_("หน่วยงาน"),
    )
    intro = models.TextField(_("คำชี้แจง"), blank=True)
    service_point = models.CharField(
        _("จุดบริการ / กลุ่มผู้ตอบ"),
        max_length=200,
        blank=True,
        help_text=_("เช่น แผนกผู้ป่วยนอก"),
    )
    opens_at = models.DateTimeField(_("เปิดรับคำตอบ"), null=True, blank=True)
    closes_at = models.DateTimeField(_("ปิดรับคำตอบ"), null=True, blank=True)
    allow_anonymous = models.BooleanField(_("ตอบได้โดยไม่ต้องเข้าสู่ระบบ"), default=True)
    target_satisfaction_pct = models.DecimalField(
        _("เป้าหมายความพึงพอใจ (%)"), max_digits=5, decimal_places=2, default=85
    )
    thank_you_text = models.TextField(
        _("ข้อความขอบคุณ"),
        blank=True,
        default="ขอบคุณที่สละเวลาตอบแบบสำรวจ ความเห็นของท่านช่วยให้เราปรับปรุงบริการได้ตรงจุด",
    )

    content_panels = [
        *Page.content_panels,
        "intro",
        "service_point",
        MultiFieldPanel(
            ["opens_at", "closes_at", "allow_anonymous", "target_satisfaction_pct"],
            heading=_("การเปิดรับคำตอบและเป้าหมาย"),
        ),
        "thank_you_text",
        InlinePanel("questions", heading=_("คำถาม"), label=_("คำถาม"), min_num=1),
    ]
    parent_page_types = ["cms.AgencyPage"]
    subpage_types: list = []
    template = "surveys/survey_page.html"

    class Meta:
        verbose_name = _("แบบสำรวจ")
        verbose_name_plural = _("แบบสำรวจ")

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("วันปิดต้องอยู่หลังวันเปิดรับคำตอบ")})

    def save(self, *args, **kwargs):
        # The survey belongs to the agency whose page it lives under (also when an old
        # revision is published after a move; moves themselves: cms.signals).
        if self.path and self.depth and self.depth > 1:
            parent = self.get_parent()
            agency_id = getattr(parent.specific, "agency_id", None) if parent else None
            if agency_id:
                self.agency_id = agency_id
        return super().save(*args, **kwargs)

    def is_open_at(self, when) -> bool:
        if self.opens_at and when < self.opens_at:
            return False
        return not (self.closes_at and when >= self.closes_at)

    @property
    def is_open(self) -> bool:
        return self.live and self.is_open_at(timezone.now())

    def serve(self, request, *args, **kwargs):
        from .views import survey_page_serve

        return survey_page_serve(self, request)


class Question(Orderable):
    page = ParentalKey(SurveyPage, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("ชนิดคำถาม"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("คำถาม"), max_length=500)
    help_text = models.CharField(_("คำอธิบายเพิ่มเติม"), max_length=300, blank=True)
    choices_text = models.TextField(
        _("ตัวเลือก (บรรทัดละหนึ่งตัวเลือก)"),
        blank=True,
        help_text=_("ใช้กับคำถามแบบเลือกข้อเท่านั้น"),
    )
    required = models.BooleanField(_("ต้องตอบ"), default=True)

    panels = ["kind", "text", "help_text", "choices_text", "required"]

    class Meta(Orderable.Meta):
        verbose_name = _("คำถาม")
        verbose_name_plural = _("คำถาม")

    def __str__(self) -> str:
        return self.text

    @property
    def choices(self) -> list[str]:
        return [line.strip() for line in self.choices_text.splitlines() if line.strip()]

    @property
    def has_choices(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTI)

    def clean(self):
        super().clean()
        if self.has_choices and len(self.choices) < 2:
            raise ValidationError({"choices_text": _("คำถามแบบเลือกข้อต้องมีอย่างน้อย 2 ตัวเลือก")})
        if len(set(self.choices)) != len(self.choices):
            raise ValidationError({"choices_text": _("ตัวเลือกซ้ำกัน")})


class SurveyResponse(models.Model):
    """One person's submitted answers. Anonymous responses keep no personal data at all."""

    survey = models.ForeignKey(SurveyPage, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    submitted_at = models.DateTimeField(_("ส่งเมื่อ"), default=timezone.now, db_index=True)
    consent = models.ForeignKey(
        "portal.ConsentRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("คำตอบแบบสำรวจ")
        verbose_name_plural = _("คำตอบแบบสำรวจ")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"],
                condition=models.Q(user__isnull=False),
                name="survey_one_response_per_user",
            )
        ]
        indexes = [models.Index(fields=["survey", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    """One value: `number` for likert5/nps, `choice` for single/multi, `text` for free text."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    keywords = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)
    promoted_idea = models.ForeignKey(
        "ideas.Idea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_answers",
        verbose_name=_("ข้อเสนอที่สร้างจากคำตอบนี้"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("คำตอบรายข้อ")
        verbose_name_plural = _("คำตอบรายข้อ")
        indexes = [models.Index(fields=["question", "number"])]

    def __str__(self) -> str:
        if self.number is not None:
            return str(self.number)
        return self.choice or self.text[:40]

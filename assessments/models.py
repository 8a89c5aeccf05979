"""PMQA 4.0 self-assessment: criteria versioned by fiscal year, and each agency's yearly answers.

Criteria (`CriteriaSet` → `Category` → `Item` → `ChecklistQuestion`) are data, loaded for 2570
by a data migration and edited by admins; a `SelfAssessment` is tied to the criteria set of its
year, so changing next year's criteria never rewrites last year's assessment.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def evidence_upload_to(instance, filename: str) -> str:
    """Unguessable names: evidence files are only served through the permission-checked view."""
    return f"assessments/{uuid.uuid4().hex}.pdf"


class Level(models.IntegerChoices):
    """Maturity levels of PMQA 4.0 (0 = not yet at Basic)."""

    NONE = 0, _("ยังไม่ถึงระดับพื้นฐาน")
    BASIC = 1, _("Basic (พื้นฐาน)")
    ADVANCE = 2, _("Advance (ก้าวหน้า)")
    SIGNIFICANCE = 3, _("Significance (โดดเด่น)")


class EvidenceSource(models.TextChoices):
    """Which citizen-input numbers the portal suggests as evidence for an item."""

    NONE = "", _("ไม่มีข้อเสนอแนะอัตโนมัติ")
    LISTENING = "listening", _("ช่องทางรับฟัง (ข้อเสนอ เวิร์กช็อป แบบสำรวจ)")
    SATISFACTION = "satisfaction", _("ผลสำรวจความพึงพอใจ")
    INNOVATION = "innovation", _("ข้อเสนอที่ดำเนินการแล้วและต้นแบบจากเวิร์กช็อป")
    COMPLAINTS = "complaints", _("ข้อร้องเรียนและระยะเวลาตอบกลับ")
    RESULTS_SATISFACTION = "rm_satisfaction", _("ผลลัพธ์ความพึงพอใจเทียบเป้าหมาย 3 ปี")


class CriteriaSet(models.Model):
    fiscal_year = models.PositiveIntegerField(
        _("ปีงบประมาณ (พ.ศ.)"),
        unique=True,
        validators=[MinValueValidator(2500), MaxValueValidator(2700)],
    )
    title = models.CharField(_("ชื่อเกณฑ์"), max_length=255)
    source_note = models.TextField(
        _("ที่มาของเกณฑ์"),
        blank=True,
        help_text=_("โปรดตรวจสอบกับคู่มือเกณฑ์ PMQA 4.0 ฉบับทางการของ สำนักงาน ก.พ.ร. ของปีนั้น"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("ชุดเกณฑ์ PMQA")
        verbose_name_plural = _("ชุดเกณฑ์ PMQA")

    def __str__(self) -> str:
        return f"{self.title} (ปีงบประมาณ {self.fiscal_year})"


class Category(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="categories", verbose_name=_("ชุดเกณฑ์")
    )
    number = models.PositiveSmallIntegerField(
        _("หมวดที่"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    name = models.CharField(_("ชื่อหมวด"), max_length=255)
    description = models.TextField(_("คำอธิบาย"), blank=True)

    class Meta:
        ordering = ["criteria_set", "number"]
        verbose_name = _("หมวด")
        verbose_name_plural = _("หมวด")
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "number"], name="unique_category_per_criteria_set"
            )
        ]

    def __str__(self) -> str:
        return f"หมวด {self.number} {self.name}"


class Item(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="items", verbose_name=_("หมวด")
    )
    code = models.CharField(_("รหัสประเด็น"), max_length=8, help_text=_("เช่น 3.2"))
    name = models.CharField(_("ชื่อประเด็น"), max_length=255)
    result_code = models.CharField(
        _("รหัสผลลัพธ์"), max_length=8, blank=True, help_text=_("หมวด 7 เช่น RM3")
    )
    description = models.TextField(_("คำอธิบาย"), blank=True)
    level_basic = models.TextField(_("ระดับ Basic"))
    level_advance = models.TextField(_("ระดับ Advance"))
    level_significance = models.TextField(_("ระดับ Significance"))
    target_level = models.PositiveSmallIntegerField(
        _("ระดับเป้าหมายเริ่มต้น"), choices=Level.choices, default=Level.ADVANCE
    )
    evidence_source = models.CharField(
        _("แหล่งหลักฐานจากประชาชน"),
        max_length=20,
        choices=EvidenceSource.choices,
        blank=True,
        default=EvidenceSource.NONE,
    )
    plans_item = models.CharField(
        _("ประเด็นในแผนพัฒนา (plans)"),
        max_length=5,
        blank=True,
        help_text=_("รหัสประเด็นที่ใช้เมื่อแปลงโอกาสในการปรับปรุงเป็นรายการในแผนพัฒนา"),
    )
    sort_order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)

    class Meta:
        ordering = ["category__number", "sort_order", "code"]
        verbose_name = _("ประเด็นเกณฑ์")
        verbose_name_plural = _("ประเด็นเกณฑ์")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="unique_item_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def label(self) -> str:
        prefix = f"{self.code} ({self.result_code})" if self.result_code else self.code
        return f"{prefix} {self.name}"

    def level_text(self, level: int) -> str:
        return {
            Level.BASIC: self.level_basic,
            Level.ADVANCE: self.level_advance,
            Level.SIGNIFICANCE: self.level_significance,
        }.get(level, "")


class ChecklistQuestion(models.Model):
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="questions", verbose_name=_("ประเด็น")
    )
    level = models.PositiveSmallIntegerField(
        _("ระดับ"),
        choices=[c for c in Level.choices if c[0] != Level.NONE],
        default=Level.BASIC,
    )
    text = models.TextField(_("คำถาม/ประเด็นตรวจสอบ"))
    sort_order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)

    class Meta:
        ordering = ["item", "level", "sort_order", "pk"]
        verbose_name = _("คำถามตรวจสอบ")
        verbose_name_plural = _("คำถามตรวจสอบ")

    def __str__(self) -> str:
        return self.text[:80]


class SelfAssessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("ฉบับร่าง")
        REVIEWED = "reviewed", _("ทบทวนแล้ว")
        SUBMITTED = "submitted", _("ส่งแล้ว")

    agency = models.ForeignKey(
        "portal.Agency",
        on_delete=models.CASCADE,
        related_name="self_assessments",
        verbose_name=_("หน่วยงาน"),
    )
    fiscal_year = models.PositiveIntegerField(
        _("ปีงบประมาณ (พ.ศ.)"), validators=[MinValueValidator(2500), MaxValueValidator(2700)]
    )
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("เกณฑ์")
    )
    status = models.CharField(
        _("สถานะ"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="self_assessments",
        verbose_name=_("ผู้ร่วมจัดทำ"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-fiscal_year", "agency__name"]
        verbose_name = _("การประเมินตนเอง")
        verbose_name_plural = _("การประเมินตนเอง")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "fiscal_year"], name="unique_assessment_per_agency_year"
            )
        ]

    def __str__(self) -> str:
        return f"การประเมินตนเอง PMQA 4.0 {self.agency} ปีงบประมาณ {self.fiscal_year}"

    def get_absolute_url(self) -> str:
        return reverse(
            "assessments:detail",
            kwargs={"agency_slug": self.agency.slug, "fiscal_year": self.fiscal_year},
        )

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SUBMITTED


class ItemAnswer(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    level = models.PositiveSmallIntegerField(
        _("ระดับที่ประเมินว่าบรรลุ"), choices=Level.choices, default=Level.NONE
    )
    target_level = models.PositiveSmallIntegerField(
        _("ระดับเป้าหมาย"), choices=Level.choices, default=Level.ADVANCE
    )
    explanation = models.TextField(_("คำอธิบายผลการดำเนินการ"), blank=True)
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("ผู้ร่วมจัดทำ")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item__category__number", "item__sort_order", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="unique_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.item.code}"


class ChecklistAnswer(models.Model):
    answer = models.ForeignKey(ItemAnswer, on_delete=models.CASCADE, related_name="checks")
    question = models.ForeignKey(ChecklistQuestion, on_delete=models.CASCADE, related_name="+")
    checked = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "question"], name="unique_check_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.answer_id}/{self.question_id}: {self.checked}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", _("ไฟล์ PDF")
        IDEA = "idea", _("ข้อเสนอของประชาชน")
        WORKSHOP = "workshop", _("เวิร์กช็อป")
        SURVEY = "survey", _("ผลแบบสำรวจ")
        PLAN_ITEM = "plan_item", _("รายการในแผนพัฒนา")

    RECORD_KINDS = (Kind.IDEA, Kind.WORKSHOP, Kind.SURVEY, Kind.PLAN_ITEM)

    answer = models.ForeignKey(ItemAnswer, on_delete=models.CASCADE, related_name="evidence")
    number = models.PositiveIntegerField(_("ลำดับหลักฐานในประเด็น"))
    kind = models.CharField(_("ประเภท"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("ชื่อหลักฐาน"), max_length=255)
    note = models.TextField(_("สรุป/ตัวเลข"), blank=True)
    file = models.FileField(_("ไฟล์"), upload_to=evidence_upload_to, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    idea = models.ForeignKey(
        "ideas.Idea", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    survey = models.ForeignKey(
        "surveys.SurveyPage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plan_item = models.ForeignKey(
        "plans.PlanItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answer", "number"]
        verbose_name = _("หลักฐาน")
        verbose_name_plural = _("หลักฐาน")
        constraints = [
            models.UniqueConstraint(fields=["answer", "number"], name="unique_evidence_number")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def target_id(self) -> int | None:
        return {
            self.Kind.IDEA: self.idea_id,
            self.Kind.WORKSHOP: self.workshop_id,
            self.Kind.SURVEY: self.survey_id,
            self.Kind.PLAN_ITEM: self.plan_item_id,
        }.get(self.kind)

    @property
    def is_citizen_input(self) -> bool:
        return self.kind in (self.Kind.IDEA, self.Kind.WORKSHOP, self.Kind.SURVEY)


class Finding(models.Model):
    """A strength or an opportunity for improvement (OFI) of one category."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", _("จุดแข็ง")
        OFI = "ofi", _("โอกาสในการปรับปรุง (OFI)")

    assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="findings"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("ประเภท"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("ข้อความ"))
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessment_findings",
        verbose_name=_("รายการในแผนพัฒนา"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category__number", "kind", "pk"]
        verbose_name = _("จุดแข็ง/โอกาสในการปรับปรุง")
        verbose_name_plural = _("จุดแข็ง/โอกาสในการปรับปรุง")

    def __str__(self) -> str:
        return self.text[:80]


class AssessmentComment(models.Model):
    assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="comments"
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("ความคิดเห็น"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:80]


class HistoryEntry(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    summary = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.summary[:80]

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import Agency

from . import pmqa


class ImprovementPlan(models.Model):
    """An agency's innovation & improvement plan for one Thai fiscal year (BE)."""

    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        related_name="improvement_plans",
        verbose_name=_("หน่วยงาน"),
    )
    fiscal_year = models.PositiveIntegerField(
        _("ปีงบประมาณ (พ.ศ.)"), validators=[MinValueValidator(2500), MaxValueValidator(2700)]
    )
    title = models.CharField(_("ชื่อแผน"), max_length=255)
    summary = models.TextField(_("สรุปแผน"), blank=True)
    is_published = models.BooleanField(
        _("เผยแพร่ต่อสาธารณะ"),
        default=False,
        help_text=_("แผนที่เผยแพร่จะแสดงในหน้า “คุณเสนอ เราทำ”"),
    )
    satisfaction_target_pct = models.DecimalField(
        _("เป้าหมายความพึงพอใจ (%)"),
        max_digits=5,
        decimal_places=2,
        default=85,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-fiscal_year", "agency__name"]
        verbose_name = _("แผนพัฒนาองค์การ")
        verbose_name_plural = _("แผนพัฒนาองค์การ")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "fiscal_year"], name="unique_plan_per_agency_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.agency} · ปีงบประมาณ {self.fiscal_year})"

    def get_absolute_url(self) -> str:
        return reverse(
            "plans:public_plan",
            kwargs={"agency_slug": self.agency.slug, "fiscal_year": self.fiscal_year},
        )


class PlanItem(models.Model):
    """One improvement in a plan, filed under a PMQA 4.0 category and item."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("วางแผน")
        IN_PROGRESS = "in_progress", _("กำลังดำเนินการ")
        COMPLETED = "completed", _("ดำเนินการแล้วเสร็จ")
        CANCELLED = "cancelled", _("ยกเลิก")

    plan = models.ForeignKey(
        ImprovementPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("แผน")
    )
    title = models.CharField(_("ชื่อโครงการ/กิจกรรม"), max_length=255)
    description = models.TextField(_("รายละเอียด"), blank=True)
    pmqa_category = models.PositiveSmallIntegerField(
        _("หมวด PMQA 4.0"), choices=pmqa.CATEGORY_CHOICES
    )
    pmqa_item = models.CharField(_("ประเด็น PMQA"), max_length=5, choices=pmqa.ITEM_CHOICES)
    owner = models.CharField(_("ผู้รับผิดชอบ"), max_length=200, blank=True)
    start_date = models.DateField(_("วันเริ่ม"), null=True, blank=True)
    end_date = models.DateField(_("วันสิ้นสุด"), null=True, blank=True)
    status = models.CharField(
        _("สถานะ"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("ความก้าวหน้า (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    expected_outcome = models.TextField(_("ผลลัพธ์ที่คาดหวัง"), blank=True)
    actual_outcome = models.TextField(_("ผลลัพธ์ที่เกิดขึ้นจริง"), blank=True)
    kpi_name = models.CharField(_("ตัวชี้วัด (KPI)"), max_length=255, blank=True)
    kpi_unit = models.CharField(_("หน่วยวัด"), max_length=50, blank=True)
    kpi_target = models.DecimalField(
        _("ค่าเป้าหมาย"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    kpi_actual = models.DecimalField(
        _("ผลจริง"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    follow_idea_status = models.BooleanField(
        _("ปรับสถานะข้อเสนอที่เชื่อมโยงตามความก้าวหน้า"),
        default=True,
        help_text=_(
            "เมื่อเริ่มดำเนินการ ข้อเสนอที่เชื่อมโยงจะเป็น “กำลังดำเนินการ” และเมื่อแล้วเสร็จจะเป็น “ดำเนินการแล้ว”"
        ),
    )
    sort_order = models.PositiveIntegerField(_("ลำดับ"), default=0)
    # Citizen input behind the item (linked by managers through plans.services).
    ideas = models.ManyToManyField(
        "ideas.Idea", blank=True, related_name="plan_items", verbose_name=_("ข้อเสนอที่เชื่อมโยง")
    )
    workshops = models.ManyToManyField(
        "workshops.Workshop",
        blank=True,
        related_name="plan_items",
        verbose_name=_("เวิร์กช็อปที่เชื่อมโยง"),
    )
    surveys = models.ManyToManyField(
        "surveys.SurveyPage",
        blank=True,
        related_name="plan_items",
        verbose_name=_("แบบสำรวจที่เชื่อมโยง"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "pmqa_item", "sort_order", "pk"]
        verbose_name = _("รายการในแผน")
        verbose_name_plural = _("รายการในแผน")

    def __str__(self) -> str:
        return f"{self.pmqa_item} {self.title}"

    @property
    def agency(self):
        return self.plan.agency

    @property
    def agency_id(self):
        return self.plan.agency_id

    def clean(self):
        errors = {}
        category = pmqa.category_of(self.pmqa_item or "")
        if self.pmqa_item and category is None:
            errors["pmqa_item"] = _("ไม่พบประเด็นนี้ในเกณฑ์ PMQA 4.0")
        elif category is not None and self.pmqa_category and category != self.pmqa_category:
            errors["pmqa_item"] = _("ประเด็น %(item)s ไม่อยู่ในหมวด %(category)s") % {
                "item": self.pmqa_item,
                "category": self.pmqa_category,
            }
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("วันสิ้นสุดต้องไม่ก่อนวันเริ่ม")
        if self.status == self.Status.COMPLETED and self.progress != 100:
            errors["progress"] = _("รายการที่แล้วเสร็จต้องมีความก้าวหน้า 100%")
        if errors:
            raise ValidationError(errors)


class EvidenceExport(models.Model):
    """A PDF/XLSX evidence pack generated in the background (large agency-years)."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        QUEUED = "queued", _("รอคิว")
        RUNNING = "running", _("กำลังจัดทำ")
        DONE = "done", _("เสร็จแล้ว")
        FAILED = "failed", _("ไม่สำเร็จ")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="evidence_exports")
    fiscal_year = models.PositiveIntegerField()
    format = models.CharField(max_length=4, choices=Format.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=120, blank=True)
    file = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ไฟล์ชุดหลักฐาน")
        verbose_name_plural = _("ไฟล์ชุดหลักฐาน")

    def __str__(self) -> str:
        return f"{self.agency} {self.fiscal_year} {self.format} ({self.status})"

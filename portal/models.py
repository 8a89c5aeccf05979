import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

ERASED_DISPLAY_NAME = "ผู้ใช้ที่ลบบัญชีแล้ว"


class PortalUserManager(UserManager):
    def create_user(self, username=None, email=None, password=None, **extra_fields):
        username = username or email
        return super().create_user(username, email, password, **extra_fields)

    def create_superuser(self, username=None, email=None, password=None, **extra_fields):
        username = username or email
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """Portal account. People log in with their e-mail; `display_name` is what others see."""

    email = models.EmailField(_("อีเมล"), unique=True, null=True, blank=True)
    display_name = models.CharField(_("ชื่อที่แสดง"), max_length=80, blank=True)
    is_erased = models.BooleanField(_("ลบบัญชีแล้ว"), default=False)

    objects = PortalUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("ผู้ใช้")
        verbose_name_plural = _("ผู้ใช้")

    @property
    def public_name(self) -> str:
        if self.is_erased:
            return ERASED_DISPLAY_NAME
        if self.display_name:
            return self.display_name
        if self.first_name:
            return self.get_full_name()
        local_part = (self.email or self.username or "").split("@")[0]
        return local_part[:3] + "…" if local_part else "ผู้ใช้"


class Agency(models.Model):
    """A government agency (hospital, municipality, district office...)."""

    slug = models.SlugField(_("รหัสหน่วยงาน"), max_length=64, unique=True)
    name = models.CharField(_("ชื่อหน่วยงาน (ไทย)"), max_length=200)
    name_en = models.CharField(_("ชื่อหน่วยงาน (อังกฤษ)"), max_length=200, blank=True)
    description = models.TextField(_("คำอธิบาย"), blank=True)
    logo = models.ImageField(_("ตราสัญลักษณ์"), upload_to="agency-logos/", blank=True)
    contact_email = models.EmailField(_("อีเมลติดต่อ"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("หน่วยงาน")
        verbose_name_plural = _("หน่วยงาน")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    MODERATOR = "moderator", _("ผู้ดูแลเนื้อหา")
    FACILITATOR = "facilitator", _("กระบวนกร")
    MANAGER = "manager", _("ผู้บริหาร/ผู้จัดการแผน")
    ADMIN = "admin", _("ผู้ดูแลระบบของหน่วยงาน")


class Membership(models.Model):
    """A user's role in one agency. A user may hold several roles in several agencies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("บทบาท"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("สมาชิกหน่วยงาน")
        verbose_name_plural = _("สมาชิกหน่วยงาน")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.agency} · {self.get_role_display()}"


class ApiToken(models.Model):
    """Bearer token for API clients. Only a SHA-256 digest of the token is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    key_digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("โทเคน API")
        verbose_name_plural = _("โทเคน API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def digest(raw_key: str) -> str:
        return hashlib.sha256(raw_key.encode()).hexdigest()

    @staticmethod
    def generate_key() -> str:
        return "rk_" + secrets.token_urlsafe(32)


class ConsentRecord(models.Model):
    """PDPA: what a person agreed to, which notice version, and when (and if withdrawn)."""

    class Purpose(models.TextChoices):
        IDEA_SUBMISSION = "idea_submission", _("เผยแพร่และพิจารณาข้อเสนอ")
        COMMENT = "comment", _("เผยแพร่ความคิดเห็น")
        SURVEY_RESPONSE = "survey_response", _("วิเคราะห์คำตอบแบบสำรวจ")
        WORKSHOP = "workshop", _("ร่วมเวิร์กช็อปออกแบบบริการ")
        NOTIFICATIONS = "notifications", _("รับการแจ้งเตือนทางอีเมล")
        RESEARCH = "research", _("ใช้ข้อมูลเพื่อการวิจัยและพัฒนาบริการ (ไม่บังคับ)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
    )
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    notice_version = models.CharField(max_length=20)
    given_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # What the consent was given for, e.g. "ideas.idea:42" (no personal data).
    subject = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("บันทึกความยินยอม")
        verbose_name_plural = _("บันทึกความยินยอม")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.notice_version})"


class AuditLogEntry(models.Model):
    """Who did what to which record: status changes, hiding, plan links, exports, erasure."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_entries"
    )
    action = models.CharField(max_length=60, db_index=True)
    target = models.CharField(max_length=120, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("บันทึกการตรวจสอบ")
        verbose_name_plural = _("บันทึกการตรวจสอบ")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target}"

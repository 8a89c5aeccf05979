from django.db import models
from django.utils.translation import gettext_lazy as _


class Tag(models.Model):
    """A topic in the tagging taxonomy. `agency` empty = the portal-wide default set."""

    slug = models.SlugField(_("รหัสแท็ก"), max_length=64)
    label = models.CharField(_("ชื่อแท็ก (ไทย)"), max_length=120)
    label_en = models.CharField(_("ชื่อแท็ก (อังกฤษ)"), max_length=120, blank=True)
    description = models.TextField(_("คำอธิบาย"), blank=True)
    keywords = models.JSONField(_("คำสำคัญ/คำพ้อง"), default=list, blank=True)
    agency = models.ForeignKey(
        "portal.Agency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tags",
        verbose_name=_("หน่วยงาน"),
    )
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("แท็ก")
        verbose_name_plural = _("แท็ก")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=models.Q(agency__isnull=True), name="unique_global_tag"
            ),
            models.UniqueConstraint(fields=["slug", "agency"], name="unique_agency_tag"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.slug})"

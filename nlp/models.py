from django.db import models
from django.utils.translation import gettext_lazy as _


class Tag(models.Model):
    """A topic in the tagging taxonomy. `agency` empty = the portal-wide default set."""

    slug = models.SlugField(_("รหัสแท็ก"), max_length=64)
    label = models.CharField(_("ชื่อแท็ก (ไทย)"), max_length=120)
    label_en = models.CharField(_("ชื่อแท็ก (อังกฤษ)"), max_length=120, blank=True)
    description = models.TextField(_("คำอธิบาย"), blank=True)
    keywords = models.JSONField(_("คำสำคัญ/คำพ้อง"), default=list, blank=True)
    examples = models.JSONField(_("ตัวอย่างประโยค"), default=list, blank=True)
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


class CustomWord(models.Model):
    """A word the tokeniser must keep whole (agency dictionary addition, e.g. "บัตรคิว")."""

    word = models.CharField(_("คำ"), max_length=60)
    agency = models.ForeignKey(
        "portal.Agency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="custom_words",
        verbose_name=_("หน่วยงาน"),
    )
    note = models.CharField(_("หมายเหตุ"), max_length=200, blank=True)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["word"]
        verbose_name = _("คำในพจนานุกรม")
        verbose_name_plural = _("คำในพจนานุกรม")
        constraints = [
            models.UniqueConstraint(fields=["word", "agency"], name="unique_custom_word_agency"),
            models.UniqueConstraint(
                fields=["word"], condition=models.Q(agency__isnull=True), name="unique_custom_word"
            ),
        ]

    def __str__(self) -> str:
        return self.word


class TextSignature(models.Model):
    """Stored sentence vector, content words and action/object frame of one text (an idea, a
    note...), computed once in the background task that analyses the text.

    Generic on purpose (`kind` + `object_id`, no foreign key) so `nlp` depends on no other app.
    `scope_id` narrows look-ups (e.g. the campaign of an idea).
    """

    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    scope_id = models.BigIntegerField(null=True, blank=True)
    vector = models.BinaryField()  # float32, L2-normalised
    content_tokens = models.JSONField(default=list)
    frame = models.JSONField(default=dict, blank=True)  # {"actions": [...], "objects": [...]}
    # the pieces the pair model (nlp.pairmodel) reads, so a look-up never re-tokenises the text
    pair_tokens = models.JSONField(default=list, blank=True)
    # rules the words and frame were computed with (similarity.SIGNATURE_VERSION); older rows are
    # recomputed by `manage.py backfill_signatures`
    version = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="unique_signature_object")
        ]
        indexes = [models.Index(fields=["kind", "scope_id"], name="nlp_signature_scope")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"

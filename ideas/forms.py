from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BODY_MAX, COMMENT_MAX, TITLE_MAX, IdeaStatus
from .services import IdeaError

CONSENT_TEXT = _(
    "ข้าพเจ้ายินยอมให้ร่วมคิดและหน่วยงานเจ้าของแคมเปญเก็บ เผยแพร่ข้อเสนอนี้พร้อมชื่อที่แสดงของข้าพเจ้า "
    "และใช้ข้อเสนอเพื่อพิจารณาปรับปรุงบริการ รวมถึงติดต่อแจ้งผลการพิจารณาทางอีเมล"
)


class ServiceErrorMixin:
    def add_service_error(self, error: IdeaError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)


class IdeaForm(ServiceErrorMixin, forms.Form):
    title = forms.CharField(
        label=_("หัวข้อข้อเสนอ"),
        max_length=TITLE_MAX,
        help_text=_("สั้น ๆ ให้เห็นภาพ 5–200 ตัวอักษร"),
        error_messages={"required": _("กรุณากรอกหัวข้อ"), "max_length": _("หัวข้อยาวเกินไป")},
    )
    body = forms.CharField(
        label=_("รายละเอียด"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("ปัญหาที่พบคืออะไร และอยากให้ปรับปรุงอย่างไร (10–5,000 ตัวอักษร)"),
        error_messages={"required": _("กรุณากรอกรายละเอียด"), "max_length": _("รายละเอียดยาวเกินไป")},
    )
    image = forms.ImageField(
        label=_("รูปภาพประกอบ (ไม่บังคับ)"),
        required=False,
        help_text=_("JPG, PNG หรือ WEBP ขนาดไม่เกิน 5 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={"invalid_image": _("ไฟล์ที่อัปโหลดไม่ใช่รูปภาพ")},
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        required=True,
        error_messages={"required": _("กรุณายินยอมก่อนส่งข้อเสนอ")},
    )


class IdeaEditForm(ServiceErrorMixin, forms.Form):
    title = forms.CharField(label=_("หัวข้อข้อเสนอ"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("รายละเอียด"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 8})
    )


class CommentForm(ServiceErrorMixin, forms.Form):
    body = forms.CharField(
        label=_("ความคิดเห็น"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("กรุณาพิมพ์ความคิดเห็น")},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class StatusForm(ServiceErrorMixin, forms.Form):
    status = forms.ChoiceField(label=_("สถานะใหม่"), choices=IdeaStatus.choices)
    response = forms.CharField(
        label=_("คำตอบอย่างเป็นทางการถึงผู้เสนอ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    duplicate_of = forms.IntegerField(
        label=_("หมายเลขข้อเสนอต้นฉบับ (กรณีซ้ำ)"), required=False, min_value=1
    )


class TagsForm(ServiceErrorMixin, forms.Form):
    tags = forms.MultipleChoiceField(
        label=_("แท็ก"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, tag_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].choices = list(tag_choices)

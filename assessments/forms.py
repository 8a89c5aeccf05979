from django import forms
from django.utils.translation import gettext_lazy as _

from portal.thai_dates import current_fiscal_year

from .models import Evidence, Finding, Level


class CreateAssessmentForm(forms.Form):
    agency = forms.ChoiceField(label=_("หน่วยงาน"))
    fiscal_year = forms.IntegerField(
        label=_("ปีงบประมาณ (พ.ศ.)"),
        min_value=2500,
        max_value=2700,
        error_messages={
            "invalid": _("กรุณาระบุปีงบประมาณเป็นตัวเลข พ.ศ."),
            "min_value": _("ปีงบประมาณต้องเป็นปีพุทธศักราช เช่น 2570"),
            "max_value": _("ปีงบประมาณต้องเป็นปีพุทธศักราช เช่น 2570"),
        },
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.slug, a.name) for a in agencies]
        self.fields["fiscal_year"].initial = current_fiscal_year()


class AnswerForm(forms.Form):
    level = forms.TypedChoiceField(label=_("ระดับที่ประเมินว่าบรรลุ"), choices=Level.choices, coerce=int)
    target_level = forms.TypedChoiceField(label=_("ระดับเป้าหมาย"), choices=Level.choices, coerce=int)
    explanation = forms.CharField(
        label=_("คำอธิบายผลการดำเนินการ"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=20000,
    )
    checks = forms.TypedMultipleChoiceField(
        label=_("ประเด็นตรวจสอบที่ดำเนินการแล้ว"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checks"].choices = [
            (q["id"], f"[{q['level_label']}] {q['text']}") for q in questions
        ]


class EvidenceFileForm(forms.Form):
    title = forms.CharField(label=_("ชื่อหลักฐาน"), max_length=255, required=False)
    note = forms.CharField(label=_("สรุป/ตัวเลข"), required=False, max_length=2000)
    file = forms.FileField(
        label=_("ไฟล์ PDF (ไม่เกิน 10 MB)"),
        error_messages={"required": _("กรุณาเลือกไฟล์ PDF")},
    )


class EvidenceRecordForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("ประเภท"), choices=[(k, Evidence.Kind(k).label) for k in Evidence.RECORD_KINDS]
    )
    target_id = forms.IntegerField(
        label=_("หมายเลขรายการ"),
        min_value=1,
        error_messages={"required": _("กรุณาระบุหมายเลข"), "invalid": _("หมายเลขต้องเป็นตัวเลข")},
    )
    note = forms.CharField(label=_("สรุป/ตัวเลข"), required=False, max_length=2000)


class FindingForm(forms.Form):
    category = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("ประเภท"), choices=Finding.Kind.choices)
    item = forms.CharField(label=_("ประเด็น (ถ้ามี)"), required=False, max_length=8)
    text = forms.CharField(
        label=_("ข้อความ"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("กรุณาเขียนข้อความ")},
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("ความคิดเห็นถึงทีม"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("กรุณาเขียนความคิดเห็น")},
    )
    item = forms.CharField(required=False, max_length=8, widget=forms.HiddenInput)

"""Admin forms: tag keywords and example sentences are edited as plain text, one per line."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .pipeline import normalise


class LinesField(forms.CharField):
    """A list of strings edited as text: one item per line (commas also split keywords)."""

    widget = forms.Textarea(attrs={"rows": 5})

    def __init__(self, *args, split_commas: bool = False, **kwargs):
        self.split_commas = split_commas
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        if self.split_commas:
            text = text.replace(",", "\n")
        items = []
        for line in text.splitlines():
            line = normalise(line)
            if line and line not in items:
                items.append(line[:200])
        return items


class TagAdminForm(WagtailAdminModelForm):
    keywords = LinesField(
        label=_("คำสำคัญ/คำพ้อง"),
        split_commas=True,
        help_text=_("หนึ่งคำต่อบรรทัด หรือคั่นด้วยจุลภาค เช่น รอนาน, คิวยาว"),
    )
    examples = LinesField(
        label=_("ตัวอย่างประโยค"),
        help_text=_("หนึ่งประโยคต่อบรรทัด ใช้เป็นข้อมูลฝึกตัวจัดแท็กอัตโนมัติ"),
    )


class CustomWordAdminForm(WagtailAdminModelForm):
    def clean_word(self):
        word = normalise(self.cleaned_data.get("word", ""))
        if not word or " " in word:
            raise forms.ValidationError(_("กรุณาใส่คำเดียว ไม่มีช่องว่าง"))
        return word

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Agency

from .models import DEFAULT_PHASES, Workshop


class WorkshopForm(forms.ModelForm):
    phases_text = forms.CharField(
        label=_("ขั้นตอน (บรรทัดละหนึ่งขั้น)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        initial="\n".join(DEFAULT_PHASES),
        help_text=_("ค่าเริ่มต้นคือ 5 ขั้นของการคิดเชิงออกแบบ (design thinking)"),
    )

    class Meta:
        model = Workshop
        fields = [
            "agency",
            "title",
            "challenge",
            "dot_votes_per_person",
            "allow_anonymous",
            "scheduled_at",
            "status",
        ]
        widgets = {
            "challenge": forms.Textarea(attrs={"rows": 3}),
            "scheduled_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        help_texts = {
            "challenge": _("เช่น เราจะลดเวลารอคอยที่แผนกผู้ป่วยนอกให้เหลือไม่เกิน 1 ชั่วโมงได้อย่างไร"),
        }

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()
        self.fields["dot_votes_per_person"].widget.attrs.update({"min": 0, "max": 50})

    def clean_phases_text(self):
        phases = [line.strip() for line in self.cleaned_data["phases_text"].splitlines()]
        phases = [p[:60] for p in phases if p]
        if not 1 <= len(phases) <= 12:
            raise forms.ValidationError(_("ขั้นตอนต้องมี 1 ถึง 12 ขั้น"))
        return phases

    def clean_dot_votes_per_person(self):
        value = self.cleaned_data["dot_votes_per_person"]
        if value > 50:
            raise forms.ValidationError(_("จำนวนจุดโหวตต้องไม่เกิน 50"))
        return value


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("รหัสเข้าร่วม 6 ตัว"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

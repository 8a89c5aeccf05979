from django import forms
from django.utils.translation import gettext_lazy as _

from portal.thai_dates import current_fiscal_year


class ResultsFilterForm(forms.Form):
    """Filter results by Thai fiscal year (BE) and/or a date range (local dates, inclusive)."""

    fiscal_year = forms.IntegerField(
        label=_("ปีงบประมาณ (พ.ศ.)"),
        required=False,
        min_value=2500,
        max_value=2700,
        error_messages={
            "min_value": _("กรุณาระบุปีงบประมาณเป็น พ.ศ. เช่น 2570"),
            "max_value": _("กรุณาระบุปีงบประมาณเป็น พ.ศ. เช่น 2570"),
            "invalid": _("กรุณาระบุปีงบประมาณเป็นตัวเลข พ.ศ. เช่น 2570"),
        },
    )
    date_from = forms.DateField(
        label=_("ตั้งแต่วันที่"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("ถึงวันที่"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("วันที่เริ่มต้องไม่อยู่หลังวันที่สิ้นสุด"))
        return data

    def filters(self) -> dict:
        if not self.is_valid():
            return {"fiscal_year": None, "date_from": None, "date_to": None}
        return {
            "fiscal_year": self.cleaned_data.get("fiscal_year"),
            "date_from": self.cleaned_data.get("date_from"),
            "date_to": self.cleaned_data.get("date_to"),
        }

    @staticmethod
    def default_year() -> int:
        return current_fiscal_year()

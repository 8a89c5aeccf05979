from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from portal.wagtail_scoping import managed_agencies

from .models import ImprovementPlan, PlanItem


class ImprovementPlanAdminForm(WagtailAdminModelForm):
    """Wagtail admin form: a manager may only file plans under agencies they manage."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if "agency" in self.fields and for_user is not None:
            self.fields["agency"].queryset = managed_agencies(for_user)


class PlanItemAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if "plan" in self.fields and for_user is not None:
            self.fields["plan"].queryset = ImprovementPlan.objects.filter(
                agency__in=managed_agencies(for_user)
            ).select_related("agency")

    def clean(self):
        cleaned = super().clean()
        # Completing an item means 100%: fill it in rather than bounce the form back.
        if cleaned.get("status") == PlanItem.Status.COMPLETED:
            cleaned["progress"] = 100
            self.instance.progress = 100
        return cleaned


class LinkIdeaForm(forms.Form):
    """From an idea: choose one of the idea's agency plan items to link it to."""

    plan_item = forms.ModelChoiceField(
        label=_("รายการในแผน"),
        queryset=PlanItem.objects.none(),
        error_messages={
            "required": _("กรุณาเลือกรายการในแผน"),
            "invalid_choice": _("ไม่พบรายการในแผนนี้"),
        },
    )

    def __init__(self, *args, plan_items=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan_items is not None:
            self.fields["plan_item"].queryset = plan_items
        self.fields["plan_item"].label_from_instance = lambda item: (
            f"ปีงบประมาณ {item.plan.fiscal_year} · {item.pmqa_item} {item.title}"
        )


class LinkTargetForm(forms.Form):
    """From a plan item: link an idea, a workshop or a survey by its number."""

    KIND_CHOICES = [
        ("idea", _("ข้อเสนอ")),
        ("workshop", _("เวิร์กช็อป")),
        ("survey", _("แบบสำรวจ")),
    ]
    kind = forms.ChoiceField(label=_("ประเภท"), choices=KIND_CHOICES)
    target_id = forms.IntegerField(
        label=_("หมายเลข"),
        min_value=1,
        error_messages={"required": _("กรุณาระบุหมายเลข"), "invalid": _("หมายเลขไม่ถูกต้อง")},
    )


class ProgressForm(forms.ModelForm):
    class Meta:
        model = PlanItem
        fields = ["status", "progress", "actual_outcome", "kpi_actual"]
        widgets = {"actual_outcome": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == PlanItem.Status.COMPLETED:
            cleaned["progress"] = 100
            self.instance.progress = 100
        return cleaned

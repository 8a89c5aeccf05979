"""Wagtail admin: plans and plan items, scoped to the agencies the user manages."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.wagtail_scoping import AgencyScopedPolicy, ScopedEditView, ScopedViewSetMixin

from . import services
from .forms import ImprovementPlanAdminForm, PlanItemAdminForm
from .models import ImprovementPlan, PlanItem

MANAGE_RULE = "plans.manage_plan"


class LinkedRecordsPanel(Panel):
    """Read-only: the ideas, workshops and surveys linked to the item, each with a link, and
    where to change them (the staff plan page, whose links go through `plans.services`: audit
    log, notifications to authors, ideas following the item)."""

    @property
    def clean_name(self):
        return "linked_records"  # the Thai heading would make an escaped HTML id

    class BoundPanel(Panel.BoundPanel):
        template_name = "plans/admin/linked_records_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            item = self.instance
            context["saved"] = bool(item and item.pk and item.plan_id)
            if not context["saved"]:
                return context
            agency_id = item.plan.agency_id  # links are same-agency; never show another's
            context["ideas"] = [
                {"record": idea, "url": idea.get_absolute_url()}
                for idea in item.ideas.filter(agency_id=agency_id).order_by("pk")
            ]
            context["workshops"] = [
                {"record": w, "url": reverse("workshops:console_detail", args=[w.code])}
                for w in item.workshops.filter(agency_id=agency_id).order_by("pk")
            ]
            context["surveys"] = [
                {"record": s, "url": reverse("surveys:results", args=[s.pk])}
                for s in item.surveys.filter(agency_id=agency_id).order_by("pk")
            ]
            context["manage_url"] = (
                reverse("plans:staff_plan", args=[item.plan_id]) + f"#item-{item.pk}"
            )
            return context


class PlanItemEditView(ScopedEditView):
    """Saving an item through the admin notifies linked ideas' authors like the staff page."""

    def save_instance(self):
        before = PlanItem.objects.get(pk=self.object.pk)
        instance = super().save_instance()
        services.plan_item_after_change(
            item=instance,
            actor=self.request.user,
            old_status=before.status,
            old_progress=before.progress,
        )
        return instance


class ImprovementPlanViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = ImprovementPlan
    icon = "list-ul"
    menu_label = _("แผนพัฒนา")
    list_display = ["title", "agency", "fiscal_year", "is_published"]
    list_filter = ["fiscal_year", "is_published"]
    search_fields = ["title"]
    related = ["agency"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("agency"), FieldPanel("fiscal_year")]),
            FieldPanel("title"),
            FieldPanel("summary"),
            FieldPanel("satisfaction_target_pct"),
            FieldPanel("is_published"),
        ],
        base_form_class=ImprovementPlanAdminForm,
    )


class PlanItemViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = PlanItem
    icon = "tasks"
    menu_label = _("รายการในแผน")
    edit_view_class = PlanItemEditView
    list_display = ["title", "plan", "pmqa_item", "status", "progress"]
    list_filter = ["status", "pmqa_category"]
    search_fields = ["title"]
    related = ["plan", "plan__agency"]
    edit_handler = ObjectList(
        [
            FieldPanel("plan"),
            FieldPanel("title"),
            FieldPanel("description"),
            FieldRowPanel([FieldPanel("pmqa_category"), FieldPanel("pmqa_item")]),
            FieldRowPanel([FieldPanel("owner"), FieldPanel("sort_order")]),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            FieldRowPanel([FieldPanel("status"), FieldPanel("progress")]),
            FieldPanel("follow_idea_status"),
            FieldPanel("expected_outcome"),
            FieldPanel("actual_outcome"),
            MultiFieldPanel(
                [
                    FieldPanel("kpi_name"),
                    FieldRowPanel(
                        [FieldPanel("kpi_unit"), FieldPanel("kpi_target"), FieldPanel("kpi_actual")]
                    ),
                ],
                heading=_("ตัวชี้วัด"),
            ),
            LinkedRecordsPanel(heading=_("ข้อมูลจากประชาชนที่เชื่อมโยง")),
        ],
        base_form_class=PlanItemAdminForm,
    )


class PlansGroup(SnippetViewSetGroup):
    items = (ImprovementPlanViewSet, PlanItemViewSet)
    menu_icon = "list-ul"
    menu_label = _("แผนพัฒนาและ PMQA")
    menu_name = "plans"


register_permission_policy(
    ImprovementPlan, AgencyScopedPolicy(ImprovementPlan, rule=MANAGE_RULE), exact_class=True
)
register_permission_policy(
    PlanItem,
    AgencyScopedPolicy(PlanItem, rule=MANAGE_RULE, agency_lookup="plan__agency"),
    exact_class=True,
)
register_snippet(PlansGroup)

"""Wagtail admin: plans and plan items, scoped to the agencies the user manages."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    HistoryView,
    SnippetViewSet,
    SnippetViewSetGroup,
    UsageView,
)

from portal.models import Role

from . import services
from .forms import ImprovementPlanAdminForm, PlanItemAdminForm, managed_agencies
from .models import ImprovementPlan, PlanItem

ACTIONS = {"add", "change", "delete", "view"}


class AgencyManagerPolicy(BasePermissionPolicy):
    """Managers/admins of an agency (and superusers) may do everything with its plans."""

    def __init__(self, model, agency_lookup: str):
        super().__init__(model)
        self.agency_lookup = agency_lookup

    def user_has_permission(self, user, action):
        if action not in ACTIONS or not user.is_active:
            return False
        return user.is_superuser or managed_agencies(user).exists()

    def user_has_permission_for_instance(self, user, action, instance):
        return action in ACTIONS and user.is_active and user.has_perm("plans.manage_plan", instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not (set(actions) & ACTIONS) or not user.is_active:
            return self.model.objects.none()
        if user.is_superuser:
            return self.model.objects.all()
        return self.model.objects.filter(**{f"{self.agency_lookup}__in": managed_agencies(user)})

    def users_with_any_permission(self, actions):
        if not (set(actions) & ACTIONS):
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(memberships__role__in=[Role.MANAGER, Role.ADMIN]))
            .distinct()
        )


class ScopedObjectMixin:
    """Object views (edit, delete, history, usage) refuse another agency's record."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.request.user.has_perm("plans.manage_plan", obj):
            raise PermissionDenied
        return obj


class ScopedEditView(ScopedObjectMixin, EditView):
    pass


class ScopedDeleteView(ScopedObjectMixin, DeleteView):
    pass


class ScopedHistoryView(ScopedObjectMixin, HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, UsageView):
    pass


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


class ScopedViewSetMixin:
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    inspect_view_enabled = False
    copy_view_enabled = False

    def get_queryset(self, request):
        policy = policy_registry.get_by_type(self.model)
        return policy.instances_user_has_any_permission_for(
            request.user, ["change"]
        ).select_related(*self.related)


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
        ],
        base_form_class=PlanItemAdminForm,
    )


class PlansGroup(SnippetViewSetGroup):
    items = (ImprovementPlanViewSet, PlanItemViewSet)
    menu_icon = "list-ul"
    menu_label = _("แผนพัฒนาและ PMQA")
    menu_name = "plans"


register_permission_policy(
    ImprovementPlan, AgencyManagerPolicy(ImprovementPlan, "agency"), exact_class=True
)
register_permission_policy(
    PlanItem, AgencyManagerPolicy(PlanItem, "plan__agency"), exact_class=True
)
register_snippet(PlansGroup)

"""Wagtail snippets scoped per agency: one permission policy and one set of object views for
every snippet model that belongs to an agency (plans, plan items, tags, dictionary words).

The policy lets an agency's managers and admins (and superusers) work with their own agency's
records; the per-object decision is a django-rules rule, so pages, API and admin agree.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import DeleteView, EditView, HistoryView, UsageView

from .models import Role
from .permissions import agencies_with_role

ACTIONS = {"add", "change", "delete", "view"}


def managed_agencies(user):
    """Agencies the user manages (manager or agency admin; all agencies for superusers)."""
    return agencies_with_role(user, [Role.MANAGER])


class AgencyScopedPolicy(BasePermissionPolicy):
    """Managers/admins of an agency (and superusers) may do everything with its records.

    `rule` decides one object; `agency_lookup` is the path from the model to its agency.
    """

    def __init__(self, model, *, rule: str, agency_lookup: str = "agency"):
        super().__init__(model)
        self.rule = rule
        self.agency_lookup = agency_lookup

    def user_has_permission(self, user, action):
        if action not in ACTIONS or not user.is_active:
            return False
        return user.is_superuser or managed_agencies(user).exists()

    def user_has_permission_for_instance(self, user, action, instance):
        return action in ACTIONS and user.is_active and user.has_perm(self.rule, instance)

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
    """Object views (edit, delete, history, usage) refuse records outside the user's scope."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        policy = policy_registry.get_by_type(type(obj))
        if not policy.user_has_permission_for_instance(self.request.user, "change", obj):
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


class ScopedViewSetMixin:
    """For a SnippetViewSet: the listing shows only records in scope; `related` is what the
    listing's rows select along."""

    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    inspect_view_enabled = False
    copy_view_enabled = False
    related = ("agency",)

    def get_queryset(self, request):
        policy = policy_registry.get_by_type(self.model)
        return policy.instances_user_has_any_permission_for(
            request.user, ["change"]
        ).select_related(*self.related)

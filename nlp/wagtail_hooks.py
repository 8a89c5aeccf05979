"""Wagtail admin: the tagging taxonomy and the tokeniser's custom dictionary as snippets.

Scoped per agency (rule ``nlp.edit_taxonomy``): an agency's managers and admins list, add,
edit and delete only their own agency's tags and words; the portal-wide defaults (no agency)
are edited by superusers only.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
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
from portal.permissions import agencies_with_role

from .forms import CustomWordAdminForm, TagAdminForm
from .models import CustomWord, Tag

ACTIONS = {"add", "change", "delete", "view"}
EDIT_RULE = "nlp.edit_taxonomy"


def editable_agencies(user):
    """Agencies whose taxonomy the user edits (managers and agency admins; all for superusers)."""
    return agencies_with_role(user, [Role.MANAGER])


class AgencyTaxonomyPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        if action not in ACTIONS or not user.is_active:
            return False
        return user.is_superuser or editable_agencies(user).exists()

    def user_has_permission_for_instance(self, user, action, instance):
        return action in ACTIONS and user.is_active and user.has_perm(EDIT_RULE, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not (set(actions) & ACTIONS) or not user.is_active:
            return self.model.objects.none()
        if user.is_superuser:
            return self.model.objects.all()
        return self.model.objects.filter(agency__in=editable_agencies(user))

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
    """Object views refuse a default entry or another agency's entry."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.request.user.has_perm(EDIT_RULE, obj):
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


def agency_scoped_form(base):
    """The admin form, with the agency choice limited to the user's agencies; only superusers
    may leave it empty (a portal-wide default)."""

    class AgencyScopedForm(base):
        def __init__(self, *args, for_user=None, **kwargs):
            super().__init__(*args, for_user=for_user, **kwargs)
            if "agency" in self.fields and for_user is not None and not for_user.is_superuser:
                self.fields["agency"].queryset = editable_agencies(for_user)
                self.fields["agency"].required = True

    AgencyScopedForm.__name__ = f"AgencyScoped{base.__name__}"
    return AgencyScopedForm


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
        ).select_related("agency")


class TagViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = Tag
    icon = "tag"
    menu_label = _("แท็ก")
    list_display = ["label", "slug", "agency", "is_active"]
    list_filter = ["is_active", "agency"]
    search_fields = ["label", "slug", "label_en"]
    edit_handler = ObjectList(
        [
            FieldPanel("slug"),
            FieldPanel("label"),
            FieldPanel("label_en"),
            FieldPanel("agency"),
            FieldPanel("description"),
            FieldPanel("keywords"),
            FieldPanel("examples"),
            FieldPanel("is_active"),
        ],
        base_form_class=agency_scoped_form(TagAdminForm),
    )


class CustomWordViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = CustomWord
    icon = "openquote"
    menu_label = _("คำในพจนานุกรม")
    list_display = ["word", "agency", "is_active"]
    list_filter = ["is_active", "agency"]
    search_fields = ["word"]
    edit_handler = ObjectList(
        [FieldPanel("word"), FieldPanel("agency"), FieldPanel("note"), FieldPanel("is_active")],
        base_form_class=agency_scoped_form(CustomWordAdminForm),
    )


class NlpGroup(SnippetViewSetGroup):
    items = (TagViewSet, CustomWordViewSet)
    menu_icon = "tag"
    menu_label = _("ภาษาไทยและแท็ก")
    menu_name = "nlp"


register_permission_policy(Tag, AgencyTaxonomyPolicy(Tag), exact_class=True)
register_permission_policy(CustomWord, AgencyTaxonomyPolicy(CustomWord), exact_class=True)
register_snippet(NlpGroup)

"""Wagtail admin: the tagging taxonomy and the tokeniser's custom dictionary as snippets.

Scoped per agency (rule ``nlp.edit_taxonomy``): an agency's managers and admins list, add,
edit and delete only their own agency's tags and words; the portal-wide defaults (no agency)
are edited by superusers only.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.wagtail_scoping import AgencyScopedPolicy, ScopedViewSetMixin, managed_agencies

from .forms import CustomWordAdminForm, TagAdminForm
from .models import CustomWord, Tag

EDIT_RULE = "nlp.edit_taxonomy"


def agency_scoped_form(base):
    """The admin form, with the agency choice limited to the user's agencies; only superusers
    may leave it empty (a portal-wide default)."""

    class AgencyScopedForm(base):
        def __init__(self, *args, for_user=None, **kwargs):
            super().__init__(*args, for_user=for_user, **kwargs)
            if "agency" in self.fields and for_user is not None and not for_user.is_superuser:
                self.fields["agency"].queryset = managed_agencies(for_user)
                self.fields["agency"].required = True

    AgencyScopedForm.__name__ = f"AgencyScoped{base.__name__}"
    return AgencyScopedForm


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


register_permission_policy(Tag, AgencyScopedPolicy(Tag, rule=EDIT_RULE), exact_class=True)
register_permission_policy(
    CustomWord, AgencyScopedPolicy(CustomWord, rule=EDIT_RULE), exact_class=True
)
register_snippet(NlpGroup)

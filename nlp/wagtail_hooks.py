"""Wagtail admin: the tagging taxonomy and the tokeniser's custom dictionary as snippets."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .forms import CustomWordAdminForm, TagAdminForm
from .models import CustomWord, Tag


class TagViewSet(SnippetViewSet):
    model = Tag
    icon = "tag"
    menu_label = _("แท็ก")
    list_display = ["label", "slug", "agency", "is_active"]
    list_filter = ["is_active", "agency"]
    search_fields = ["label", "slug", "label_en"]
    copy_view_enabled = False
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
        base_form_class=TagAdminForm,
    )


class CustomWordViewSet(SnippetViewSet):
    model = CustomWord
    icon = "openquote"
    menu_label = _("คำในพจนานุกรม")
    list_display = ["word", "agency", "is_active"]
    list_filter = ["is_active", "agency"]
    search_fields = ["word"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [FieldPanel("word"), FieldPanel("agency"), FieldPanel("note"), FieldPanel("is_active")],
        base_form_class=CustomWordAdminForm,
    )


class NlpGroup(SnippetViewSetGroup):
    items = (TagViewSet, CustomWordViewSet)
    menu_icon = "tag"
    menu_label = _("ภาษาไทยและแท็ก")
    menu_name = "nlp"


register_snippet(NlpGroup)

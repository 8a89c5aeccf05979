from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .blocks import BodyStreamBlock


class HomePage(Page):
    """The portal's front page: what Ruam Kid is, open campaigns, workshops, 'you said, we did'."""

    intro_th = RichTextField(_("คำแนะนำ (ไทย)"), blank=True, features=["bold", "italic", "link"])
    intro_en = models.TextField(_("Introduction (English)"), blank=True)
    body = StreamField(BodyStreamBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, "intro_th", "intro_en", FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("หน้าแรก")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_page_sections(request))
        return context


class StandardPage(Page):
    """A plain content page (about, how it works, privacy)."""

    intro = models.TextField(_("บทนำ"), blank=True)
    body = StreamField(BodyStreamBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, "intro", FieldPanel("body")]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("หน้าเนื้อหาทั่วไป")


class AgencyPage(Page):
    """An agency's public home; campaigns, surveys and workshop pages live under it."""

    agency = models.OneToOneField(
        "portal.Agency", on_delete=models.PROTECT, related_name="page", verbose_name=_("หน่วยงาน")
    )
    intro = RichTextField(_("แนะนำหน่วยงาน"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BodyStreamBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, "agency", "intro", FieldPanel("body")]
    parent_page_types = ["cms.HomePage"]

    class Meta:
        verbose_name = _("หน้าหน่วยงาน")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.get_children().live().public().specific()
        return context

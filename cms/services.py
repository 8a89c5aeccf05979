from django.db import transaction
from wagtail.models import Page, Site

from portal.models import Agency

from .models import AgencyPage, HomePage

HOME_TITLE = "ร่วมคิด"


def _root_page_ensure() -> Page:
    """Wagtail's tree root and default locale (normally made by Wagtail's migrations; a database
    flushed by transactional tests or restored from a partial dump may lack them)."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root")
    return root


@transaction.atomic
def home_page_ensure() -> HomePage:
    """The Thai home page, set as the default site's root (replaces Wagtail's welcome page)."""
    home = HomePage.objects.first()
    root = _root_page_ensure()
    if home is None:
        home = HomePage(
            title=HOME_TITLE,
            slug="home-th",
            seo_title="ร่วมคิด — พอร์ทัลร่วมออกแบบบริการภาครัฐกับประชาชน",
            intro_th=(
                "<p><b>ร่วมคิด</b> คือพื้นที่ที่ประชาชนและหน่วยงานรัฐออกแบบบริการสาธารณะร่วมกัน: "
                "เสนอความคิด โหวต แสดงความเห็น ตอบแบบสำรวจความพึงพอใจ "
                "และติดตามว่าข้อเสนอของคุณนำไปสู่การปรับปรุงอะไร</p>"
            ),
            intro_en=(
                "Ruam Kid (\u201cthink together\u201d) is where citizens and Thai government "
                "agencies design public services together: share ideas, vote, comment, answer "
                "satisfaction surveys and follow what happened to your idea."
            ),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="ร่วมคิด"
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "ร่วมคิด"
        site.save()
        if old_root.depth == 2 and old_root.specific_class is Page:
            old_root.delete()
    return home


@transaction.atomic
def agency_page_ensure(*, agency: Agency, intro: str = "") -> AgencyPage:
    page = AgencyPage.objects.filter(agency=agency).first()
    if page is not None:
        return page
    home = home_page_ensure()
    page = AgencyPage(title=agency.name, slug=agency.slug, agency=agency, intro=intro)
    home.add_child(instance=page)
    page.save_revision().publish()
    agency_editor_group_ensure(agency=agency)
    return page


EDITOR_PAGE_PERMISSIONS = ("add", "change", "publish")
# In the agency's own collection: upload, edit, delete and pick images and documents for pages.
EDITOR_MEDIA_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "delete_image", "choose_image"),
    "wagtaildocs": ("add_document", "change_document", "delete_document", "choose_document"),
}


def agency_editor_group_name(agency: Agency) -> str:
    return f"{agency.slug}: editors"


@transaction.atomic
def agency_editor_group_ensure(*, agency: Agency):
    """A Wagtail group that may edit (only) the agency's page tree and use the CMS admin."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupCollectionPermission, GroupPagePermission

    group, _ = Group.objects.get_or_create(name=agency_editor_group_name(agency))
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    page = AgencyPage.objects.filter(agency=agency).first()
    if page is not None:
        for permission_type in EDITOR_PAGE_PERMISSIONS:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=f"{permission_type}_page"
            )
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
    collection = agency_collection_ensure(agency=agency, group=group)
    for app_label, codenames in EDITOR_MEDIA_PERMISSIONS.items():
        for codename in codenames:
            permission = Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            )
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )
    return group


def agency_collection_ensure(*, agency: Agency, group):
    """The agency's own Wagtail collection (images and documents), found through its editor
    group's permissions; made under the root collection the first time."""
    from wagtail.models import Collection

    collection = Collection.objects.filter(group_permissions__group=group).first()
    if collection is None:
        root = Collection.get_first_root_node() or Collection.add_root(name="Root")
        collection = root.add_child(name=agency.name)
    return collection


def agency_editor_groups_ensure() -> None:
    """Every agency's editor group, page permissions and collection (after migrations: agencies
    made before collections were given keep up)."""
    for agency in Agency.objects.all():
        agency_editor_group_ensure(agency=agency)


def agency_editor_membership_sync(*, user, agency: Agency) -> None:
    """Members of an agency (any role) edit its pages in Wagtail; others don't."""
    group = agency_editor_group_ensure(agency=agency)
    if user.memberships.filter(agency=agency).exists():
        user.groups.add(group)
    else:
        user.groups.remove(group)


def agency_id_for_page(page) -> int | None:
    """The agency of the nearest AgencyPage above the page (or the page itself), if any."""
    if isinstance(page.specific_deferred, AgencyPage):
        return page.specific_deferred.agency_id
    owner = AgencyPage.objects.ancestor_of(page).order_by("-depth").only("agency_id").first()
    return owner.agency_id if owner else None


@transaction.atomic
def page_agency_sync(page) -> list:
    """After a move: pages in the moved subtree that store an `agency` (campaigns, surveys)
    take the agency of the AgencyPage they now live under. Returns the pages that changed.

    Ideas of a moved campaign follow their campaign (through `ideas.services`).
    """
    changed = []
    for node in [page, *page.get_descendants()]:
        specific = node.specific
        if isinstance(specific, AgencyPage) or not hasattr(specific, "agency_id"):
            continue
        agency_id = agency_id_for_page(node)
        if agency_id is None or agency_id == specific.agency_id:
            continue
        type(specific).objects.filter(pk=specific.pk).update(agency_id=agency_id)
        specific.agency_id = agency_id
        changed.append(specific)
        from ideas.models import IdeaCampaignPage

        if isinstance(specific, IdeaCampaignPage):
            from ideas.services import campaign_ideas_agency_sync

            campaign_ideas_agency_sync(campaign=specific)
    return changed

from django.db import transaction
from wagtail.models import Page, Site

from portal.models import Agency

from .models import AgencyPage, HomePage

HOME_TITLE = "ร่วมคิด"


@transaction.atomic
def home_page_ensure() -> HomePage:
    """The Thai home page, set as the default site's root (replaces Wagtail's welcome page)."""
    home = HomePage.objects.first()
    root = Page.get_first_root_node()
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
    return page

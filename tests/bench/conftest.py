import pytest


@pytest.fixture
def demo_campaigns(db):
    """Live idea campaigns under agencies with the demo slugs (so load_demo picks their texts)."""
    from wagtail.models import Page

    from cms.services import agency_page_ensure, home_page_ensure
    from ideas.models import IdeaCampaignPage
    from nlp.models import Tag
    from nlp.taxonomy import DEFAULT_TAGS
    from portal.models import Agency

    if Page.get_first_root_node() is None:  # a transactional test elsewhere may have flushed it
        Page.add_root(instance=Page(title="Root", slug="root"))
    home_page_ensure()
    for slug, label, label_en in DEFAULT_TAGS:
        Tag.objects.get_or_create(
            slug=slug, agency=None, defaults={"label": label, "label_en": label_en}
        )
    campaigns = []
    for slug, name in [("sisuk-hospital", "โรงพยาบาลทดสอบ"), ("muangmai-city", "เทศบาลทดสอบ")]:
        agency, _ = Agency.objects.get_or_create(slug=slug, defaults={"name": name})
        parent = agency_page_ensure(agency=agency)
        page = IdeaCampaignPage(
            title=f"แคมเปญ {name}", slug=f"bench-{slug}", question="ปรับปรุงอย่างไร"
        )
        parent.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        campaigns.append(page)
    return campaigns

import pytest

from tests.factories import AgencyFactory, UserFactory


@pytest.fixture(autouse=True)
def _migration_data(request):
    """Default tags and the Wagtail root come from migrations. A transactional test elsewhere
    may have flushed them, so make sure they exist (a no-op normally)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    from wagtail.models import Page

    from nlp.models import Tag
    from nlp.taxonomy import DEFAULT_TAGS

    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    for slug, label, label_en in DEFAULT_TAGS:
        Tag.objects.get_or_create(
            slug=slug, agency=None, defaults={"label": label, "label_en": label_en}
        )


@pytest.fixture
def make_campaign(db, home_page):
    """make_campaign(agency=None, **fields) -> a live IdeaCampaignPage under the agency's page."""
    from cms.services import agency_page_ensure
    from ideas.models import IdeaCampaignPage

    counter = {"n": 0}

    def make(agency=None, **fields):
        counter["n"] += 1
        agency = agency or AgencyFactory()
        parent = agency_page_ensure(agency=agency)
        page = IdeaCampaignPage(
            title=fields.pop("title", f"แคมเปญทดสอบ {counter['n']}"),
            slug=fields.pop("slug", f"campaign-{counter['n']}"),
            question=fields.pop("question", "อยากให้ปรับปรุงบริการอย่างไร"),
            **fields,
        )
        parent.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    return make


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


@pytest.fixture
def make_idea(db):
    """make_idea(campaign, author=None, title=..., body=...) through the real service."""
    from ideas.services import idea_create

    def make(campaign, author=None, title="ขอระบบนัดหมายออนไลน์", body=None, **kwargs):
        author = author or UserFactory()
        body = body or "อยากให้มีระบบนัดหมายออนไลน์ จะได้ไม่ต้องมารอตั้งแต่ตีห้า"
        return idea_create(
            campaign=campaign, author=author, title=title, body=body, consent=True, **kwargs
        )

    return make

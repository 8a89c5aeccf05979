import pytest

from tests.factories import AgencyFactory, UserFactory


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

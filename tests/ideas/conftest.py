import pytest

from tests.factories import UserFactory


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

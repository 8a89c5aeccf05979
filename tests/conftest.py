import pytest
from pytest_factoryboy import register

from portal.services import api_token_create

from .factories import AgencyFactory, MembershipFactory, UserFactory

register(UserFactory)
register(AgencyFactory)
register(MembershipFactory)


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path):
    from django.core.cache import cache

    # Rate limits (allauth, ours) live in the cache; on Redis it outlives a test run.
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def home_page(db):
    from cms.services import home_page_ensure

    return home_page_ensure()


@pytest.fixture
def make_member(db):
    """make_member(role, agency=None) -> a user holding that role in the agency."""

    def make(role: str, agency=None, **user_kwargs):
        agency = agency or AgencyFactory()
        user = UserFactory(**user_kwargs)
        MembershipFactory(user=user, agency=agency, role=role)
        return user

    return make


@pytest.fixture
def token_for(db):
    """token_for(user) -> headers dict with a Bearer token for the API test client."""

    def make(user) -> dict:
        return {"Authorization": f"Bearer {api_token_create(user=user)}"}

    return make

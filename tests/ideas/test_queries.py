"""No N+1: the campaign page and the API list use the same number of queries for 10 or 500 ideas."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ideas.models import Idea, IdeaTag, Vote
from nlp.models import Tag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_listing_cache(settings):
    """These count the queries of building a listing, so the shared listing cache is off."""
    settings.RUAMKID = {**settings.RUAMKID, "LIST_CACHE_SECONDS": 0}


def _bulk_ideas(campaign, n: int, offset: int) -> None:
    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(username=f"bulk{offset + i}@example.com", email=f"bulk{offset + i}@example.com",
                 display_name=f"ผู้ใช้ {offset + i}")
            for i in range(n)
        ]
    )  # fmt: skip
    ideas = Idea.objects.bulk_create(
        [
            Idea(
                campaign=campaign,
                agency_id=campaign.agency_id,
                author=users[i],
                title=f"ข้อเสนอที่ {offset + i} ระบบนัดหมาย",
                body="อยากให้มีระบบนัดหมายออนไลน์และที่จอดรถเพิ่ม",
                search_text="อยาก ให้ มี ระบบ นัดหมาย ออนไลน์",
                vote_count=i % 7,
            )
            for i in range(n)
        ]
    )
    tags = list(Tag.objects.filter(agency__isnull=True)[:3])
    IdeaTag.objects.bulk_create(
        [IdeaTag(idea=idea, tag=tag, score=0.5) for idea in ideas for tag in tags]
    )
    Vote.objects.bulk_create([Vote(idea=idea, user=users[0]) for idea in ideas[:5]])


def _count(client, url, **kwargs) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("logged_in", [False, True])
def test_campaign_page_queries_constant(client, campaign, logged_in):
    from tests.factories import UserFactory

    if logged_in:
        client.force_login(UserFactory())
    _bulk_ideas(campaign, 10, 0)
    url = campaign.url
    client.get(url, {"q": "นัดหมาย"})  # warm caches (site root paths, nlp dictionary)
    small = _count(client, url)
    small_search = _count(client, url, data={"q": "นัดหมาย", "sort": "-created", "page": 1})
    _bulk_ideas(campaign, 490, 10)
    large = _count(client, url)
    large_search = _count(client, url, data={"q": "นัดหมาย", "sort": "-created", "page": 2})
    assert small == large, (small, large)
    assert small_search == large_search, (small_search, large_search)


def test_api_list_queries_constant(client, campaign):
    _bulk_ideas(campaign, 10, 0)
    client.get("/api/v1/ideas", {"q": "นัดหมาย"})  # warm caches (nlp dictionary)
    small = _count(client, "/api/v1/ideas", data={"page_size": 100})
    small_q = _count(client, "/api/v1/ideas", data={"q": "นัดหมาย", "campaign": campaign.pk})
    _bulk_ideas(campaign, 490, 10)
    large = _count(client, "/api/v1/ideas", data={"page_size": 100})
    large_q = _count(client, "/api/v1/ideas", data={"q": "นัดหมาย", "campaign": campaign.pk})
    assert small == large, (small, large)
    assert small_q == large_q
    assert large <= 4  # count + page + tags (+ nothing per idea)
    data = client.get("/api/v1/ideas", {"page_size": 100}).json()
    assert data["count"] == 500 and len(data["results"]) == 100
    assert all(len(row["tags"]) == 3 for row in data["results"])

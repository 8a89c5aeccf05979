"""Shared cache of anonymous idea listings (ideas.cache) and the cached Wagtail route (cms.routing).

Every change a listing shows must show at once (no stale content); signed-in users never get a
shared entry; the campaign page stays within 10 queries whatever the number of ideas.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ideas import selectors, services
from ideas.api import IdeaPageOut
from ideas.models import Idea
from portal.models import Role
from tests.factories import UserFactory

from .test_queries import _bulk_ideas

pytestmark = pytest.mark.django_db


def _queries(client, url, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return response, len(ctx.captured_queries)


def _api(client, campaign, **headers):
    return client.get("/api/v1/ideas", {"campaign": campaign.pk}, headers=headers).json()


def _row(data, idea):
    return next((row for row in data["results"] if row["id"] == idea.pk), None)


def test_anonymous_page_is_cached_and_changes_after_vote_comment_status_hide_new_idea(
    client, campaign, make_idea, make_member
):
    idea = make_idea(campaign, title="ขอที่จอดรถเพิ่มสำหรับผู้ป่วย")
    first, cold = _queries(client, campaign.url)
    again, warm = _queries(client, campaign.url)
    assert warm < cold, (warm, cold)  # served from the cache
    assert again.content.decode().count("ขอที่จอดรถเพิ่มสำหรับผู้ป่วย") == 1
    assert '<strong>0</strong><span class="muted">โหวต' in again.content.decode()

    services.vote_cast(idea=idea, user=UserFactory())
    html = client.get(campaign.url).content.decode()
    assert '<strong>1</strong><span class="muted">โหวต' in html

    services.comment_create(idea=idea, author=UserFactory(), body="เห็นด้วยครับ")
    assert "1 ความคิดเห็น" in client.get(campaign.url).content.decode()

    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    services.idea_status_change(idea=idea, actor=moderator, status="accepted", response="รับไปทำ")
    assert "รับไปดำเนินการ" in client.get(campaign.url).content.decode()

    make_idea(campaign, title="เพิ่มป้ายบอกทางเป็นภาษาไทยและอังกฤษ")
    html = client.get(campaign.url).content.decode()
    assert "เพิ่มป้ายบอกทางเป็นภาษาไทยและอังกฤษ" in html and "(2)" in html

    services.idea_status_change(idea=idea, actor=moderator, status="hidden", response="")
    html = client.get(campaign.url).content.decode()
    assert "ขอที่จอดรถเพิ่มสำหรับผู้ป่วย" not in html and "(1)" in html


def test_anonymous_api_list_is_cached_and_changes_after_vote_and_hide(
    client, campaign, make_idea, make_member
):
    idea = make_idea(campaign)
    _api(client, campaign)
    with CaptureQueriesContext(connection) as ctx:
        assert _row(_api(client, campaign), idea)["vote_count"] == 0
    assert len(ctx.captured_queries) == 0  # the cached JSON

    services.vote_cast(idea=idea, user=UserFactory())
    assert _row(_api(client, campaign), idea)["vote_count"] == 1

    services.comment_create(idea=idea, author=UserFactory(), body="ดีมาก")
    assert _row(_api(client, campaign), idea)["comment_count"] == 1

    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    services.idea_tags_set(idea=idea, actor=moderator, slugs=["transport"])
    assert [t["slug"] for t in _row(_api(client, campaign), idea)["tags"]] == ["transport"]

    services.idea_status_change(idea=idea, actor=moderator, status="hidden", response="")
    data = _api(client, campaign)
    assert _row(data, idea) is None and data["count"] == 0


def test_author_name_change_and_erasure_show_at_once(client, campaign, make_idea):
    author = UserFactory(display_name="สมศรี รักดี")
    make_idea(campaign, author=author)
    assert "สมศรี รักดี" in client.get(campaign.url).content.decode()
    author.display_name = "ศรีสม ดีรัก"
    author.save(update_fields=["display_name"])
    html = client.get(campaign.url).content.decode()
    assert "ศรีสม ดีรัก" in html and "สมศรี รักดี" not in html
    assert _api(client, campaign)["results"][0]["author"] == {"display_name": "ศรีสม ดีรัก"}


def test_signed_in_users_never_get_the_shared_entry(client, campaign, make_idea):
    idea = make_idea(campaign, title="ขอเก้าอี้รอคิวเพิ่ม")
    client.get(campaign.url)  # the anonymous copy is cached
    _api(client, campaign)
    # A change that bypasses the services (no invalidation) is seen at once by signed-in users
    # only: proof that they are served fresh, not the shared copy.
    Idea.objects.filter(pk=idea.pk).update(vote_count=41)
    anonymous = client.get(campaign.url).content.decode()
    assert '<strong>41</strong><span class="muted">โหวต' not in anonymous

    alice, bob = UserFactory(display_name="อลิซ"), UserFactory(display_name="บ๊อบ")
    client.force_login(alice)
    html = client.get(campaign.url).content.decode()
    assert '<strong>41</strong><span class="muted">โหวต' in html
    assert "อลิซ" in html and "บ๊อบ" not in html
    client.force_login(bob)
    html = client.get(campaign.url).content.decode()
    assert "บ๊อบ" in html and "อลิซ" not in html
    client.logout()
    html = client.get(campaign.url).content.decode()
    assert "อลิซ" not in html and "บ๊อบ" not in html

    client2 = type(client)()
    token = {"Authorization": f"Bearer {services_token(alice)}"}
    assert _row(_api(client2, campaign, **token), idea)["vote_count"] == 41
    assert _row(_api(client2, campaign), idea)["vote_count"] != 41


def services_token(user) -> str:
    from portal.services import api_token_create

    return api_token_create(user=user)


def test_listing_keys_keep_filters_pages_and_language_apart(client, campaign, make_idea):
    make_idea(campaign, title="ระบบนัดหมายออนไลน์สำหรับผู้สูงอายุ")
    make_idea(campaign, title="ที่จอดรถไม่พอในวันจันทร์", body="ที่จอดรถเต็มตั้งแต่เจ็ดโมงเช้า ต้องจอดไกลมาก")
    everything = client.get(campaign.url).content.decode()
    found = client.get(campaign.url, {"q": "ที่จอดรถ"}).content.decode()
    assert "ระบบนัดหมายออนไลน์สำหรับผู้สูงอายุ" in everything
    assert "ระบบนัดหมายออนไลน์สำหรับผู้สูงอายุ" not in found
    assert "ที่จอดรถไม่พอในวันจันทร์" in found
    client.cookies["django_language"] = "en"
    english = client.get(campaign.url).content.decode()
    assert "ข้อเสนอจากประชาชน" not in english  # the English listing, not the cached Thai one
    assert "ข้อเสนอจากประชาชน" in everything


def test_api_json_is_what_the_schema_would_give(client, campaign, make_idea, make_member):
    from portal.api import api

    idea = make_idea(campaign)
    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    services.idea_status_change(idea=idea, actor=moderator, status="accepted", response="รับ")
    services.idea_tags_set(idea=idea, actor=moderator, slugs=["transport"])
    make_idea(campaign, title="ขอห้องน้ำผู้พิการเพิ่ม")
    response = client.get("/api/v1/ideas", {"campaign": campaign.pk})
    ideas = list(selectors.idea_list(campaign=campaign.pk))
    request = response.wsgi_request
    data = {"count": 2, "page": 1, "page_size": 20, "results": selectors.idea_payloads(ideas)}
    for row in data["results"]:
        row["url"] = request.build_absolute_uri(row["url"])
    validated = IdeaPageOut.model_validate(data).model_dump()
    assert response.content.decode() == api.renderer.render(request, validated, response_status=200)


def test_cache_off_setting(client, campaign, make_idea, settings):
    settings.RUAMKID = {**settings.RUAMKID, "LIST_CACHE_SECONDS": 0}
    idea = make_idea(campaign)
    client.get(campaign.url)
    Idea.objects.filter(pk=idea.pk).update(vote_count=7)
    assert '<strong>7</strong><span class="muted">โหวต' in client.get(campaign.url).content.decode()


@pytest.mark.parametrize("logged_in", [False, True])
def test_campaign_page_at_most_10_queries_at_two_sizes(client, campaign, logged_in, settings):
    """Uncached listing (cache off) and cached route: ≤ 10 queries, the same for 10 or 300 ideas."""
    settings.RUAMKID = {**settings.RUAMKID, "LIST_CACHE_SECONDS": 0}
    if logged_in:
        client.force_login(UserFactory())
    _bulk_ideas(campaign, 10, 0)
    client.get(campaign.url)  # fills the route cache
    _, small = _queries(client, campaign.url)
    _, small_search = _queries(client, campaign.url, data={"q": "นัดหมาย", "page": 1})
    _bulk_ideas(campaign, 290, 10)
    _, large = _queries(client, campaign.url)
    _, large_search = _queries(client, campaign.url, data={"q": "นัดหมาย", "page": 2})
    assert small == large <= 10, (small, large)
    assert small_search == large_search <= 10, (small_search, large_search)


def test_cached_anonymous_page_costs_two_queries(client, campaign):
    _bulk_ideas(campaign, 30, 0)
    client.get(campaign.url)
    _, count = _queries(client, campaign.url)
    assert count <= 2, count  # the page row and its agency


def test_route_cache_follows_unpublish_slug_change_and_view_restrictions(
    client, campaign, make_campaign
):
    from wagtail.models import PageViewRestriction

    url = campaign.url
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # cached route
    campaign.slug = "renamed-campaign"
    campaign.save_revision().publish()
    campaign.refresh_from_db()
    assert client.get(url).status_code == 404
    assert client.get(campaign.url).status_code == 200

    restriction = PageViewRestriction.objects.create(
        page=campaign, restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get(campaign.url)
    assert response.status_code == 302 and "login" in response["Location"]
    restriction.delete()
    assert client.get(campaign.url).status_code == 200

    campaign.unpublish()
    assert client.get(campaign.url).status_code == 404

"""Abuse control: submit, vote, comment and lookups are rate limited (429), nothing saved is lost."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_limits(settings):
    settings.RUAMKID = {
        **settings.RUAMKID,
        "RATE_LIMITS": {"comment": "2/m", "idea_submit": "1/h", "similar_lookup": "1/m"},
    }


def test_api_comments_over_the_rate_get_429_and_earlier_ones_stay(
    client, campaign, make_idea, user_factory, token_for, tight_limits
):
    idea = make_idea(campaign)
    headers = token_for(user_factory())
    url = f"/api/v1/ideas/{idea.pk}/comments"
    statuses = [
        client.post(
            url, {"body": f"ความเห็นที่ {n} ครับ"}, content_type="application/json", headers=headers
        ).status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 429]
    idea.refresh_from_db()
    assert idea.comment_count == 2
    response = client.post(url, {"body": "อีกครั้ง"}, content_type="application/json", headers=headers)
    assert response.status_code == 429 and "detail" in response.json()


def test_api_idea_submit_is_limited(client, campaign, user_factory, token_for, tight_limits):
    headers = token_for(user_factory())
    payload = {
        "campaign": campaign.pk,
        "title": "ขอที่นั่งรอเพิ่มหน้าห้องตรวจ",
        "body": "เก้าอี้หน้าห้องตรวจไม่พอ ผู้สูงอายุต้องยืนรอนาน",
        "consent": True,
    }
    first = client.post("/api/v1/ideas", payload, content_type="application/json", headers=headers)
    second = client.post("/api/v1/ideas", payload, content_type="application/json", headers=headers)
    assert (first.status_code, second.status_code) == (201, 429)


def test_anonymous_similar_lookup_is_limited_by_ip(client, tight_limits):
    payload = {"title": "นัดหมายออนไลน์", "body": ""}
    first = client.post("/api/v1/ideas/similar", payload, content_type="application/json")
    second = client.post("/api/v1/ideas/similar", payload, content_type="application/json")
    assert first.status_code == 200
    assert second.status_code == 429


def test_html_comment_form_over_the_rate_shows_the_thai_429_page(
    client, campaign, make_idea, user_factory, tight_limits
):
    idea = make_idea(campaign)
    client.force_login(user_factory())
    for n in range(2):
        client.post(f"/ideas/{idea.pk}/comments/", {"body": f"เห็นด้วยครับ {n}"})
    response = client.post(f"/ideas/{idea.pk}/comments/", {"body": "อีกหนึ่งความเห็น"})
    assert response.status_code == 429
    assert "ทำรายการถี่เกินไป" in response.content.decode()

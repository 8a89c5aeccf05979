from datetime import timedelta

import pytest
from django.utils import timezone

from ideas import services
from ideas.models import Idea, Vote
from portal.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IDEA_KEYS = {
    "id",
    "campaign",
    "title",
    "body",
    "author",
    "status",
    "tags",
    "keywords",
    "vote_count",
    "comment_count",
    "created_at",
    "url",
    "official_response",
    "plan_items",
}
BODY = "อยากให้มีระบบนัดหมายออนไลน์ จะได้ไม่ต้องมารอคิวตั้งแต่ตีห้า"


@pytest.fixture
def citizen(db):
    return UserFactory(display_name="มานี ใจดี")


@pytest.fixture
def auth(token_for, citizen):
    return token_for(citizen)


def _post(client, url, data, headers=None):
    return client.post(url, data, content_type="application/json", headers=headers or {})


def test_create_idea_shape(client, campaign, auth):
    response = _post(
        client,
        "/api/v1/ideas",
        {"campaign": campaign.pk, "title": "ระบบนัดหมายออนไลน์", "body": BODY, "consent": True},
        auth,
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) >= IDEA_KEYS
    assert data["campaign"] == campaign.pk
    assert data["author"] == {"display_name": "มานี ใจดี"}
    assert data["status"] == "submitted"
    assert data["vote_count"] == 0 and data["comment_count"] == 0
    assert data["official_response"] is None
    assert data["plan_items"] == []
    assert isinstance(data["tags"], list) and isinstance(data["keywords"], list)
    assert data["url"].endswith(f"/ideas/{data['id']}/")
    assert "ระบบนัดหมาย" in response.content.decode()  # Thai not \u-escaped


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "ระบบนัดหมายออนไลน์", "body": BODY},  # no consent
        {"title": "ระบบนัดหมายออนไลน์", "body": BODY, "consent": False},
        {"title": "", "body": BODY, "consent": True},
        {"title": "ก" * 201, "body": BODY, "consent": True},
        {"title": "ระบบนัดหมายออนไลน์", "body": "สั้น", "consent": True},
        {"title": "ระบบนัดหมายออนไลน์", "body": "ข" * 5001, "consent": True},
    ],
)
def test_create_bad_input_is_422_and_saves_nothing(client, campaign, auth, payload):
    response = _post(client, "/api/v1/ideas", {"campaign": campaign.pk, **payload}, auth)
    assert response.status_code == 422
    assert "detail" in response.json()
    assert Idea.objects.count() == 0


def test_create_needs_user_and_open_campaign(client, make_campaign, auth):
    campaign = make_campaign()
    payload = {"campaign": campaign.pk, "title": "ระบบนัดหมายออนไลน์", "body": BODY, "consent": True}
    assert _post(client, "/api/v1/ideas", payload).status_code == 401
    closed = make_campaign(closes_at=timezone.now() - timedelta(hours=1))
    assert (
        _post(client, "/api/v1/ideas", {**payload, "campaign": closed.pk}, auth).status_code == 409
    )
    assert _post(client, "/api/v1/ideas", {**payload, "campaign": 999999}, auth).status_code == 404


def test_list_filters_search_ordering_pagination(client, make_campaign, make_idea, make_member):
    campaign = make_campaign()
    other = make_campaign()
    booking = make_idea(campaign, title="ระบบนัดหมาย", body="อยากให้มีระบบนัดหมายออนไลน์")
    parking = make_idea(campaign, title="ที่จอดรถไม่พอ", body="วนหาที่จอดรถนานมากทุกเช้า")
    make_idea(other, title="ไฟส่องสว่าง", body="ซอยมืดมาก ไฟทางดับหลายดวง")
    services.vote_cast(idea=parking, user=UserFactory())

    data = client.get("/api/v1/ideas", {"campaign": campaign.pk}).json()
    assert set(data) == {"count", "page", "page_size", "results"}
    assert data["count"] == 2 and data["page"] == 1 and data["page_size"] == 20
    assert [r["id"] for r in data["results"]] == [parking.pk, booking.pk]  # -votes default

    newest = client.get("/api/v1/ideas", {"campaign": campaign.pk, "ordering": "created"}).json()
    assert [r["id"] for r in newest["results"]] == [booking.pk, parking.pk]

    found = client.get("/api/v1/ideas", {"q": "นัดหมาย"}).json()
    assert [r["id"] for r in found["results"]] == [booking.pk]
    assert client.get("/api/v1/ideas", {"q": "นัดหมาย ออนไลน์"}).json()["count"] == 1
    assert client.get("/api/v1/ideas", {"q": "รถไฟฟ้า"}).json()["count"] == 0

    agency = client.get("/api/v1/ideas", {"agency": other.agency.slug}).json()
    assert agency["count"] == 1

    page2 = client.get("/api/v1/ideas", {"page_size": 2, "page": 2}).json()
    assert page2["count"] == 3 and len(page2["results"]) == 1
    assert client.get("/api/v1/ideas", {"page": 99}).json()["results"] == []

    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    services.idea_status_change(idea=booking, actor=moderator, status="accepted", response="รับ")
    accepted = client.get("/api/v1/ideas", {"status": "accepted"}).json()
    assert [r["id"] for r in accepted["results"]] == [booking.pk]
    assert accepted["results"][0]["official_response"]["text"] == "รับ"
    assert accepted["results"][0]["official_response"]["responded_at"]

    services.idea_tags_set(idea=parking, actor=moderator, slugs=["transport"])
    tagged = client.get("/api/v1/ideas", {"tag": "transport"}).json()
    assert [r["id"] for r in tagged["results"]] == [parking.pk]
    assert tagged["results"][0]["tags"] == [
        {"slug": "transport", "label": tagged["results"][0]["tags"][0]["label"], "score": 1.0}
    ]

    assert client.get("/api/v1/ideas", {"ordering": "votes"}).status_code == 422
    assert client.get("/api/v1/ideas", {"status": "nope"}).status_code == 422
    assert client.get("/api/v1/ideas", {"page_size": 1000}).status_code == 422


def test_hidden_ideas_not_listed_nor_readable(client, campaign, make_idea, make_member, token_for):
    idea = make_idea(campaign)
    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    services.idea_status_change(idea=idea, actor=moderator, status="hidden", response="")
    assert client.get("/api/v1/ideas").json()["count"] == 0
    assert client.get(f"/api/v1/ideas/{idea.pk}").status_code == 404
    staff = client.get(f"/api/v1/ideas/{idea.pk}", headers=token_for(moderator))
    assert staff.status_code == 200 and staff.json()["status"] == "hidden"


def test_get_and_patch(client, campaign, make_idea, citizen, auth, token_for):
    idea = make_idea(campaign, author=citizen)
    got = client.get(f"/api/v1/ideas/{idea.pk}")
    assert got.status_code == 200 and set(got.json()) >= IDEA_KEYS
    patched = client.patch(
        f"/api/v1/ideas/{idea.pk}",
        {"title": "ระบบนัดหมายผ่านไลน์"},
        content_type="application/json",
        headers=auth,
    )
    assert patched.status_code == 200 and patched.json()["title"] == "ระบบนัดหมายผ่านไลน์"
    other = client.patch(
        f"/api/v1/ideas/{idea.pk}",
        {"title": "เปลี่ยนโดยคนอื่น"},
        content_type="application/json",
        headers=token_for(UserFactory()),
    )
    assert other.status_code == 403
    assert client.get("/api/v1/ideas/999999").status_code == 404


def test_vote_endpoints(client, make_campaign, make_idea, auth, make_member):
    campaign = make_campaign()
    idea = make_idea(campaign)
    url = f"/api/v1/ideas/{idea.pk}/vote"
    assert client.post(url).status_code == 401
    first = client.post(url, headers=auth)
    assert first.status_code == 200 and first.json() == {"voted": True, "vote_count": 1}
    assert client.post(url, headers=auth).json() == {"voted": True, "vote_count": 1}
    assert Vote.objects.filter(idea=idea).count() == 1
    assert client.delete(url, headers=auth).json() == {"voted": False, "vote_count": 0}

    campaign.closes_at = timezone.now() - timedelta(minutes=1)
    campaign.save()
    closed = client.post(url, headers=auth)
    assert closed.status_code == 409 and "detail" in closed.json()

    hidden = make_idea(make_campaign())
    services.idea_status_change(
        idea=hidden,
        actor=make_member(Role.MODERATOR, agency=hidden.agency),
        status="hidden",
        response="",
    )
    # a hidden idea is refused (not found for the public, 409 for whoever can still see it)
    assert client.post(f"/api/v1/ideas/{hidden.pk}/vote", headers=auth).status_code in (404, 409)
    assert hidden.votes.count() == 0


def test_vote_on_hidden_idea_visible_to_caller_is_409(
    client, campaign, make_idea, make_member, token_for
):
    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    idea = make_idea(campaign)
    services.idea_status_change(idea=idea, actor=moderator, status="hidden", response="")
    response = client.post(f"/api/v1/ideas/{idea.pk}/vote", headers=token_for(moderator))
    assert response.status_code == 409


def test_comments_endpoints(client, campaign, make_idea, auth, make_member, token_for):
    idea = make_idea(campaign)
    url = f"/api/v1/ideas/{idea.pk}/comments"
    assert _post(client, url, {"body": "เห็นด้วย"}).status_code == 401
    created = _post(client, url, {"body": "เห็นด้วย <b>มาก</b>"}, auth)
    assert created.status_code == 201
    comment = created.json()
    assert comment["body"] == "เห็นด้วย มาก"
    assert comment["author"] == {"display_name": "มานี ใจดี"}
    reply = _post(client, url, {"body": "ใช่ค่ะ", "parent": comment["id"]}, auth)
    assert reply.status_code == 201 and reply.json()["parent"] == comment["id"]
    assert _post(client, url, {"body": ""}, auth).status_code == 422
    assert _post(client, url, {"body": "x", "parent": 999999}, auth).status_code == 422
    listed = client.get(url).json()
    assert [c["id"] for c in listed] == [comment["id"], reply.json()["id"]]
    assert client.get(f"/api/v1/ideas/{idea.pk}").json()["comment_count"] == 2

    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    services.idea_status_change(idea=idea, actor=moderator, status="hidden", response="")
    hidden = _post(client, url, {"body": "ยังพิมพ์ได้ไหม"}, token_for(moderator))
    assert hidden.status_code == 409


def test_status_endpoint_and_permissions(
    client, campaign, make_idea, make_member, token_for, auth, django_capture_on_commit_callbacks
):
    from django.core import mail

    idea = make_idea(campaign, author=UserFactory(email="a@example.com"))
    original = make_idea(campaign, title="ระบบนัดหมายเดิม")
    url = f"/api/v1/ideas/{idea.pk}/status"
    payload = {"status": "accepted", "response": "รับไปดำเนินการในปี 2570"}
    assert _post(client, url, payload, auth).status_code == 403
    outsider = make_member(Role.MODERATOR)  # another agency
    assert _post(client, url, payload, token_for(outsider)).status_code == 403
    manager = make_member(Role.MANAGER, agency=campaign.agency)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, url, payload, token_for(manager))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "accepted"
    assert data["official_response"]["text"] == "รับไปดำเนินการในปี 2570"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@example.com"]
    dup = _post(
        client,
        url,
        {"status": "duplicate", "response": "ซ้ำ", "duplicate_of": original.pk},
        token_for(manager),
    )
    assert dup.status_code == 200 and dup.json()["duplicate_of"] == original.pk
    assert (
        _post(
            client, url, {"status": "duplicate", "response": "ซ้ำ"}, token_for(manager)
        ).status_code
        == 422
    )
    assert (
        _post(client, url, {"status": "bogus", "response": "x"}, token_for(manager)).status_code
        == 422
    )
    assert (
        _post(client, "/api/v1/ideas/999999/status", payload, token_for(manager)).status_code == 404
    )


def test_tags_endpoint(client, campaign, make_idea, make_member, token_for, auth):
    idea = make_idea(campaign)
    url = f"/api/v1/ideas/{idea.pk}/tags"
    body = {"tags": ["waiting-time", "digital-service"]}
    assert client.put(url, body, content_type="application/json", headers=auth).status_code == 403
    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    response = client.put(url, body, content_type="application/json", headers=token_for(moderator))
    assert response.status_code == 200
    assert sorted(t["slug"] for t in response.json()["tags"]) == ["digital-service", "waiting-time"]
    bad = client.put(
        url, {"tags": ["nope"]}, content_type="application/json", headers=token_for(moderator)
    )
    assert bad.status_code == 422


def test_campaigns_endpoint(client, make_campaign):
    campaign = make_campaign()
    make_campaign(closes_at=timezone.now() - timedelta(days=1))
    data = client.get("/api/v1/campaigns", {"agency": campaign.agency.slug}).json()
    assert data == [
        {
            "id": campaign.pk,
            "slug": campaign.slug,
            "title": campaign.title,
            "agency": campaign.agency.slug,
            "url": f"http://testserver{campaign.url}",
            "is_open": True,
            "closes_at": None,
        }
    ]
    assert len(client.get("/api/v1/campaigns").json()) == 2


def test_similar_endpoint_validates_and_shapes(client, campaign, make_idea):
    assert _post(client, "/api/v1/ideas/similar", {"title": "", "body": ""}).status_code == 422
    assert _post(client, "/api/v1/ideas/similar", {"title": "x", "limit": 0}).status_code == 422
    response = _post(client, "/api/v1/ideas/similar", {"title": "ระบบนัดหมายออนไลน์", "limit": 5})
    assert response.status_code == 200
    rows = response.json()
    assert isinstance(rows, list)
    for row in rows:
        assert set(row) == {"id", "title", "score", "url"}


def test_similar_finds_the_same_idea_and_skips_hidden(
    client, campaign, make_member, django_capture_on_commit_callbacks
):
    from ideas.services import idea_create

    def create(title, body):
        with django_capture_on_commit_callbacks(execute=True):  # analysis + signature task
            return idea_create(
                campaign=campaign, author=UserFactory(), title=title, body=body, consent=True
            )

    booking = create("ระบบนัดหมายออนไลน์", "อยากให้มีระบบนัดหมายออนไลน์ จะได้ไม่ต้องมารอคิวตั้งแต่เช้ามืด")
    create("ไฟส่องสว่างในซอยดับ", "ซอยหลังตลาดมืดมาก ไฟทางดับหลายดวง เดินกลับบ้านไม่ปลอดภัย")
    payload = {
        "title": "อยากให้มีระบบนัดหมายออนไลน์",
        "body": "จะได้ไม่ต้องมารอคิวที่โรงพยาบาลตั้งแต่เช้า",
        "campaign": campaign.pk,
        "limit": 5,
    }
    rows = _post(client, "/api/v1/ideas/similar", payload).json()
    assert [row["id"] for row in rows] == [booking.pk]
    assert 0 < rows[0]["score"] <= 1
    assert rows[0]["url"] == f"http://testserver/ideas/{booking.pk}/"

    panel = client.get(
        "/ideas/similar/",
        {"title": payload["title"], "body": payload["body"], "campaign": campaign.pk},
    )
    assert "มีคนเสนอคล้ายกันแล้ว" in panel.content.decode()

    moderator = make_member(Role.MODERATOR, agency=campaign.agency)
    services.idea_status_change(idea=booking, actor=moderator, status="hidden", response="")
    assert _post(client, "/api/v1/ideas/similar", payload).json() == []


def test_odd_input_is_4xx_never_500(client, campaign, auth):
    huge = 2**70
    assert client.get(f"/api/v1/ideas/{huge}").status_code == 404
    assert client.post(f"/api/v1/ideas/{huge}/vote", headers=auth).status_code == 404
    assert client.get("/api/v1/ideas", {"campaign": huge}).status_code == 422
    for params in ({"q": "นัด\x00หมาย"}, {"tag": "a\x00b"}, {"agency": "\x00"}, {"agency": ""}):
        assert client.get("/api/v1/ideas", params).status_code == 200
    payload = {"campaign": huge, "title": "ระบบนัดหมาย", "body": BODY, "consent": True}
    assert _post(client, "/api/v1/ideas", payload, auth).status_code == 422

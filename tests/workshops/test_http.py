import json
from io import BytesIO

import pytest
from openpyxl import load_workbook

from portal.models import Role
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from workshops import selectors
from workshops.models import Event, Workshop
from workshops.services import Actor, participant_join, workshop_op

from .conftest import make_workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator():
    agency = AgencyFactory(slug="sisuk")
    user = UserFactory()
    MembershipFactory(user=user, agency=agency, role=Role.FACILITATOR)
    return user


def _board_with_content(facilitator):
    workshop, _ = make_workshop(
        agency=facilitator.memberships.first().agency, facilitator=facilitator
    )
    host = participant_join(workshop=workshop, user=facilitator)
    guest = participant_join(workshop=workshop, display_name="ป้าสมใจ")
    fac = Actor(participant=host, user=facilitator, facilitator=True)
    me = Actor(participant=guest)
    cluster = workshop_op(
        workshop_id=workshop.pk, actor=fac, op="cluster.create", payload={"title": "คิวออนไลน์"}
    ).data["id"]
    note = workshop_op(
        workshop_id=workshop.pk, actor=me, op="note.add", payload={"text": "จองคิวผ่าน LINE"}
    ).data["id"]
    workshop_op(
        workshop_id=workshop.pk,
        actor=me,
        op="cluster.assign",
        payload={"note_id": note, "cluster_id": cluster},
    )
    workshop_op(workshop_id=workshop.pk, actor=me, op="vote.cast", payload={"note_id": note})
    workshop_op(workshop_id=workshop.pk, actor=fac, op="vote.cast", payload={"note_id": note})
    return workshop, note, cluster


def test_api_create_requires_facilitator_of_the_agency(client, facilitator, token_for):
    payload = {"agency": "sisuk", "title": "ลดเวลารอคอย", "challenge": "เราจะ...ได้อย่างไร"}
    assert (
        client.post("/api/v1/workshops", payload, content_type="application/json").status_code
        == 401
    )
    citizen = UserFactory()
    response = client.post(
        "/api/v1/workshops", payload, content_type="application/json", headers=token_for(citizen)
    )
    assert response.status_code == 403 and "detail" in response.json()
    other_agency_facilitator = UserFactory()
    MembershipFactory(user=other_agency_facilitator, role=Role.FACILITATOR)
    assert (
        client.post(
            "/api/v1/workshops",
            payload,
            content_type="application/json",
            headers=token_for(other_agency_facilitator),
        ).status_code
        == 403
    )

    response = client.post(
        "/api/v1/workshops",
        {
            **payload,
            "phases": ["เข้าใจ", "ระดมความคิด"],
            "dot_votes_per_person": 5,
            "allow_anonymous": False,
        },
        content_type="application/json",
        headers=token_for(facilitator),
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "code", "join_url"}
    assert len(body["code"]) == 6 and all(
        c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ23456789" for c in body["code"]
    )
    assert body["join_url"].endswith(f"/workshops/{body['code']}/")
    workshop = Workshop.objects.get(pk=body["id"])
    assert workshop.phases == ["เข้าใจ", "ระดมความคิด"] and workshop.dot_votes_per_person == 5
    assert workshop.allow_anonymous is False

    default = client.post(
        "/api/v1/workshops",
        payload,
        content_type="application/json",
        headers=token_for(facilitator),
    ).json()
    assert Workshop.objects.get(pk=default["id"]).phases[0] == "เข้าใจปัญหา"
    for bad in [{"title": ""}, {"dot_votes_per_person": -1}, {"phases": []}, {"status": "nope"}]:
        response = client.post(
            "/api/v1/workshops",
            {**payload, **bad},
            content_type="application/json",
            headers=token_for(facilitator),
        )
        assert response.status_code == 422, bad
    missing = client.post(
        "/api/v1/workshops",
        {**payload, "agency": "nowhere"},
        content_type="application/json",
        headers=token_for(facilitator),
    )
    assert missing.status_code == 404


def test_api_list_hides_drafts_except_from_their_facilitators(client, facilitator, token_for):
    agency = facilitator.memberships.first().agency
    public, _ = make_workshop(agency=agency, facilitator=facilitator)
    draft, _ = make_workshop(agency=agency, facilitator=facilitator, status="draft")
    codes = {w["code"] for w in client.get("/api/v1/workshops").json()}
    assert public.code in codes and draft.code not in codes
    rows = client.get("/api/v1/workshops?agency=sisuk", headers=token_for(facilitator)).json()
    assert {w["code"] for w in rows} == {public.code, draft.code}
    assert set(rows[0]) >= {"id", "code", "title", "agency", "status", "join_url"}
    only_drafts = client.get("/api/v1/workshops?status=draft", headers=token_for(facilitator))
    assert [w["code"] for w in only_drafts.json()] == [draft.code]
    assert client.get(f"/api/v1/workshops/{draft.code}").status_code == 404
    assert client.get(f"/workshops/{draft.code}/").status_code == 404


def test_api_state_matches_websocket_shape(client, facilitator, django_assert_max_num_queries):
    workshop, note, cluster = _board_with_content(facilitator)
    with django_assert_max_num_queries(12):
        response = client.get(f"/api/v1/workshops/{workshop.code.lower()}")
    state = response.json()
    assert state["type"] == "state" and state["seq"] == 5
    assert {
        "seq",
        "phase",
        "phases",
        "timer",
        "locked",
        "participants",
        "notes",
        "clusters",
        "votes",
        "my_votes_left",
    } <= set(state)
    assert state["votes"] == {str(note): 2}
    assert state["notes"][0]["cluster_id"] == cluster
    assert {p["display_name"] for p in state["participants"]} >= {"ป้าสมใจ"}
    assert client.get("/api/v1/workshops/NOPE22").status_code == 404


def test_exports_are_pseudonymous_and_facilitator_only(client, facilitator, token_for):
    workshop, note, _ = _board_with_content(facilitator)
    url = f"/api/v1/workshops/{workshop.code}/export"
    assert client.get(url + ".json").status_code == 401
    assert client.get(url + ".json", headers=token_for(UserFactory())).status_code == 403
    response = client.get(url + ".json", headers=token_for(facilitator))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert [p["id"] for p in data["participants"]] == ["P1", "P2"]
    assert "ป้าสมใจ" not in response.content.decode()
    assert data["notes"][0]["text"] == "จองคิวผ่าน LINE" and data["notes"][0]["votes"] == 2
    assert data["clusters"][0]["title"] == "คิวออนไลน์" and len(data["votes"]) == 2
    xlsx = client.get(url + ".xlsx", headers=token_for(facilitator))
    assert xlsx.status_code == 200
    book = load_workbook(BytesIO(xlsx.content))
    assert book.sheetnames == ["เวิร์กช็อป", "โน้ต", "กลุ่ม", "โหวต", "ผู้เข้าร่วม"]
    assert book["โน้ต"]["B2"].value == "จองคิวผ่าน LINE"


def test_public_list_board_qr_and_join(client, facilitator):
    agency = facilitator.memberships.first().agency
    live, _ = make_workshop(agency=agency, facilitator=facilitator, status="live", title="กำลังจัด")
    finished, _ = make_workshop(
        agency=agency, facilitator=facilitator, status="finished", title="จบไปแล้ว"
    )
    html = client.get("/workshops/").content.decode()
    assert "กำลังจัด" in html and "จบไปแล้ว" in html
    assert "ยังไม่มีเวิร์กช็อปที่กำหนดการไว้" in html  # empty state for upcoming
    board = client.get(live.get_absolute_url())
    assert board.status_code == 200
    page = board.content.decode()
    assert 'data-live="1"' in page and "workshops/board.js" in page and "<script>" not in page
    assert 'aria-live="polite"' in page
    qr = client.get(f"/workshops/{live.code}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    join = client.get("/workshops/join/", {"code": live.code.lower()})
    assert join.status_code == 302 and join["Location"] == live.get_absolute_url()
    wrong = client.get("/workshops/join/", {"code": "ZZZZZ9"})
    assert "ไม่พบเวิร์กช็อปที่ใช้รหัสนี้" in wrong.content.decode()


def test_board_says_live_mode_unavailable_when_channel_layer_is_down(
    client, facilitator, monkeypatch
):
    from workshops import views

    monkeypatch.setattr(views, "channel_layer_available", lambda layer, timeout=1.0: False)
    workshop, _ = make_workshop(
        agency=facilitator.memberships.first().agency, facilitator=facilitator
    )
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert "โหมดสดใช้งานไม่ได้ในขณะนี้" in html and 'data-live="0"' in html
    assert client.get("/workshops/").status_code == 200


def test_ops_still_commit_when_broadcast_fails(facilitator, monkeypatch):
    from channels.layers import InMemoryChannelLayer

    async def broken(self, *args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(InMemoryChannelLayer, "group_send", broken)
    workshop, _ = make_workshop(
        agency=facilitator.memberships.first().agency, facilitator=facilitator
    )
    guest = participant_join(workshop=workshop, display_name="ผู้ร่วม")
    workshop_op(
        workshop_id=workshop.pk,
        actor=Actor(participant=guest),
        op="note.add",
        payload={"text": "ยังบันทึกได้"},
    )
    assert Event.objects.get().seq == 1


def test_console_create_open_close(client, facilitator):
    citizen = UserFactory()
    client.force_login(citizen)
    assert client.get("/workshops/console/").status_code == 403
    client.force_login(facilitator)
    assert "ยังไม่มีเวิร์กช็อป" in client.get("/workshops/console/").content.decode()
    agency = facilitator.memberships.first().agency
    invalid = client.post(
        "/workshops/console/",
        {
            "agency": agency.pk,
            "title": "",
            "phases_text": "",
            "dot_votes_per_person": 3,
            "status": "upcoming",
        },
    )
    assert invalid.status_code == 200 and "errorlist" in invalid.content.decode()
    assert Workshop.objects.count() == 0
    response = client.post(
        "/workshops/console/",
        {
            "agency": agency.pk,
            "title": "ออกแบบจุดรับยา",
            "challenge": "เราจะ...ได้อย่างไร",
            "phases_text": "เข้าใจปัญหา\nระดมความคิด\n",
            "dot_votes_per_person": 4,
            "allow_anonymous": "on",
            "status": "upcoming",
        },
    )
    workshop = Workshop.objects.get()
    assert response.status_code == 302 and workshop.code in response["Location"]
    assert workshop.phases == ["เข้าใจปัญหา", "ระดมความคิด"]
    detail = client.get(f"/workshops/console/{workshop.code}/").content.decode()
    assert f"/workshops/{workshop.code}/qr.svg" in detail and "export.xlsx" in detail
    client.post(f"/workshops/console/{workshop.code}/status/", {"status": "live"})
    workshop.refresh_from_db()
    assert workshop.status == "live" and workshop.opened_at is not None
    event = Event.objects.get(workshop=workshop)
    assert (event.seq, event.op, event.data) == (1, "status", {"status": "live"})
    client.force_login(citizen)
    assert (
        client.post(
            f"/workshops/console/{workshop.code}/status/", {"status": "finished"}
        ).status_code
        == 404
    )


def test_home_section_and_outputs(facilitator, django_assert_max_num_queries):
    agency = facilitator.memberships.first().agency
    make_workshop(agency=agency, facilitator=facilitator, status="draft", title="ร่าง")
    make_workshop(agency=agency, facilitator=facilitator, status="upcoming", title="เร็ว ๆ นี้")
    workshop, note, cluster = _board_with_content(facilitator)
    Workshop.objects.filter(pk=workshop.pk).update(status="live")
    rows = selectors.home_live_workshops(None)
    assert [r["title"] for r in rows] == ["ลดเวลารอคอย", "เร็ว ๆ นี้"]
    assert set(rows[0]) == {"title", "url", "agency_name", "status_label"}
    assert rows[0]["status_label"] == "กำลังจัดอยู่"
    workshop.refresh_from_db()
    with django_assert_max_num_queries(4):
        outputs = selectors.workshop_outputs(workshop)
    assert outputs["participant_count"] == 2 and outputs["note_count"] == 1
    assert outputs["vote_count"] == 2
    assert outputs["clusters"] == [
        {
            "id": cluster,
            "title": "คิวออนไลน์",
            "note_count": 1,
            "vote_count": 2,
            "promoted_idea_id": None,
        }
    ]
    assert outputs["top_notes"][0]["votes"] == 2


def test_announcement_page(client, facilitator, home_page):
    from cms.services import agency_page_ensure
    from workshops.models import WorkshopAnnouncementPage

    agency = facilitator.memberships.first().agency
    workshop, _ = make_workshop(agency=agency, facilitator=facilitator)
    parent = agency_page_ensure(agency=agency)
    page = WorkshopAnnouncementPage(
        title="ชวนร่วมเวิร์กช็อป", slug="ws", workshop=workshop, intro="มาร่วมกันนะ"
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "มาร่วมกันนะ" in html and workshop.get_absolute_url() in html

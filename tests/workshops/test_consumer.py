import pytest

from workshops.models import DotVote, Event, Note, Workshop

from .conftest import connect, db

pytestmark = pytest.mark.django_db(transaction=True)


async def test_join_state_and_note_add_reaches_everyone(board):
    workshop, _, fac_token = await db(board)
    alice = await connect(workshop.code, name="อลิซ")
    state = alice.state
    assert state["type"] == "state"
    assert state["seq"] == 0
    assert state["phases"][0] == "เข้าใจปัญหา" and state["phase"] == "เข้าใจปัญหา"
    assert state["timer"] is None and state["locked"] is False
    assert state["my_votes_left"] == 3 and state["votes"] == {} and state["notes"] == []
    assert [p["display_name"] for p in state["participants"]] == ["อลิซ"]
    assert state["participants"][0]["online"] is True
    bob = await connect(workshop.code, name="บ็อบ")
    presence = await alice.recv_type("presence")  # her own arrival
    presence = await alice.recv_type("presence")
    assert {p["display_name"] for p in presence["participants"]} == {"อลิซ", "บ็อบ"}

    event = await alice.op("note.add", text="เพิ่มจุดคัดกรองก่อนเข้าห้องตรวจ", client_id="c1")
    assert event["seq"] == 1 and event["op"] == "note.add" and event["client_id"] == "c1"
    assert event["actor"] == {"id": state["me"]["id"], "display_name": "อลิซ"}
    assert event["data"]["text"] == "เพิ่มจุดคัดกรองก่อนเข้าห้องตรวจ"
    seen_by_bob = await bob.recv_type("event")
    assert seen_by_bob == event
    note = await db(Note.objects.get)
    assert note.search_text == "เพิ่ม จุด คัด กรอง ก่อน เข้า ห้อง ตรวจ"
    await alice.close()
    presence = await bob.recv_type("presence")
    online = {p["display_name"]: p["online"] for p in presence["participants"]}
    assert online == {"อลิซ": False, "บ็อบ": True}
    await bob.close()


async def test_every_participant_op_and_own_notes_only(board):
    workshop, _, _ = await db(board)
    alice = await connect(workshop.code, name="อลิซ")
    bob = await connect(workshop.code, name="บ็อบ")
    added = await alice.op("note.add", text="โน้ตแรก", column="ปัญหา")
    note_id = added["data"]["id"]
    assert added["data"]["column"] == "ปัญหา"
    edited = await alice.op("note.edit", note_id=note_id, text="โน้ตที่แก้แล้ว")
    assert edited["data"]["text"] == "โน้ตที่แก้แล้ว"
    moved = await alice.op("note.move", note_id=note_id, x=120.5, y=40)
    assert (moved["data"]["x"], moved["data"]["y"]) == (120.5, 40.0)
    cluster = await bob.op("cluster.create", title="การนัดหมาย")
    cluster_id = cluster["data"]["id"]
    assigned = await alice.op("cluster.assign", note_id=note_id, cluster_id=cluster_id)
    assert assigned["data"] == {"note_id": note_id, "cluster_id": cluster_id}
    unassigned = await alice.op("cluster.assign", note_id=note_id, cluster_id=None)
    assert unassigned["data"]["cluster_id"] is None
    # Bob may not touch Alice's note.
    for op, fields in [
        ("note.edit", {"text": "แอบแก้"}),
        ("note.move", {"x": 1, "y": 1}),
        ("note.delete", {}),
        ("cluster.assign", {"cluster_id": cluster_id}),
    ]:
        error = await bob.error(op, note_id=note_id, **fields)
        assert error["code"] == "forbidden", op
    # Bob can vote for Alice's note, and retract.
    cast = await bob.op("vote.cast", note_id=note_id)
    assert cast["data"]["count"] == 1 and cast["data"]["voter_votes_left"] == 2
    retracted = await bob.op("vote.retract", note_id=note_id)
    assert retracted["data"]["count"] == 0
    deleted = await alice.op("note.delete", note_id=note_id)
    assert deleted["data"] == {"note_id": note_id}
    seqs = [e.seq for e in await db(lambda: list(Event.objects.order_by("seq")))]
    assert seqs == list(range(1, 10))
    assert await db(Note.objects.count) == 0
    await alice.close()
    await bob.close()


async def test_facilitator_ops_and_denials(board):
    workshop, _, fac_token = await db(board)
    fac = await connect(workshop.code, token=fac_token)
    assert fac.state["facilitator"] is True
    citizen = await connect(workshop.code, name="ประชาชน")
    for op, fields in [
        ("phase.set", {"phase": "กำหนดโจทย์"}),
        ("timer.start", {"seconds": 60}),
        ("timer.stop", {}),
        ("lock", {"locked": True}),
    ]:
        error = await citizen.error(op, client_id="x1", **fields)
        assert error["code"] == "forbidden" and error["client_id"] == "x1"
    assert await db(Event.objects.count) == 0

    phase = await fac.op("phase.set", phase="ระดมความคิด")
    assert phase["data"] == {"phase": "ระดมความคิด", "phase_index": 2}
    assert (await citizen.recv_type("event"))["op"] == "phase.set"
    by_index = await fac.op("phase.set", phase=1)
    assert by_index["data"]["phase"] == "กำหนดโจทย์"
    assert (await fac.error("phase.set", phase="ไม่มีขั้นนี้"))["code"] == "invalid"
    timer = await fac.op("timer.start", seconds=300)
    assert timer["data"]["timer"]["ends_at"] == timer["data"]["ends_at"]
    # A newcomer sees the running timer and the current phase in its state.
    late = await connect(workshop.code, name="มาสาย")
    assert late.state["timer"] == {"ends_at": timer["data"]["ends_at"]}
    assert late.state["phase"] == "กำหนดโจทย์"
    stopped = await fac.op("timer.stop")
    assert stopped["data"]["timer"] is None
    assert (await fac.error("timer.start", seconds=0))["code"] == "invalid"
    assert (await fac.error("timer.start", seconds="60"))["code"] == "invalid"
    await citizen.close()
    await fac.close()
    await late.close()


async def test_lock_blocks_participants_but_not_facilitator(board):
    workshop, _, fac_token = await db(board)
    fac = await connect(workshop.code, token=fac_token)
    citizen = await connect(workshop.code, name="ประชาชน")
    note = await citizen.op("note.add", text="ก่อนล็อก")
    await fac.recv_type("event")
    locked = await fac.op("lock", locked=True)
    assert locked["data"] == {"locked": True}
    await citizen.recv_type("event")
    for op, fields in [
        ("note.add", {"text": "หลังล็อก"}),
        ("note.edit", {"note_id": note["data"]["id"], "text": "แก้"}),
        ("vote.cast", {"note_id": note["data"]["id"]}),
        ("cluster.create", {"title": "กลุ่ม"}),
    ]:
        assert (await citizen.error(op, **fields))["code"] == "locked", op
    # The facilitator still works on a locked board.
    await fac.op("cluster.create", title="กลุ่มของกระบวนกร")
    await citizen.recv_type("event")
    await fac.op("lock", locked=False)
    await citizen.recv_type("event")
    again = await citizen.op("note.add", text="ปลดล็อกแล้ว")
    assert again["seq"] == 5
    await fac.close()
    await citizen.close()


async def test_finished_workshop_refuses_participant_ops(board):
    workshop, _, _ = await db(board, status=Workshop.Status.FINISHED)
    citizen = await connect(workshop.code, name="ประชาชน")
    assert (await citizen.error("note.add", text="สาย"))["code"] == "locked"
    await citizen.close()


async def test_dot_vote_budget_enforced(board):
    workshop, _, _ = await db(board, dot_votes_per_person=2)
    alice = await connect(workshop.code, name="อลิซ")
    note = (await alice.op("note.add", text="หนึ่ง"))["data"]["id"]
    other = (await alice.op("note.add", text="สอง"))["data"]["id"]
    await alice.op("vote.cast", note_id=note)
    await alice.op("vote.cast", note_id=note)  # two dots on one note are allowed
    error = await alice.error("vote.cast", note_id=other, client_id="v3")
    assert error["code"] == "no_votes_left" and error["client_id"] == "v3"
    assert await db(DotVote.objects.count) == 2
    await alice.op("vote.retract", note_id=note)
    cast = await alice.op("vote.cast", note_id=other)
    assert cast["data"]["voter_votes_left"] == 0
    assert (await alice.error("vote.retract", note_id=note + other + 99))["code"] == "invalid"
    # A reconnecting participant sees their budget in the state.
    again = await connect(workshop.code, name="อลิซ", participant_token=alice.state["me"]["token"])
    assert again.state["me"]["id"] == alice.state["me"]["id"]
    assert again.state["my_votes_left"] == 0
    assert again.state["votes"] == {str(note): 1, str(other): 1}
    await alice.close()
    await again.close()


async def test_invalid_messages_get_errors_and_store_nothing(board, settings):
    workshop, _, _ = await db(board)
    alice = await connect(workshop.code, name="อลิซ")
    await alice.ws.send_to(text_data="{not json")
    assert (await alice.recv())["code"] == "invalid"
    await alice.send({"type": "no.such.op"})
    assert (await alice.recv())["code"] == "invalid"
    await alice.send(["not", "an", "object"])
    assert (await alice.recv())["code"] == "invalid"
    big = "ก" * 3000  # 9000 bytes in UTF-8 > 8 KB
    await alice.send({"type": "note.add", "text": big, "client_id": "big"})
    error = await alice.recv()
    assert error["code"] == "invalid"
    for fields in [{}, {"text": ""}, {"text": 5}, {"text": "ok", "x": "left"}]:
        assert (await alice.error("note.add", **fields))["code"] == "invalid", fields
    assert (await alice.error("note.edit", note_id="1", text="x"))["code"] == "invalid"
    assert (await alice.error("note.delete", note_id=999999))["code"] == "invalid"
    assert (await alice.error("cluster.assign", note_id=1))["code"] == "invalid"
    # The connection is still open and works.
    event = await alice.op("note.add", text="ยังใช้งานได้")
    assert event["seq"] == 1
    assert await db(Event.objects.count) == 1 and await db(Note.objects.count) == 1
    await alice.close()


def test_token_bucket_refills(monkeypatch):
    from workshops import consumers

    now = [100.0]
    monkeypatch.setattr(consumers.time, "monotonic", lambda: now[0])
    bucket = consumers.TokenBucket(capacity=20, rate=2.0)
    assert all(bucket.take() for _ in range(20)) and not bucket.take()
    now[0] += 1.0  # two more after a second
    assert bucket.take() and bucket.take() and not bucket.take()
    now[0] += 60
    assert sum(bucket.take() for _ in range(30)) == 20


async def test_rate_limit_per_connection(board, monkeypatch):
    from workshops import consumers

    monkeypatch.setattr(consumers, "RATE_REFILL_PER_SECOND", 0.0)  # no refill on a slow machine
    workshop, _, _ = await db(board)
    alice = await connect(workshop.code, name="อลิซ")
    for _ in range(19):  # the join was the first message of the burst of 20
        await alice.send({"type": "ping"})
    replies = [await alice.recv() for _ in range(19)]
    assert all(r["type"] == "pong" for r in replies)
    assert (await alice.error("note.add", text="เกินโควตา"))["code"] == "rate_limited"
    assert await db(Note.objects.count) == 0
    # Another connection has its own bucket.
    bob = await connect(workshop.code, name="บ็อบ")
    assert (await bob.op("note.add", text="ได้"))["seq"] == 1
    await alice.close()
    await bob.close()


async def test_ops_before_join_and_anonymous_not_allowed(board):
    workshop, _, _ = await db(board, allow_anonymous=False)
    anon = await connect(workshop.code, join=False)
    assert (await anon.error("note.add", text="ยังไม่ได้เข้าร่วม"))["code"] == "forbidden"
    error = await anon.error("join", display_name="ไม่ล็อกอิน")
    assert error["code"] == "forbidden"
    assert (await anon.error("join", display_name=["x"]))["code"] == "invalid"
    await anon.close()
    open_ws, _, _ = await db(board)
    anon = await connect(open_ws.code, join=False)
    assert (await anon.error("join", display_name="  "))["code"] == "invalid"
    await anon.close()


async def test_resume_replays_exactly_the_missed_events(board):
    workshop, _, _ = await db(board)
    alice = await connect(workshop.code, name="อลิซ")
    bob = await connect(workshop.code, name="บ็อบ")
    await alice.op("note.add", text="ก่อนหลุด")
    await bob.recv_type("event")
    bob_token = bob.state["me"]["token"]
    await bob.close()
    await alice.recv_type("presence")
    for i in range(5):
        await alice.op("note.add", text=f"ระหว่างหลุด {i}")
    back = await connect(workshop.code, name="บ็อบ", participant_token=bob_token)
    assert back.state["me"]["id"] == bob.state["me"]["id"]
    await back.send({"type": "resume", "since": 1})
    replayed = [await back.recv_type("event") for _ in range(5)]
    assert [e["seq"] for e in replayed] == [2, 3, 4, 5, 6]
    assert [e["data"]["text"] for e in replayed] == [f"ระหว่างหลุด {i}" for i in range(5)]
    await back.nothing()
    # Live events continue after the replay without duplicates.
    live = await alice.op("note.add", text="หลังกลับมา")
    assert (await back.recv_type("event"))["seq"] == live["seq"] == 7
    assert (await back.error("resume", since="x"))["code"] == "invalid"
    await alice.close()
    await back.close()


async def test_resume_too_old_sends_fresh_state(board, monkeypatch):
    from workshops import selectors

    monkeypatch.setattr(selectors, "MAX_REPLAY_EVENTS", 3)
    workshop, _, _ = await db(board)
    alice = await connect(workshop.code, name="อลิซ")
    for i in range(5):
        await alice.op("note.add", text=f"โน้ต {i}")
    await alice.send({"type": "resume", "since": 0})
    state = await alice.recv_type("state")
    assert state["seq"] == 5 and len(state["notes"]) == 5
    await alice.close()


async def test_many_clients_adding_at_once_get_gapless_seq(board):
    import asyncio

    workshop, _, _ = await db(board)
    clients = [await connect(workshop.code, name=f"คนที่ {i}") for i in range(8)]
    await asyncio.gather(
        *[
            c.send({"type": "note.add", "text": f"โน้ต {i}-{j}"})
            for i, c in enumerate(clients)
            for j in range(3)
        ]
    )
    received = []
    for c in clients:
        seqs = []
        while len(seqs) < 24:
            message = await c.recv(timeout=5)
            if message["type"] == "event":
                seqs.append(message["seq"])
        received.append(seqs)
    for seqs in received:
        assert seqs == list(range(1, 25))
    db_seqs = await db(lambda: list(Event.objects.values_list("seq", flat=True)))
    assert sorted(db_seqs) == list(range(1, 25))
    for c in clients:
        await c.close()


async def test_connection_refusals(board):
    from channels.testing import WebsocketCommunicator

    from portal.asgi import application

    workshop, _, _ = await db(board, status=Workshop.Status.DRAFT)
    for path, origin in [
        (f"/ws/workshops/{workshop.code}/", b"http://testserver"),  # draft: facilitators only
        ("/ws/workshops/ZZZZZZ/", b"http://testserver"),  # no such workshop
        (f"/ws/workshops/{workshop.code}/?token=bad", b"http://testserver"),  # bad token
        (f"/ws/workshops/{workshop.code}/", b"http://evil.example"),  # cross-origin
    ]:
        communicator = WebsocketCommunicator(
            application, path, headers=[(b"origin", origin), (b"host", b"testserver")]
        )
        connected, _ = await communicator.connect()
        assert not connected, path
        await communicator.disconnect()  # the refused consumer ends here, not at the loop's close


async def test_connections_open_no_channel_of_their_own(board, monkeypatch):
    """Only the process's hub receives from the channel layer: participants and refused
    connections open no channel (nothing to cancel in channels_redis when they leave)."""
    from channels.layers import get_channel_layer
    from channels.testing import WebsocketCommunicator

    from portal.asgi import application

    layer = get_channel_layer()
    opened = []
    real_new_channel = layer.new_channel

    async def counting_new_channel(*args, **kwargs):
        opened.append(await real_new_channel(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(layer, "new_channel", counting_new_channel)
    workshop, _, _ = await db(board)
    alice = await connect(workshop.code, name="อลิซ")
    bob = await connect(workshop.code, name="บ็อบ")
    refused = WebsocketCommunicator(
        application,
        f"/ws/workshops/{workshop.code}/",
        headers=[(b"origin", b"http://evil.example"), (b"host", b"testserver")],
    )
    assert (await refused.connect())[0] is False
    await refused.disconnect()
    assert len(opened) == 1  # the hub's
    await alice.op("note.add", text="ถึงทุกคนผ่านฮับ")
    assert (await bob.recv_type("event"))["data"]["text"] == "ถึงทุกคนผ่านฮับ"
    await alice.close()
    await bob.close()


async def test_rate_limit_per_participant_across_connections(board, monkeypatch):
    from workshops import consumers

    monkeypatch.setattr(consumers, "PARTICIPANT_OPS_PER_WINDOW", 3)
    monkeypatch.setattr(consumers, "PARTICIPANT_WINDOW_SECONDS", 3600)  # one window for the test
    workshop, _, _ = await db(board)
    alice = await connect(workshop.code, name="อลิซ")
    token = alice.state["me"]["token"]
    second = await connect(workshop.code, name="อลิซ", participant_token=token)
    assert second.state["me"]["id"] == alice.state["me"]["id"]
    await alice.op("note.add", text="หนึ่ง")
    await second.op("note.add", text="สอง")
    await alice.op("note.add", text="สาม")
    # each connection's own bucket is far from empty, but the participant's budget is spent
    assert (await second.error("note.add", text="สี่"))["code"] == "rate_limited"
    assert (await alice.error("note.add", text="ห้า"))["code"] == "rate_limited"
    assert await db(Note.objects.count) == 3
    bob = await connect(workshop.code, name="บ็อบ")  # another participant has their own
    assert (await bob.op("note.add", text="ได้"))["data"]["text"] == "ได้"
    await alice.close()
    await second.close()
    await bob.close()


async def test_anonymous_rejoins_under_new_names_are_capped_per_address(board, monkeypatch):
    """A new display name is a new participant with a fresh budget: new anonymous participants
    per address and workshop are capped; returning with one's token is not capped."""
    from workshops import consumers
    from workshops.models import Participant

    monkeypatch.setattr(consumers, "ANONYMOUS_JOINS_PER_ADDRESS", 2)
    workshop, _, fac_token = await db(board)
    first = await connect(workshop.code, name="หนึ่ง")
    await connect(workshop.code, name="สอง")
    third = await connect(workshop.code, join=False)
    await third.send({"type": "join", "display_name": "สาม", "client_id": "j3"})
    refused = await third.recv_type("error")
    assert refused["code"] == "rate_limited" and refused["client_id"] == "j3"
    assert await db(Participant.objects.filter(workshop=workshop).count) == 2
    again = await connect(workshop.code, name="หนึ่ง", participant_token=first.state["me"]["token"])
    assert again.state["me"]["id"] == first.state["me"]["id"]
    elsewhere = await connect(workshop.code, name="สาม", address="198.51.100.7")
    assert elsewhere.state["me"]["display_name"] == "สาม"
    facilitator = await connect(workshop.code, token=fac_token)  # logged in: not counted
    assert facilitator.state["me"] is not None
    for client in (first, third, again, elsewhere, facilitator):
        await client.close()


async def test_anonymous_changes_share_a_budget_per_address(board, monkeypatch):
    from workshops import consumers

    monkeypatch.setattr(consumers, "ANONYMOUS_ADDRESS_OPS_PER_WINDOW", 3)
    monkeypatch.setattr(consumers, "PARTICIPANT_WINDOW_SECONDS", 3600)  # one window for the test
    workshop, _, fac_token = await db(board)
    alice = await connect(workshop.code, name="อลิซ")
    bob = await connect(workshop.code, name="บ็อบ")  # same address, another participant
    await alice.op("note.add", text="หนึ่ง")
    await alice.op("note.add", text="สอง")
    await bob.op("note.add", text="สาม")
    assert (await bob.error("note.add", text="สี่"))["code"] == "rate_limited"
    assert await db(Note.objects.count) == 3
    carol = await connect(workshop.code, name="แครอล", address="198.51.100.7")
    assert (await carol.op("note.add", text="ที่อื่น"))["data"]["text"] == "ที่อื่น"
    facilitator = await connect(workshop.code, token=fac_token)  # logged in: own budget only
    assert (await facilitator.op("note.add", text="ผู้ดำเนินการ"))["data"]["text"]
    for client in (alice, bob, carol, facilitator):
        await client.close()

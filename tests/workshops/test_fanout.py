"""Loss-proof delivery: the per-process hub delivers in seq order and reads lost events back from
the log; clients catch up with `resume` or by joining again with `since`."""

import asyncio

import pytest
from channels.layers import InMemoryChannelLayer, get_channel_layer

from workshops import fanout

from .conftest import connect, db, user_token


@pytest.fixture(autouse=True)
def _quick_recovery(monkeypatch):
    monkeypatch.setattr(fanout, "GAP_GRACE", 0.05)
    monkeypatch.setattr(fanout, "CHECK_INTERVAL", 0.2)


def _drop_publishes(monkeypatch, seqs: set[int], held: list | None = None):
    """The channel layer 'loses' (or, with `held`, delays) the broadcast of these events."""
    real = fanout.publish

    async def lossy(layer, workshop_id, message):
        if message.get("seq") in seqs:
            if held is not None:
                held.append((layer, workshop_id, message))
            return
        await real(layer, workshop_id, message)

    monkeypatch.setattr(fanout, "publish", lossy)
    return real


async def _events(client, count, timeout=30):
    return [await client.recv_type("event", timeout=timeout) for _ in range(count)]


async def test_lost_broadcasts_are_read_back_in_order(board, monkeypatch):
    workshop, _, _ = await db(board)
    alice = await connect(workshop.code, name="อลิซ")
    bob = await connect(workshop.code, name="บ็อบ")
    _drop_publishes(monkeypatch, {2, 3})
    for i in range(4):
        await alice.send({"type": "note.add", "text": f"โน้ต {i}", "client_id": f"a{i}"})
    for client in (alice, bob):
        events = await _events(client, 4)
        assert [e["seq"] for e in events] == [1, 2, 3, 4]
        assert [e["data"]["text"] for e in events] == [f"โน้ต {i}" for i in range(4)]
        assert [e["client_id"] for e in events] == ["a0", "a1", "a2", "a3"]
        await client.nothing()
    await alice.close()
    await bob.close()


async def test_a_lost_last_event_is_found_by_the_periodic_check(board, monkeypatch):
    workshop, _, _ = await db(board)
    alice = await connect(workshop.code, name="อลิซ")
    _drop_publishes(monkeypatch, {2})
    await alice.op("note.add", text="หนึ่ง")
    await alice.send({"type": "note.add", "text": "สอง (หลุดระหว่างทาง)"})
    event = await alice.recv_type("event", timeout=30)
    assert event["seq"] == 2 and event["data"]["text"] == "สอง (หลุดระหว่างทาง)"
    await alice.close()


async def test_broadcasts_that_overtake_each_other_arrive_in_order(board, monkeypatch):
    workshop, _, _ = await db(board)
    monkeypatch.setattr(fanout, "GAP_GRACE", 5.0)  # no database read: the late ones arrive
    monkeypatch.setattr(fanout, "CHECK_INTERVAL", 60.0)
    alice = await connect(workshop.code, name="อลิซ")
    bob = await connect(workshop.code, name="บ็อบ")
    held = []
    real = _drop_publishes(monkeypatch, {1, 2}, held)
    for text in ("ก่อน", "หลัง", "สุดท้าย"):
        await alice.send({"type": "note.add", "text": text})
    while len(held) < 2:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)  # 3 is published and waits in the hub for 1 and 2
    await alice.nothing()
    for layer, workshop_id, message in reversed(held):  # 2 overtakes 1
        await real(layer, workshop_id, message)
    for client in (alice, bob):
        events = await _events(client, 3)
        assert [e["seq"] for e in events] == [1, 2, 3]
        assert [e["data"]["text"] for e in events] == ["ก่อน", "หลัง", "สุดท้าย"]
        await client.nothing()
    await alice.close()
    await bob.close()


async def test_client_that_skipped_events_resumes_exactly_the_missing_ones(board):
    workshop, _, _ = await db(board)
    alice = await connect(workshop.code, name="อลิซ")
    bob = await connect(workshop.code, name="บ็อบ")
    for i in range(6):
        await alice.op("note.add", text=f"โน้ต {i}")
    received = await _events(bob, 6)
    kept = [e for e in received if e["seq"] not in (3, 4, 5)]  # Bob's app "lost" 3, 4 and 5
    assert [e["seq"] for e in kept] == [1, 2, 6]
    await bob.send({"type": "resume", "since": 2})
    replayed = await _events(bob, 4)
    assert [e["seq"] for e in replayed] == [3, 4, 5, 6]
    assert [e["data"]["text"] for e in replayed] == [f"โน้ต {i}" for i in range(2, 6)]
    await bob.nothing()
    await alice.close()
    await bob.close()


async def test_rejoin_with_since_replays_instead_of_a_fresh_state(board):
    workshop, _, _ = await db(board)
    alice = await connect(workshop.code, name="อลิซ")
    bob = await connect(workshop.code, name="บ็อบ")
    await alice.op("note.add", text="ก่อนหลุด")
    seen = await bob.recv_type("event")
    bob_token = bob.state["me"]["token"]
    await bob.close()
    for i in range(3):
        await alice.op("note.add", text=f"ระหว่างหลุด {i}")
    back = await connect(workshop.code, join=False)
    await back.send(
        {"type": "join", "display_name": "บ็อบ", "token": bob_token, "since": seen["seq"]}
    )
    replayed = await _events(back, 3)  # no state first
    assert [e["seq"] for e in replayed] == [2, 3, 4]
    assert [e["data"]["text"] for e in replayed] == [f"ระหว่างหลุด {i}" for i in range(3)]
    await back.nothing()
    # Bob is Bob again (may write), and live events follow the replay.
    mine = await back.op("note.add", text="กลับมาแล้ว")
    assert mine["seq"] == 5 and mine["actor"]["id"] == bob.state["me"]["id"]
    assert (await alice.recv_type("event"))["seq"] == 5
    # An unknown token makes a new participant: that one needs the whole board.
    stranger = await connect(workshop.code, join=False)
    await stranger.send({"type": "join", "display_name": "คนใหม่", "token": "x" * 20, "since": 1})
    state = await stranger.recv_type("state")
    assert state["seq"] == 5 and len(state["notes"]) == 5
    assert (await stranger.error("join", display_name="ก", since=-1))["code"] == "invalid"
    for client in (alice, back, stranger):
        await client.close()


async def test_logged_in_user_reconnects_with_since_in_the_url(board):
    from channels.testing import WebsocketCommunicator

    from portal.asgi import application

    from .conftest import HEADERS, Client

    workshop, _, facilitator_token = await db(board)
    token = await user_token()
    carol = await connect(workshop.code, token=token)
    await carol.op("note.add", text="ของแคโรล")
    await carol.close()
    facilitator = await connect(workshop.code, token=facilitator_token)
    await facilitator.op("phase.set", phase=1)
    await facilitator.op("note.add", text="ของกระบวนกร")
    communicator = WebsocketCommunicator(
        application, f"/ws/workshops/{workshop.code}/?token={token}&since=1", headers=HEADERS
    )
    assert (await communicator.connect())[0]
    back = Client(communicator)
    replayed = await _events(back, 2)
    assert [(e["seq"], e["op"]) for e in replayed] == [(2, "phase.set"), (3, "note.add")]
    await back.nothing()
    await back.close()
    await facilitator.close()


async def test_a_viewer_may_resume_before_joining_and_then_follows_live(board):
    workshop, _, _ = await db(board)
    alice = await connect(workshop.code, name="อลิซ")
    await alice.op("note.add", text="หนึ่ง")
    await alice.op("note.add", text="สอง")
    viewer = await connect(workshop.code, join=False)
    await viewer.send({"type": "resume", "since": 1})
    assert (await viewer.recv_type("event"))["seq"] == 2
    await alice.op("note.add", text="สาม")
    assert (await viewer.recv_type("event"))["seq"] == 3
    assert (await viewer.error("note.add", text="ยังไม่ได้เข้าร่วม"))["code"] == "forbidden"
    await viewer.send({"type": "resume", "since": 99})  # ahead of the workshop: fresh state
    assert (await viewer.recv_type("state"))["seq"] == 3
    await alice.close()
    await viewer.close()


async def test_hub_is_one_group_member_per_workshop_and_leaves_with_the_last_connection(board):
    workshop, _, _ = await db(board)
    clients = [await connect(workshop.code, name=f"คนที่ {i}") for i in range(3)]
    loop = asyncio.get_running_loop()
    hub = fanout._hubs[(loop, workshop.pk)]
    assert len(hub.consumers) == 3
    layer = get_channel_layer()
    group = fanout.group_name(workshop.pk)
    if isinstance(layer, InMemoryChannelLayer):  # channels_redis keeps its groups in Redis
        assert list(layer.groups.get(group, {})) == [hub.channel]
    for client in clients:
        await client.close()
    assert (loop, workshop.pk) not in fanout._hubs
    # The receive loop ends by itself (woken through the hub's channel, not cancelled); on a
    # busy machine that may outlast the communicator's 1-second disconnect.
    await asyncio.wait(hub.tasks, timeout=10)
    assert hub.stopped and all(task.done() and not task.cancelled() for task in hub.tasks[:1])
    assert all(task.done() for task in hub.tasks)
    if isinstance(layer, InMemoryChannelLayer):
        assert not layer.groups.get(group)

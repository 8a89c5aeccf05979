"""Workshop WebSocket benchmark: N clients in one workshop on 2 daphne processes + channels_redis.

Measures, in the same run and on the same server processes:
  1. fan-out latency: time from one `note.add` to its `event` at every client (p50/p95), against a
     bare Channels broadcast consumer (no database, no validation) — ratio goal ≤ 2.0;
  2. throughput: every client sends `--ops-per-client` note.add at once; ops/second until the
     last event reached an observer (and the same for the bare broadcast); meanwhile
     `--drop-clients` participants lose their connection and rejoin with `since`;
  3. delivery: every participant must end up with every event after its join, applied in seq
     order (`workshops.ws_client.BoardSession`: resume on a gap, rejoin with `since`); it prints
     lost / out-of-order / duplicate counts and exits 1 if anything was lost.

Usage (PostgreSQL + Redis; the database is migrated by the script):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ws_eng REDIS_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/ws_bench.py --clients 200 --rounds 20 [--port 8261]

The server processes import this module (WS_BENCH_SERVER=1) to add the bare broadcast route.
"""

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BARE_GROUP = "bench.bare"


def _server_application():
    """ASGI app served by each bench server: the real routes plus /ws/bench/bare/."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.core.asgi import get_asgi_application

    http_app = get_asgi_application()
    from channels.generic.websocket import AsyncJsonWebsocketConsumer
    from channels.routing import ProtocolTypeRouter, URLRouter
    from channels.security.websocket import AllowedHostsOriginValidator
    from django.urls import path

    from portal.routing import websocket_urlpatterns
    from portal.ws_auth import TokenAuthMiddlewareStack

    class BareBroadcastConsumer(AsyncJsonWebsocketConsumer):
        """Baseline: relay every message to the group, nothing else."""

        async def connect(self):
            await self.channel_layer.group_add(BARE_GROUP, self.channel_name)
            await self.accept()

        async def disconnect(self, code):
            await self.channel_layer.group_discard(BARE_GROUP, self.channel_name)

        async def receive_json(self, content, **kwargs):
            await self.channel_layer.group_send(
                BARE_GROUP,
                {"type": "bare.message", "message": {**content, "type": "event"}},
            )

        async def bare_message(self, event):
            await self.send_json(event["message"])

    routes = [path("ws/bench/bare/", BareBroadcastConsumer.as_asgi()), *websocket_urlpatterns]
    return ProtocolTypeRouter(
        {
            "http": http_app,
            "websocket": AllowedHostsOriginValidator(TokenAuthMiddlewareStack(URLRouter(routes))),
        }
    )


if os.environ.get("WS_BENCH_SERVER") == "1":
    application = _server_application()


# --- client side ---------------------------------------------------------------------------


class Tracker:
    """Who received which client_id, and when."""

    def __init__(self, expected: int):
        self.expected = expected
        self.sent: dict[str, float] = {}
        self.latencies: dict[str, list[float]] = {}
        self.done: dict[str, asyncio.Event] = {}
        self.total = 0
        self.all_done = asyncio.Event()
        self.goal_total = None
        self.last_seen = None

    def start(self, client_id: str) -> None:
        self.latencies[client_id] = []
        self.done[client_id] = asyncio.Event()
        self.sent[client_id] = time.perf_counter()

    def seen(self, client_id: str) -> None:
        now = time.perf_counter()
        self.total += 1
        self.last_seen = now
        if client_id in self.sent:
            got = self.latencies[client_id]
            got.append(now - self.sent[client_id])
            if len(got) >= self.expected:
                self.done[client_id].set()
        if self.goal_total is not None and self.total >= self.goal_total:
            self.all_done.set()


class Holder:
    """The tracker currently fed by every client's reader task, and per-client delivery counts
    of the throughput phase (to count what the bare broadcast loses)."""

    tracker: Tracker | None = None
    burst_prefix: str | None = None

    def __init__(self, clients: int = 0):
        self.burst_counts = [0] * clients


def _feed(holder: Holder, index: int, message: dict) -> None:
    tracker = holder.tracker
    client_id = message.get("client_id")
    if message.get("type") != "event" or not client_id:
        return
    if holder.burst_prefix and str(client_id).startswith(holder.burst_prefix):
        holder.burst_counts[index] += 1
    if tracker is not None and (index == 0 or tracker.goal_total is None):
        tracker.seen(client_id)


async def _reader(recv, holder: Holder, index: int):
    from workshops.ws_client import WebSocketClosed

    try:
        while True:
            _feed(holder, index, await recv())
    except (WebSocketClosed, asyncio.CancelledError):
        return


async def _open_bare(ports, count, holder):
    from workshops.ws_client import WSClient

    clients, readers = [], []
    for i in range(count):
        client = await WSClient.connect("127.0.0.1", ports[i % len(ports)], "/ws/bench/bare/")
        clients.append(client)
        readers.append(asyncio.create_task(_reader(client.recv_json, holder, i)))
    await asyncio.sleep(2.0)  # let connection traffic settle
    return clients, readers


async def _open_board(ports, code, count, holder):
    """Board participants (BoardSession: in-order, resume on gap, rejoin with `since`)."""
    from workshops.ws_client import BoardSession

    sessions, readers = [], []
    for i in range(count):
        session = BoardSession("127.0.0.1", ports[i % len(ports)], code, f"ผู้ร่วม {i}")
        await session.connect()
        sessions.append(session)
        readers.append(asyncio.create_task(_reader(session.recv, holder, i)))
    await asyncio.sleep(2.0)  # let join/presence traffic settle
    return sessions, readers


async def _latency_rounds(clients, holder, rounds: int, label: str, op_fields: dict):
    """One op at a time; every delivery's latency. A delivery that never comes (the bare
    broadcast has no recovery) is reported, and the round moves on after `ROUND_TIMEOUT`."""
    tracker = holder.tracker = Tracker(expected=len(clients))
    samples: list[float] = []
    missing = 0
    plan = [(f"{label}-warm-{w}", w, "อุ่นเครื่อง", False) for w in range(2)]  # not measured
    plan += [(f"{label}-{r}", r, f"ทดสอบความเร็ว {r}", True) for r in range(rounds)]
    for client_id, index, text, measured in plan:
        tracker.start(client_id)
        await _send(
            clients[index % len(clients)], {**op_fields, "client_id": client_id, "text": text}
        )
        try:
            await asyncio.wait_for(tracker.done[client_id].wait(), ROUND_TIMEOUT)
        except TimeoutError:
            missing += len(clients) - len(tracker.latencies[client_id])
        if measured:
            samples.extend(tracker.latencies[client_id])
    if missing:
        print(f"{label}: {missing} deliveries never arrived in the latency rounds")
    return samples


ROUND_TIMEOUT = 60


async def _send(client, message: dict) -> None:
    if hasattr(client, "send_json"):
        await client.send_json(message)
    else:
        await client.send(message)


async def _throughput(clients, holder, ops_per_client: int, label: str, op_fields: dict) -> float:
    """All clients write at once; ops/s until the observer (client 0) saw every event."""
    tracker = Tracker(expected=1)
    tracker.goal_total = len(clients) * ops_per_client
    holder.tracker = tracker
    holder.burst_prefix = f"{label}-"
    start = time.perf_counter()
    await asyncio.gather(
        *[
            _send(client, {**op_fields, "client_id": f"{label}-{i}-{k}", "text": f"โน้ต {i}-{k}"})
            for i, client in enumerate(clients)
            for k in range(ops_per_client)
        ]
    )
    try:
        await asyncio.wait_for(tracker.all_done.wait(), 120)
    except TimeoutError:
        print(f"{label}: observer saw {tracker.total}/{tracker.goal_total} events within 120 s")
    elapsed = (tracker.last_seen or time.perf_counter()) - start
    holder.tracker = None
    return tracker.total / elapsed


async def _drop_and_rejoin(sessions, readers, holder, count: int, delay: float) -> None:
    """Mid-burst, `count` participants lose their connection and rejoin with `since`."""
    from workshops.ws_client import WebSocketClosed

    await asyncio.sleep(delay)
    picked = list(range(1, len(sessions), max(1, len(sessions) // max(count, 1))))[:count]
    for i in picked:
        readers[i].cancel()
        await sessions[i].close()
    await asyncio.sleep(0.5)  # events keep coming meanwhile
    for i in picked:
        for attempt in range(5):  # a saturated server may refuse: back off like the board does
            try:
                await sessions[i].connect()
                break
            except (OSError, WebSocketClosed):
                await sessions[i].close()
                await asyncio.sleep(2**attempt)
        readers[i] = asyncio.create_task(_reader(sessions[i].recv, holder, i))


async def _verify(sessions, last_seq: int, wait: float) -> dict:
    """Wait until every participant applied every event up to `last_seq`; ask the laggards to
    resume once; return the counts."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and any((s.seq or 0) < last_seq for s in sessions):
        await asyncio.sleep(0.1)
    behind = [s for s in sessions if (s.seq or 0) < last_seq]
    for session in behind:
        await session.resume()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and any((s.seq or 0) < last_seq for s in sessions):
        await asyncio.sleep(0.1)
    return {
        "clients": len(sessions),
        "events": last_seq,
        "deliveries": sum(last_seq - (s.joined_at_seq or 0) for s in sessions),
        "lost": sum(len(s.missing(last_seq)) for s in sessions),
        "out_of_order": sum(s.out_of_order for s in sessions),
        "duplicates": sum(s.duplicates for s in sessions),
        "resumes_on_gap": sum(s.resumes for s in sessions) - len(behind),
        "late_resumes": len(behind),
        "in_order": all(s.applied == sorted(s.applied) for s in sessions),
    }


async def _close(clients, readers):
    for task in readers:
        task.cancel()
    for client in clients:
        await client.close()


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--ops-per-client", type=int, default=2)
    parser.add_argument(
        "--port", type=int, default=0, help="first server port (default: any free ports)"
    )
    parser.add_argument(
        "--drop-clients",
        type=int,
        default=10,
        help="participants that lose their connection mid-burst and rejoin with `since`",
    )
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        sys.exit("Set DATABASE_URL=postgres://... and REDIS_URL=redis://... (see the docstring).")
    os.environ.setdefault("SECRET_KEY", "ws-bench-only")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("CHANNEL_LAYER_PREFIX", "wsbench")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from portal.models import Agency
    from workshops.services import workshop_create

    call_command("migrate", verbosity=0)
    agency, _ = Agency.objects.get_or_create(
        slug="bench-agency", defaults={"name": "หน่วยงานทดสอบความเร็ว"}
    )
    # A high dot budget and no rate-limit concerns: every op is a note.add from a fresh sender.
    workshop = workshop_create(agency=agency, created_by=None, title="เวิร์กช็อปทดสอบความเร็ว")

    env = {
        **os.environ,
        "WS_BENCH_SERVER": "1",
        # every bench client joins anonymously from this one address
        "RATE_LIMITS_ENABLED": "0",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}",
    }
    ports = [args.port + i if args.port else _free_port() for i in range(args.servers)]
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "ws_bench:application",
            ],
            cwd=ROOT / "bench",
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port in ports:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with socket.socket() as sock:
                    if sock.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.2)

        async def run():
            # The workshop phase first, on fresh server processes: an overloaded bare phase
            # leaves full channel-layer keys behind (see bench/README.md).
            holder = Holder(args.clients)
            live, readers = await _open_board(ports, workshop.code, args.clients, holder)
            ws_lat = await _latency_rounds(live, holder, args.rounds, "ws", {"type": "note.add"})
            dropper = asyncio.create_task(
                _drop_and_rejoin(live, readers, holder, args.drop_clients, delay=0.2)
            )
            ws_ops = await _throughput(
                live, holder, args.ops_per_client, "wt", {"type": "note.add"}
            )
            await dropper
            last_seq = await asyncio.to_thread(_last_seq, workshop.pk)
            check = await _verify(live, last_seq, wait=30)
            await _close(live, readers)
            holder = Holder(args.clients)
            bare, readers = await _open_bare(ports, args.clients, holder)
            bare_lat = await _latency_rounds(bare, holder, args.rounds, "bare", {"type": "x"})
            bare_ops = await _throughput(bare, holder, args.ops_per_client, "bt", {"type": "x"})
            await asyncio.sleep(5)  # stragglers
            bare_expected = args.clients * args.ops_per_client * args.clients
            bare_lost = bare_expected - sum(holder.burst_counts)
            await _close(bare, readers)
            return bare_lat, bare_ops, (bare_lost, bare_expected), ws_lat, ws_ops, check

        bare_lat, bare_ops, bare_loss, ws_lat, ws_ops, check = asyncio.run(run())
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)

    from workshops.models import Event

    seqs = list(Event.objects.filter(workshop=workshop).values_list("seq", flat=True))
    gapless = seqs == list(range(1, len(seqs) + 1))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"ws_bench: {args.clients} clients, {args.servers} daphne processes, channels_redis")
    print(f"load average after the run: {load}")
    print(f"{'':28}{'p50 ms':>10}{'p95 ms':>10}{'ops/s':>10}")
    print(
        f"{'bare Channels broadcast':28}{_pct(bare_lat, 0.5):10.1f}{_pct(bare_lat, 0.95):10.1f}{bare_ops:10.1f}"
    )
    print(
        f"{'workshop note.add':28}{_pct(ws_lat, 0.5):10.1f}{_pct(ws_lat, 0.95):10.1f}{ws_ops:10.1f}"
    )
    ratio50 = _pct(ws_lat, 0.5) / _pct(bare_lat, 0.5)
    ratio95 = _pct(ws_lat, 0.95) / _pct(bare_lat, 0.95)
    print(f"ratio workshop/bare: p50 {ratio50:.2f}, p95 {ratio95:.2f} (goal ≤ 2.0)")
    print(f"events stored: {len(seqs)}, seq gapless: {gapless}")
    lost, expected = bare_loss
    print(f"bare broadcast burst: {lost} of {expected} deliveries lost (no seq, no recovery)")
    print(
        f"workshop: {check['clients']} clients x events up to seq {check['events']}: "
        f"{check['deliveries']} deliveries expected, lost {check['lost']}, "
        f"applied in seq order: {check['in_order']}; arrived out of order {check['out_of_order']}, "
        f"duplicates {check['duplicates']}, resumes on a gap {check['resumes_on_gap']}, "
        f"late resumes {check['late_resumes']}, rejoined with since: {args.drop_clients}"
    )
    ok = check["lost"] == 0 and check["in_order"] and gapless
    print("every client received every event in seq order:", "YES" if ok else "NO")
    if not ok:
        sys.exit(1)


def _last_seq(workshop_id: int) -> int:
    from django.db import connection

    from workshops.models import Workshop

    try:
        return Workshop.objects.get(pk=workshop_id).last_seq
    finally:
        connection.close()


if __name__ == "__main__":
    main()

"""Workshop WebSocket benchmark: N clients in one workshop on 2 daphne processes + channels_redis.

Measures, in the same run and on the same server processes:
  1. fan-out latency: time from one `note.add` to its `event` at every client (p50/p95), against a
     bare Channels broadcast consumer (no database, no validation) — ratio goal ≤ 2.0;
  2. throughput: every client sends `--ops-per-client` note.add at once; ops/second until the
     last event reached an observer (and the same for the bare broadcast).

Usage (PostgreSQL + Redis; the database is migrated by the script):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ws_eng REDIS_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/ws_bench.py --clients 200 --rounds 20

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
    """The tracker currently fed by every client's reader task."""

    tracker: Tracker | None = None


async def _reader(client, holder: Holder, observer: bool):
    from workshops.ws_client import WebSocketClosed

    try:
        while True:
            message = await client.recv_json()
            tracker = holder.tracker
            if tracker is None or message.get("type") != "event" or not message.get("client_id"):
                continue
            if observer or tracker.goal_total is None:
                tracker.seen(message["client_id"])
    except (WebSocketClosed, asyncio.CancelledError):
        return


async def _open_clients(ports, path, count, holder, join_prefix=None):
    from workshops.ws_client import WSClient

    clients, readers = [], []
    for i in range(count):
        port = ports[i % len(ports)]
        client = await WSClient.connect("127.0.0.1", port, path)
        if join_prefix:
            await client.send_json({"type": "join", "display_name": f"{join_prefix} {i}"})
            while (await client.recv_json(timeout=60))["type"] != "state":
                pass
        clients.append(client)
        readers.append(asyncio.create_task(_reader(client, holder, observer=(i == 0))))
    await asyncio.sleep(2.0)  # let join/presence traffic settle
    return clients, readers


async def _latency_rounds(clients, holder, rounds: int, label: str, op_fields: dict):
    tracker = holder.tracker = Tracker(expected=len(clients))
    samples: list[float] = []
    # Warm-up (not measured): one op through each server process first.
    for w in range(2):
        client_id = f"{label}-warm-{w}"
        tracker.start(client_id)
        await clients[w % len(clients)].send_json(
            {**op_fields, "client_id": client_id, "text": "อุ่นเครื่อง"}
        )
        await asyncio.wait_for(tracker.done[client_id].wait(), 120)
    for r in range(rounds):
        sender = clients[r % len(clients)]
        client_id = f"{label}-{r}"
        tracker.start(client_id)
        await sender.send_json({**op_fields, "client_id": client_id, "text": f"ทดสอบความเร็ว {r}"})
        await asyncio.wait_for(tracker.done[client_id].wait(), 60)
        samples.extend(tracker.latencies[client_id])
    return samples


async def _throughput(clients, holder, ops_per_client: int, label: str, op_fields: dict) -> float:
    """All clients write at once; ops/s until the observer (client 0) saw every event."""
    tracker = Tracker(expected=1)
    tracker.goal_total = len(clients) * ops_per_client
    holder.tracker = tracker
    start = time.perf_counter()
    await asyncio.gather(
        *[
            client.send_json({**op_fields, "client_id": f"{label}-{i}-{k}", "text": f"โน้ต {i}-{k}"})
            for i, client in enumerate(clients)
            for k in range(ops_per_client)
        ]
    )
    try:
        await asyncio.wait_for(tracker.all_done.wait(), 120)
    except TimeoutError:  # channels_redis drops messages for full channels (capacity)
        print(f"{label}: observer saw {tracker.total}/{tracker.goal_total} events within 120 s")
    elapsed = (tracker.last_seen or time.perf_counter()) - start
    holder.tracker = None
    return tracker.total / elapsed


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
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}",
    }
    ports = [_free_port() for _ in range(args.servers)]
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
            holder = Holder()
            bare, readers = await _open_clients(ports, "/ws/bench/bare/", args.clients, holder)
            bare_lat = await _latency_rounds(bare, holder, args.rounds, "bare", {"type": "x"})
            bare_ops = await _throughput(bare, holder, args.ops_per_client, "bt", {"type": "x"})
            await _close(bare, readers)
            path = f"/ws/workshops/{workshop.code}/"
            live, readers = await _open_clients(ports, path, args.clients, holder, "ผู้ร่วม")
            ws_lat = await _latency_rounds(live, holder, args.rounds, "ws", {"type": "note.add"})
            ws_ops = await _throughput(
                live, holder, args.ops_per_client, "wt", {"type": "note.add"}
            )
            await _close(live, readers)
            return bare_lat, bare_ops, ws_lat, ws_ops

        bare_lat, bare_ops, ws_lat, ws_ops = asyncio.run(run())
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)

    from workshops.models import Event

    seqs = list(Event.objects.filter(workshop=workshop).values_list("seq", flat=True))
    gapless = seqs == list(range(1, len(seqs) + 1))
    print(f"ws_bench: {args.clients} clients, {args.servers} daphne processes, channels_redis")
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


if __name__ == "__main__":
    main()

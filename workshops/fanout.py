"""Per-process fan-out of a workshop's events to its WebSocket connections, in `seq` order.

Why not one channel-layer group member per connection: with channels_redis a `group_send` to N
connections writes N copies of the message into Redis, serialises it N times, and each process
pops its copies one by one; the copies of all local connections share one Redis key whose
`capacity` (1500) silently drops the overflow. With 200 connections writing at once that dropped
events and, worse, every connection that saw a gap read the database on its own.

Instead each server process has one `WorkshopHub` per workshop (per event loop) with at least one
local connection. The hub is the only member of the workshop's group in that process: an event is
serialised once by whoever publishes it (`envelope`), crosses Redis once per process, and the hub
hands the same text to every local connection. The hub delivers strictly in `seq` order: events
that overtake each other (two processes publish concurrently) wait in a small buffer; an event the
channel layer lost (or a publish that failed) is read back from the persisted, gapless event log —
once per process, not per connection — after a short grace period, and a periodic check of the
workshop's `last_seq` catches a lost *last* event too.

Connections register with `attach()` *before* they read their `state` (or replay), and hold hub
deliveries until that read is sent (`WorkshopConsumer.hub_event`), so nothing falls between the
snapshot and the live stream.
"""

import asyncio
import json
import logging

from .db import board_db, close_connections

logger = logging.getLogger(__name__)

# An event missing from the stream is fetched from the database after this long (seconds): long
# enough for an event that was merely overtaken by another process's broadcast to arrive.
GAP_GRACE = 0.25
# How often (seconds) a hub compares its last delivered seq with the database, to find events
# whose broadcast was lost with nothing after them to reveal the gap.
CHECK_INTERVAL = 1.0
# Events read from the database per query when filling a gap.
FILL_BATCH = 500
# How long (seconds) a stopping hub waits for its tasks to end.
STOP_TIMEOUT = 5.0
# Sent by a stopping hub to its own channel to end its receive loop.
STOP_MESSAGE = "workshop.hub_stop"


def group_name(workshop_id: int) -> str:
    return f"workshop.{workshop_id}"


def dumps(message: dict) -> str:
    return json.dumps(message, ensure_ascii=False, default=str)


def envelope(message: dict) -> dict:
    """The channel-layer message for one board message, serialised once for every recipient."""
    out = {"type": "workshop.message", "text": dumps(message)}
    if message.get("type") == "event":
        out["seq"] = message["seq"]
    return out


async def publish(layer, workshop_id: int, message: dict) -> None:
    """Send a board message to every process's hub (async side). Never raises: events are
    persisted, so a lost publish is recovered from the database by the hubs."""
    if layer is None:
        return
    try:
        await layer.group_send(group_name(workshop_id), envelope(message))
    except Exception:
        logger.warning("workshop %s: publish failed", workshop_id, exc_info=True)


def _last_seq(workshop_id: int) -> int:
    from .models import Workshop

    return Workshop.objects.filter(pk=workshop_id).values_list("last_seq", flat=True).first() or 0


def _event_texts_after(workshop_id: int, since: int, limit: int) -> list[tuple[int, str]]:
    from .models import Event

    events = Event.objects.filter(workshop_id=workshop_id, seq__gt=since).order_by("seq")[:limit]
    return [(e.seq, dumps(e.as_message())) for e in events]


class WorkshopHub:
    """The one group member of a workshop in this process (see the module docstring)."""

    def __init__(self, layer, workshop_id: int):
        self.layer = layer
        self.workshop_id = workshop_id
        self.consumers: set = set()
        self.seq = 0  # last seq handed to the local connections
        self.pending: dict[int, str] = {}  # seq -> text, arrived ahead of a missing one
        self.channel: str | None = None
        self.started = asyncio.Event()
        self.start_error: BaseException | None = None
        self.lock = asyncio.Lock()  # deliveries never interleave
        self.tasks: list[asyncio.Task] = []
        self.gap_task: asyncio.Task | None = None
        self.filling = False
        self.stopped = False

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        try:
            self.channel = await self.layer.new_channel()
            await self.layer.group_add(group_name(self.workshop_id), self.channel)
            # Everything committed up to here reaches connections through their own state/replay
            # read, which happens after this (attach waits for `started`).
            self.seq = await board_db(_last_seq)(self.workshop_id)
            loop = asyncio.get_running_loop()
            self.tasks = [
                loop.create_task(self._receive_loop()),
                loop.create_task(self._check_loop()),
            ]
        except BaseException as exc:
            self.start_error = exc
            raise
        finally:
            self.started.set()

    async def stop(self) -> None:
        self.stopped = True
        if self.channel is not None:
            try:
                await self.layer.group_discard(group_name(self.workshop_id), self.channel)
            except Exception:  # the group entry expires by itself
                logger.warning("workshop %s: hub group_discard failed", self.workshop_id)
        receiver, *others = self.tasks or [None]
        tasks = [t for t in [*others, self.gap_task] if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        if receiver is not None and not receiver.done():
            # Wake the receive loop with a message to its own channel rather than cancel it: a
            # channels_redis receive cancelled mid-read can fail to finish (redis/redis-py#2579).
            try:
                await self.layer.send(self.channel, {"type": STOP_MESSAGE})
            except Exception:
                receiver.cancel()
            tasks.append(receiver)
        if tasks:
            _, stuck = await asyncio.wait(tasks, timeout=STOP_TIMEOUT)
            for task in stuck:  # never hold up the last connection's exit
                task.cancel()
            if stuck:
                logger.warning(
                    "workshop %s: %d hub tasks did not stop", self.workshop_id, len(stuck)
                )

    # --- incoming ----------------------------------------------------------------------------

    async def _receive_loop(self) -> None:
        while not self.stopped:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # channel layer hiccup: the check loop fills from the database
                logger.warning("workshop %s: hub receive failed", self.workshop_id, exc_info=True)
                await asyncio.sleep(0.5)
                continue
            if self.stopped or message.get("type") == STOP_MESSAGE:
                return
            try:
                await self.dispatch(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("workshop %s: hub dispatch failed", self.workshop_id)

    async def dispatch(self, message: dict) -> None:
        if "text" not in message:  # an older publisher's un-serialised message
            message = envelope(message.get("message") or {})
        seq = message.get("seq")
        if seq is None:
            await self._to_all(None, message["text"])
        else:
            await self.on_event(int(seq), message["text"])

    async def on_event(self, seq: int, text: str) -> None:
        async with self.lock:
            if seq <= self.seq or seq in self.pending:
                return
            self.pending[seq] = text
            while self.seq + 1 in self.pending:
                self.seq += 1
                await self._to_all(self.seq, self.pending.pop(self.seq))
        if self.pending and (self.gap_task is None or self.gap_task.done()):
            self.gap_task = asyncio.get_running_loop().create_task(self._fill_after_grace())

    async def _to_all(self, seq: int | None, text: str) -> None:
        for consumer in list(self.consumers):
            try:
                await consumer.hub_event(seq, text)
            except Exception:  # one broken connection must not stop the others
                logger.warning("workshop %s: delivery failed", self.workshop_id, exc_info=True)

    # --- recovery ----------------------------------------------------------------------------

    async def _fill_after_grace(self) -> None:
        await asyncio.sleep(GAP_GRACE)
        if self.pending:
            await self.fill()

    async def _check_loop(self) -> None:
        while not self.stopped:
            await asyncio.sleep(CHECK_INTERVAL)
            try:
                last = await board_db(_last_seq)(self.workshop_id)
                if last > self.seq:
                    await asyncio.sleep(GAP_GRACE)  # it may just be on its way
                    if last > self.seq:
                        await self.fill()
            except asyncio.CancelledError:
                raise
            except Exception:  # database hiccup: try again at the next check
                logger.warning("workshop %s: hub check failed", self.workshop_id, exc_info=True)

    async def fill(self) -> None:
        """Read the events after the last delivered one from the database (single flight)."""
        if self.filling:
            return
        self.filling = True
        try:
            while True:
                rows = await board_db(_event_texts_after)(self.workshop_id, self.seq, FILL_BATCH)
                for seq, text in rows:
                    await self.on_event(seq, text)
                if len(rows) < FILL_BATCH:
                    break
        finally:
            self.filling = False


# (event loop, workshop id) -> hub. Each test (and each server process) has its own loop.
_hubs: dict[tuple[asyncio.AbstractEventLoop, int], WorkshopHub] = {}


async def attach(consumer, layer, workshop_id: int) -> WorkshopHub:
    """Register a connection for the workshop's live events (starts the hub if needed)."""
    key = (asyncio.get_running_loop(), workshop_id)
    hub = _hubs.get(key)
    if hub is None or hub.stopped:
        hub = _hubs[key] = WorkshopHub(layer, workshop_id)
        hub.consumers.add(consumer)
        try:
            await hub.start()
        except BaseException:
            if _hubs.get(key) is hub:
                del _hubs[key]
            raise
        if consumer not in hub.consumers:  # it left while the hub was starting
            await detach(consumer, workshop_id)
        return hub
    hub.consumers.add(consumer)
    await hub.started.wait()
    if hub.start_error is not None:
        hub.consumers.discard(consumer)
        raise RuntimeError("workshop hub did not start") from hub.start_error
    return hub


async def detach(consumer, workshop_id: int) -> None:
    key = (asyncio.get_running_loop(), workshop_id)
    hub = _hubs.get(key)
    if hub is None:
        return
    hub.consumers.discard(consumer)
    if not hub.consumers and hub.started.is_set() and _hubs.get(key) is hub:
        del _hubs[key]
        await hub.stop()
        for stale in [k for k in _hubs if k[0].is_closed()]:  # loops that ended (tests)
            del _hubs[stale]
        if not _hubs:  # no live workshop left in this process: let the connection go
            await close_connections()

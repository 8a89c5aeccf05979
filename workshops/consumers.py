"""The live board: one WebSocket per participant.

Protocol: ../shared/SPEC.md "Workshops" (and docs/architecture.md for `since` on `join`). The
consumer stays thin: it validates the envelope, rate-limits, calls `services.workshop_op` in a
worker thread (one short transaction that stores the change and its event), then publishes the
event from the event loop. Events reach the connection through its process's `fanout.WorkshopHub`,
already serialised and in `seq` order; the connection drops events it already has
(`seq <= self.last_seq`) and holds live events while it sends a state or a replay, so replays and
live delivery never duplicate, reorder or leave a gap.
"""

import asyncio
import json
import time
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache

from portal.ratelimit import scope_client_ip

from . import fanout, selectors, services
from .db import board_db
from .models import Workshop

RATE_CAPACITY = 20  # ops per connection in a burst...
RATE_REFILL_PER_SECOND = 2.0  # ...refilled at 20 per 10 seconds
# Board changes per participant across all their connections (shared cache, so across processes
# too): opening more connections must not multiply the per-connection budget.
PARTICIPANT_OPS_PER_WINDOW = 60
PARTICIPANT_WINDOW_SECONDS = 10
# Anonymous participants are cheap to make (a display name), so a client could rejoin under a new
# name for a fresh budget. Per client address and workshop, anonymous changes share a larger
# budget (a room of people behind one office NAT still fits) and new anonymous participants are
# capped; returning with one's token is not a new participant. Off with RATE_LIMITS_ENABLED.
ANONYMOUS_ADDRESS_OPS_PER_WINDOW = 300
ANONYMOUS_JOINS_PER_ADDRESS = 60
ANONYMOUS_JOIN_WINDOW_SECONDS = 3600
RATE_LIMITED = "ส่งคำสั่งถี่เกินไป กรุณารอสักครู่ (rate limited)"
# Presence lists are O(participants): broadcast at most one immediately and one trailing update
# per interval and workshop (coordinated through the shared cache, so across processes too).
PRESENCE_INTERVAL = 1.0


class TokenBucket:
    def __init__(self, capacity: float | None = None, rate: float | None = None):
        self.capacity = RATE_CAPACITY if capacity is None else capacity
        self.rate = RATE_REFILL_PER_SECOND if rate is None else rate
        self.tokens = self.capacity
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def _count(key: str, window_seconds: int) -> int:
    """One more in a window counter. The cache's own `incr` (atomic on Redis, keeps the expiry);
    the async `aincr` is a get-then-set that loses concurrent increments."""
    cache.add(key, 0, timeout=window_seconds * 2)
    return cache.incr(key)


async def _within(key_prefix: str, window_seconds: int, limit: int) -> bool:
    """Counts one more in the current fixed window of `key_prefix`; whether it is within
    `limit`. With the cache down, allowed (the per-connection bucket still applies)."""
    window = int(time.time() // window_seconds)
    try:
        used = await sync_to_async(_count, thread_sensitive=False)(
            f"{key_prefix}:{window}", window_seconds
        )
    except Exception:
        return True
    return used <= limit


def _address_limits_on() -> bool:
    return settings.RUAMKID.get("RATE_LIMITS_ENABLED", True)


_warmed = False


def _warm_up_once() -> None:
    """Load the Thai dictionary in the background on the first connection of a process, so the
    first `note.add` does not pay for it (it takes seconds on a busy machine)."""
    global _warmed
    if _warmed:
        return
    _warmed = True

    def warm():
        from django.db import close_old_connections

        from nlp.services import search_text

        try:
            search_text("อุ่นเครื่อง")
        finally:
            close_old_connections()

    asyncio.get_running_loop().run_in_executor(None, warm)


def _max_bytes() -> int:
    return int(settings.RUAMKID.get("WS_MAX_MESSAGE_BYTES", 8 * 1024))


class WorkshopConsumer(AsyncJsonWebsocketConsumer):
    # Live events reach a connection through its process's hub (`fanout`), never through a
    # channel of its own: no per-connection channel-layer receive loop to run, or to cancel
    # when the connection ends (a cancelled channels_redis receive can hang; see
    # docs/architecture.md).
    channel_layer_alias = None

    async def connect(self):
        self.layer = get_channel_layer()  # for publishing and the hub, not for receiving
        self.workshop_id = None
        self.participant = None
        self.facilitator = False
        self.last_seq = 0  # the last event seq this connection has sent (or the client has)
        self.attached = False  # receiving live events from the process's hub
        self.syncing = 0  # > 0 while a state/replay is being read and sent: hold live events
        self.held: list[tuple[int | None, str]] = []
        self.counted = False
        self.bucket = TokenBucket()
        self.address = scope_client_ip(self.scope)
        if self.scope.get("token_invalid"):
            await self.close(code=4401)
            return
        code = self.scope["url_route"]["kwargs"]["code"]
        user = self.scope.get("user")
        found = await self._load(code, user)
        if found is None:
            await self.close(code=4404)
            return
        self.workshop_id, self.facilitator, visible = found
        if not visible:
            await self.close(code=4403)
            return
        await self.accept()
        _warm_up_once()
        if user is not None and user.is_authenticated:
            # Logged-in users may skip `join`; a reconnecting one passes ?since=<last seq>.
            query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
            since = query.get("since", [""])[0]
            await self._join({"since": int(since)} if since.isdigit() else {})

    @board_db
    def _load(self, code, user):
        workshop = selectors.workshop_by_code(code)
        if workshop is None:
            return None
        facilitator = services.is_facilitator(user, workshop)
        visible = workshop.is_public or facilitator
        return workshop.pk, facilitator, visible

    async def disconnect(self, close_code):
        if self.attached:
            self.attached = False
            await fanout.detach(self, self.workshop_id)
        if self.counted and self.participant is not None:
            await board_db(services.participant_disconnected)(participant_id=self.participant.pk)
            await self._broadcast_presence()

    # --- incoming ----------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        raw = text_data if text_data is not None else bytes_data
        if raw is None:
            return
        size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw)
        if size > _max_bytes():
            await self._error("invalid", f"ข้อความใหญ่เกิน {_max_bytes()} ไบต์ (message too large)")
            return
        try:
            content = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            await self._error("invalid", "ข้อความไม่ใช่ JSON (invalid JSON)")
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            await self._error("invalid", "ข้อความต้องเป็นออบเจกต์ JSON (expected an object)")
            return
        client_id = content.get("client_id")
        if client_id is not None and (
            not isinstance(client_id, str | int) or len(str(client_id)) > 64
        ):
            await self._error("invalid", "client_id ไม่ถูกต้อง (client_id: string ≤ 64)")
            return
        client_id = "" if client_id is None else str(client_id)
        if not self.bucket.take():
            await self._error("rate_limited", RATE_LIMITED, client_id)
            return
        kind = content.get("type")
        if not isinstance(kind, str):
            await self._error("invalid", "ไม่มีชนิดข้อความ (missing type)", client_id)
            return
        if kind == "join":
            await self._join(content, client_id)
        elif kind == "resume":
            await self._resume(content, client_id)
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind in services.OPS:
            await self._op(kind, content, client_id)
        else:
            await self._error("invalid", f"ไม่รู้จักคำสั่ง (unknown type {kind[:40]!r})", client_id)

    @staticmethod
    def _since(content):
        """The optional `since` of a join / the required one of a resume: int ≥ 0, or False."""
        since = content.get("since")
        if isinstance(since, bool) or not isinstance(since, int) or since < 0:
            return False
        return since

    async def _join(self, content, client_id=""):
        display_name = content.get("display_name", "")
        token = content.get("token", "")
        if not isinstance(display_name, str) or not isinstance(token, str):
            await self._error("invalid", "display_name ต้องเป็นข้อความ (must be a string)", client_id)
            return
        since = None
        if content.get("since") is not None:
            since = self._since(content)
            if since is False:
                await self._error("invalid", "since ต้องเป็นจำนวนเต็ม (since: integer ≥ 0)", client_id)
                return
        user = self.scope.get("user")
        anonymous = user is None or not user.is_authenticated
        if anonymous and _address_limits_on() and not await self._returning(token[:64]):
            key = f"ws-joins:{self.workshop_id}:{self.address}"
            limit = ANONYMOUS_JOINS_PER_ADDRESS
            if not await _within(key, ANONYMOUS_JOIN_WINDOW_SECONDS, limit):
                await self._error("rate_limited", RATE_LIMITED, client_id)
                return
        try:
            participant, first_time = await self._join_db(display_name, token[:64])
        except services.OpError as exc:
            await self._error(exc.code, exc.detail, client_id)
            return
        # A reconnecting client that is still the same participant catches up by replay;
        # anyone else (a new participant, an unknown token) needs the whole board.
        same = participant.user_id is not None or (bool(token) and participant.token == token)
        self.participant = participant
        await self._attach()
        if since is not None and same:
            await self._replay(since)
        else:
            await self._send_state()
        if first_time:
            await self._broadcast_presence()

    @board_db
    def _returning(self, token) -> bool:
        """The token of one of the workshop's anonymous participants (not a new participant)."""
        return bool(token) and selectors.anonymous_participant_exists(self.workshop_id, token)

    @board_db
    def _join_db(self, display_name, token):
        workshop = Workshop.objects.get(pk=self.workshop_id)
        participant = services.participant_join(
            workshop=workshop,
            user=self.scope.get("user"),
            display_name=display_name,
            token=token,
        )
        if self.participant is not None and self.participant.pk != participant.pk and self.counted:
            services.participant_disconnected(participant_id=self.participant.pk)
            self.counted = False
        first_time = not self.counted
        if first_time:
            services.participant_connected(participant_id=participant.pk)
            self.counted = True
        return participant, first_time

    async def _resume(self, content, client_id):
        since = self._since(content)
        if since is False:
            await self._error("invalid", "since ต้องเป็นจำนวนเต็ม (since: integer ≥ 0)", client_id)
            return
        # Replaying is reading: any connection that may see the board may catch up (and then
        # follows live events), joined or not. Writing still needs `join`.
        await self._attach()
        await self._replay(since)

    async def _op(self, op, content, client_id):
        if self.participant is None:
            await self._error("forbidden", "กรุณาเข้าร่วมก่อน (join first)", client_id)
            return
        if not await self._participant_may_change():
            await self._error("rate_limited", RATE_LIMITED, client_id)
            return
        actor = services.Actor(
            participant=self.participant, user=self.scope.get("user"), facilitator=self.facilitator
        )
        try:
            event = await board_db(services.workshop_op)(
                workshop_id=self.workshop_id,
                actor=actor,
                op=op,
                payload=content,
                client_id=client_id,
                publish=False,
            )
        except services.OpError as exc:
            await self._error(exc.code, exc.detail, client_id)
            return
        # Committed: publish from here, so the database thread is already free for the next op.
        await fanout.publish(self.layer, self.workshop_id, event.as_message())

    async def _participant_may_change(self) -> bool:
        """The participant's changes in this window, across all their connections, within
        PARTICIPANT_OPS_PER_WINDOW (a fixed window in the shared cache); an anonymous
        participant's also within their address's ANONYMOUS_ADDRESS_OPS_PER_WINDOW."""
        own = f"ws-ops:{self.participant.pk}"
        if not await _within(own, PARTICIPANT_WINDOW_SECONDS, PARTICIPANT_OPS_PER_WINDOW):
            return False
        if self.participant.user_id is not None or not _address_limits_on():
            return True
        shared = f"ws-address-ops:{self.workshop_id}:{self.address}"
        return await _within(shared, PARTICIPANT_WINDOW_SECONDS, ANONYMOUS_ADDRESS_OPS_PER_WINDOW)

    # --- outgoing ----------------------------------------------------------------------------

    async def _attach(self):
        if not self.attached:
            await fanout.attach(self, self.layer, self.workshop_id)
            self.attached = True

    async def hub_event(self, seq, text):
        """Called by the process's hub for each event (in seq order) and presence update."""
        if self.syncing:
            self.held.append((seq, text))
            return
        if seq is None:
            await self.send(text_data=text)
            return
        if seq <= self.last_seq:
            return  # already sent (state or replay)
        if seq > self.last_seq + 1:
            # Not expected (the hub delivers in order and reads hold deliveries), but never
            # skip: hold it and read what is missing from the database.
            self.held.append((seq, text))
            self.syncing += 1
            asyncio.get_running_loop().create_task(self._catch_up())
            return
        self.last_seq = seq
        await self.send(text_data=text)

    async def _flush_held(self):
        """Send the live events held during a read, then go live again (call with syncing > 0)."""
        try:
            while self.held:
                held, self.held = self.held, []
                for seq, text in held:
                    if seq is None:
                        await self.send(text_data=text)
                    elif seq == self.last_seq + 1:
                        self.last_seq = seq
                        await self.send(text_data=text)
                    elif seq > self.last_seq + 1:
                        rows = await board_db(fanout._event_texts_after)(
                            self.workshop_id, self.last_seq, seq - self.last_seq - 1
                        )
                        for row_seq, row_text in rows:
                            if row_seq == self.last_seq + 1:
                                self.last_seq = row_seq
                                await self.send(text_data=row_text)
                        if seq == self.last_seq + 1:
                            self.last_seq = seq
                            await self.send(text_data=text)
        finally:
            self.syncing -= 1

    async def _catch_up(self):
        await self._flush_held()

    async def _send_state(self):
        self.syncing += 1
        try:
            state = await board_db(selectors.workshop_state)(
                Workshop(pk=self.workshop_id), self.participant, facilitator=self.facilitator
            )
            if state["me"] is not None:
                participant = self.participant
                state["me"]["token"] = participant.token if participant.user_id is None else None
            self.last_seq = state["seq"]
            await self.send_json(state)
        finally:
            await self._flush_held()

    async def _replay(self, since):
        """Every event after `since` in order, or a fresh state when too old (SPEC `resume`)."""
        self.syncing += 1
        try:
            events = await board_db(selectors.events_since)(self.workshop_id, since)
            if events is None:
                await self._send_state()
                return
            for event in events:
                await self.send_json(event)
            self.last_seq = max(self.last_seq, events[-1]["seq"] if events else since)
        finally:
            await self._flush_held()

    async def _broadcast_presence(self):
        key = f"workshops:presence:{self.workshop_id}"
        try:
            if await cache.aadd(key, 1, timeout=PRESENCE_INTERVAL):
                await self._send_presence()
            elif await cache.aadd(key + ":trailing", 1, timeout=PRESENCE_INTERVAL * 2):
                asyncio.get_running_loop().create_task(self._trailing_presence(key))
        except Exception:  # cache down: fall back to an immediate update
            await self._send_presence()

    async def _trailing_presence(self, key):
        await asyncio.sleep(PRESENCE_INTERVAL)
        try:
            await cache.adelete(key + ":trailing")
            await self._send_presence()
        except Exception:  # best effort; the next state carries presence too
            return

    async def _send_presence(self):
        participants = await board_db(selectors.participants_list)(Workshop(pk=self.workshop_id))
        await fanout.publish(
            self.layer,
            self.workshop_id,
            {"type": "presence", "participants": participants},
        )

    async def _error(self, code, detail, client_id=""):
        message = {"type": "error", "code": code, "detail": detail}
        if client_id:
            message["client_id"] = client_id
        await self.send_json(message)

    @classmethod
    async def encode_json(cls, content):
        return fanout.dumps(content)

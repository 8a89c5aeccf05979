import asyncio
import logging
import threading
import time

from .models import Agency

logger = logging.getLogger(__name__)

# How long one process reuses a channel-layer probe result (health checks, the workshop board).
PROBE_MAX_AGE = 1.0


def agency_list():
    return Agency.objects.order_by("name").values("slug", "name", "name_en")


class _ChannelLayerProbe:
    """Round-trips a message through the channel layer, at most once per `PROBE_MAX_AGE` seconds
    per process.

    The round trip runs on one background event loop per process, with a probe layer of the same
    configuration that lives on that loop and keeps its connections (a Redis layer holds
    per-loop state, so the shared instance, bound to the server's loop, is not used for it; the
    in-memory layer has no connections and is probed itself). Callers within `PROBE_MAX_AGE` of
    the last probe get its result; concurrent callers wait for the one probe in flight instead of
    starting their own.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._loop = None
        self._thread = None
        self._layer = None  # the shared layer the probe layer and the last result belong to
        self._probe_layer = None
        self._checked_at = 0.0
        self._ok = False

    def available(self, layer, timeout: float) -> bool:
        if layer is None:
            return False
        max_age = PROBE_MAX_AGE
        if self._fresh(layer, max_age):
            return self._ok
        if not self._lock.acquire(timeout=timeout):
            return self._ok if self._layer is layer else False
        try:
            if self._fresh(layer, max_age):  # probed by another thread while this one waited
                return self._ok
            ok = self._probe(layer, timeout)
            self._layer, self._ok, self._checked_at = layer, ok, time.monotonic()
            return ok
        finally:
            self._lock.release()

    def _fresh(self, layer, max_age: float) -> bool:
        return self._layer is layer and time.monotonic() - self._checked_at < max_age

    def _event_loop(self):
        if self._thread is None or not self._thread.is_alive():
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(
                target=self._loop.run_forever, name="channel-layer-probe", daemon=True
            )
            self._thread.start()
            self._probe_layer = None  # bound to the old loop
        return self._loop

    def _probe(self, layer, timeout: float) -> bool:
        future = asyncio.run_coroutine_threadsafe(self._round_trip(layer), self._event_loop())
        try:
            return bool(future.result(timeout=timeout))
        except Exception:
            # A channels_redis receive cancelled mid-read may never finish and keep its layer's
            # receive lock (redis/redis-py#2579): the next probe starts from a fresh layer.
            self._probe_layer = None
            future.cancel()
            return False

    async def _round_trip(self, layer) -> bool:
        from channels.layers import DEFAULT_CHANNEL_LAYER, InMemoryChannelLayer, channel_layers

        if self._layer is not layer or self._probe_layer is None:
            old, self._probe_layer = self._probe_layer, None
            if old is not None and old is not self._layer and hasattr(old, "close_pools"):
                await _close_quietly(old)
            if isinstance(layer, InMemoryChannelLayer):
                self._probe_layer = layer
            else:
                self._probe_layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
        probe = self._probe_layer
        try:
            channel = await probe.new_channel()
            await probe.send(channel, {"type": "health.ping"})
            message = await probe.receive(channel)
        except BaseException:  # failed or timed out: the next probe starts from a fresh layer
            self._probe_layer = None
            if probe is not layer and hasattr(probe, "close_pools"):
                asyncio.get_running_loop().create_task(_close_quietly(probe))
            raise
        return message.get("type") == "health.ping"


async def _close_quietly(layer) -> None:
    try:
        await layer.close_pools()
    except Exception:  # a broken connection must not fail the next probe
        logger.debug("closing the channel-layer probe's connections failed", exc_info=True)


_probe = _ChannelLayerProbe()


def channel_layer_available(layer, timeout: float = 2.0) -> bool:
    """True when a message can round-trip through the channel layer (checked at most once a
    second per process, see `_ChannelLayerProbe`)."""
    return _probe.available(layer, timeout)


def staff_agencies(user) -> list[dict]:
    """[{"agency": Agency, "roles": [labels], "role_codes": set}] for the staff dashboard."""
    from .models import Membership, Role

    if user.is_superuser:
        return [
            {
                "agency": agency,
                "roles": ["ผู้ดูแลระบบทั้งหมด"],
                "role_codes": {c for c, _ in Role.choices},
            }
            for agency in Agency.objects.order_by("name")
        ]
    rows: dict[int, dict] = {}
    for membership in (
        Membership.objects.filter(user=user).select_related("agency").order_by("agency__name")
    ):
        row = rows.setdefault(
            membership.agency_id, {"agency": membership.agency, "roles": [], "role_codes": set()}
        )
        row["roles"].append(membership.get_role_display())
        row["role_codes"].add(membership.role)
    for row in rows.values():
        if Role.ADMIN in row["role_codes"]:
            row["role_codes"] = {c for c, _ in Role.choices}
    return list(rows.values())


def audit_entries(*, agency, action: str | None = None):
    from .models import AuditLogEntry

    entries = AuditLogEntry.objects.filter(agency=agency).select_related("actor")
    if action:
        entries = entries.filter(action=action)
    return entries.order_by("-created_at", "-pk")


def audit_actions(*, agency) -> list[str]:
    from .models import AuditLogEntry

    return list(
        AuditLogEntry.objects.filter(agency=agency)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )

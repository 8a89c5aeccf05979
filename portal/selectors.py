import asyncio
import concurrent.futures

from .models import Agency


def agency_list():
    return Agency.objects.order_by("name").values("slug", "name", "name_en")


def channel_layer_available(layer, timeout: float = 2.0) -> bool:
    """True when a message can round-trip through the channel layer.

    The check runs in its own event loop. A Redis layer keeps per-loop state (receive buffers
    and locks), so the shared instance must not be driven from a throw-away loop: the check
    uses a fresh instance of the same configuration and closes its connections afterwards.
    """
    from channels.layers import DEFAULT_CHANNEL_LAYER, InMemoryChannelLayer, channel_layers

    if layer is None:
        return False

    async def round_trip():
        probe = layer
        if not isinstance(layer, InMemoryChannelLayer):
            probe = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
        try:
            channel = await probe.new_channel()
            await probe.send(channel, {"type": "health.ping"})
            message = await probe.receive(channel)
            return message.get("type") == "health.ping"
        finally:
            if probe is not layer and hasattr(probe, "close_pools"):
                await probe.close_pools()

    def run():
        return asyncio.run(asyncio.wait_for(round_trip(), timeout))

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return bool(pool.submit(run).result(timeout=timeout + 1))
    except Exception:
        return False


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

import asyncio
import concurrent.futures

from .models import Agency


def agency_list():
    return Agency.objects.order_by("name").values("slug", "name", "name_en")


def channel_layer_available(layer, timeout: float = 2.0) -> bool:
    """True when a message can round-trip through the channel layer."""
    if layer is None:
        return False

    async def round_trip():
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "health.ping"})
        message = await layer.receive(channel)
        return message.get("type") == "health.ping"

    def run():
        return asyncio.run(asyncio.wait_for(round_trip(), timeout))

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return bool(pool.submit(run).result(timeout=timeout + 1))
    except Exception:
        return False
